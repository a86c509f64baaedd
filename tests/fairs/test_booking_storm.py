"""What one attempt of a booking rush costs, and where its confirmation goes."""

import time

import pytest
from django.urls import reverse
from django_q.conf import Conf
from django_q.models import OrmQ

from fairs import services
from fairs.models import BoothBooking
from fairs.services import bookings
from portal.models import AuditEntry
from tests import factories


@pytest.fixture
def fair(foshan):
    return factories.make_fair(foshan["chancheng"])


def test_the_loser_of_a_rush_is_refused_after_one_query_for_the_booth(
    client, fair, employer, other_employer, django_assert_num_queries
):
    booth = fair.booths.get(number="A01")
    services.book_booth(
        fair, booth, employer=employer.employer, postings=[], by=employer
    )
    posting = factories.make_posting(other_employer.employer)
    client.force_login(other_employer)
    url = reverse("fairs:booking_new", args=[fair.pk, booth.pk])
    # The session, the user, then the booth with its fair and whether it is
    # taken: the postings ticked are not even read.
    with django_assert_num_queries(3):
        response = client.post(url, {"postings": [posting.pk]})
    assert response.url == fair.get_absolute_url()
    page = client.get(response.url).text
    assert "A01 号展位刚被预订，请选择其他展位。" in page
    assert BoothBooking.objects.get().employer == employer.employer


def test_a_taken_booth_is_refused_before_the_form_is_shown(
    client, fair, employer, other_employer
):
    booth = fair.booths.get(number="A01")
    services.book_booth(
        fair, booth, employer=employer.employer, postings=[], by=employer
    )
    client.force_login(other_employer)
    response = client.get(reverse("fairs:booking_new", args=[fair.pk, booth.pk]))
    assert response.url == fair.get_absolute_url()
    assert "请选择其他展位" in client.get(response.url).text


def test_a_booking_with_no_posting_ticked_shows_none(client, fair, employer):
    factories.make_posting(employer.employer)
    client.force_login(employer)
    booth = fair.booths.get(number="A02")
    response = client.post(reverse("fairs:booking_new", args=[fair.pk, booth.pk]))
    booking = BoothBooking.objects.get()
    assert response.url == booking.get_absolute_url()
    assert booking.booth == booth and not booking.postings.exists()


def test_the_confirmation_is_queued_in_the_bookings_own_transaction(
    fair, employer, monkeypatch
):
    monkeypatch.setattr(Conf, "SYNC", False)  # queued for the worker
    booking = services.book_booth(
        fair, fair.booths.get(number="A01"), employer=employer.employer,
        postings=[], by=employer,
    )  # fmt: skip
    # No commit has happened yet (the test's transaction is still open), and
    # the task is already there: it commits or rolls back with the booking.
    [task] = OrmQ.objects.all()
    assert task.func() == "fairs.tasks.confirm_booking"
    assert task.task["args"] == (booking.pk,)


def test_a_booking_whose_confirmation_cannot_be_queued_is_not_made(
    fair, employer, monkeypatch
):
    def broken_queue(*args, **kwargs):
        raise RuntimeError("the queue's table refused the task")

    monkeypatch.setattr(bookings, "async_task", broken_queue)
    with pytest.raises(RuntimeError):
        services.book_booth(
            fair, fair.booths.get(number="A01"), employer=employer.employer,
            postings=[], by=employer,
        )  # fmt: skip
    assert not BoothBooking.objects.exists()
    assert not AuditEntry.objects.filter(action="fairs.booking.booked").exists()


def test_the_booking_locks_give_up_after_3_s_and_leave_the_callers_timeout(db):
    from django.db import OperationalError, connection, connections, transaction

    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [bookings.BOOTH_LOCK, 1])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '20s'")
            bookings.lock_keys((bookings.BOOTH_LOCK, 2))
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "20s"
            started = time.monotonic()
            with pytest.raises(OperationalError), transaction.atomic():
                bookings.lock_keys((bookings.BOOTH_LOCK, 1))
            assert time.monotonic() - started < 10
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "20s"
    finally:
        holder.close()
