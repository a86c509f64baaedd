import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fairs import services
from fairs.models import RemoteCall, SeekerPass
from portal.models import Notification
from tests import factories


@pytest.fixture
def booking(foshan, employer):
    fair = factories.make_fair(foshan["chancheng"])
    posting = factories.make_posting(employer.employer, title="仓库管理员")
    return services.book_booth(
        fair, fair.booths.first(), employer=employer.employer, postings=[posting],
        by=employer,
    )  # fmt: skip


def during_the_fair(booking):
    fair = booking.fair
    moment = datetime.datetime.combine(fair.date, datetime.time(10, 0))
    return time_machine.travel(timezone.make_aware(moment))


def registered(fair, user):
    services.register_to_attend(fair, person=user.person)
    return user


def test_seekers_queue_first_come_first_served_and_see_their_place(
    client, booking, seeker, other_seeker
):
    registered(booking.fair, seeker)
    registered(booking.fair, other_seeker)
    url = reverse("fairs:remote_queue", args=[booking.code])
    with during_the_fair(booking):
        client.force_login(seeker)
        client.post(url)
        client.force_login(other_seeker)
        client.post(url)
        page = client.get(url)
    first, second = RemoteCall.objects.order_by("joined_at", "id")
    assert (first.seeker, second.seeker) == (seeker, other_seeker)
    assert (first.position(), second.position()) == (1, 2)
    assert page.context["mine"] == second


def test_the_employer_calls_the_next_one_into_a_video_room(
    client, booking, seeker, other_seeker, employer
):
    registered(booking.fair, seeker)
    registered(booking.fair, other_seeker)
    with during_the_fair(booking):
        first = services.join_remote_queue(booking, by=seeker)
        second = services.join_remote_queue(booking, by=other_seeker)
        client.force_login(employer)
        client.post(reverse("fairs:remote_queue", args=[booking.code]))
        first.refresh_from_db()
        assert first.status == "called" and first.room.is_member(seeker)
        assert first.room.is_open()
        assert not first.room.is_member(other_seeker)
        assert second.position() == 1
        services.call_next_remote(booking, by=employer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "done" and second.status == "called"
    assert Notification.objects.filter(
        recipient=seeker, url=first.room.get_absolute_url()
    ).exists()


def test_only_registered_seekers_away_from_the_venue_during_the_hours(
    booking, seeker, other_seeker
):
    with during_the_fair(booking), pytest.raises(services.FairError):
        services.join_remote_queue(booking, by=seeker)  # not registered
    registered(booking.fair, seeker)
    with pytest.raises(services.FairError):  # a week before the fair
        services.join_remote_queue(booking, by=seeker)
    registered(booking.fair, other_seeker)
    SeekerPass.objects.filter(person=other_seeker.person).update(
        entered_at=timezone.now()
    )
    with during_the_fair(booking):
        with pytest.raises(services.FairError):  # inside the venue
            services.join_remote_queue(booking, by=other_seeker)
        services.join_remote_queue(booking, by=seeker)
        with pytest.raises(services.FairError):  # already waiting
            services.join_remote_queue(booking, by=seeker)
    assert RemoteCall.objects.count() == 1


def test_other_employers_cannot_call_and_staff_cannot_queue(
    client, booking, other_employer, caseworker, seeker
):
    registered(booking.fair, seeker)
    url = reverse("fairs:remote_queue", args=[booking.code])
    with during_the_fair(booking):
        services.join_remote_queue(booking, by=seeker)
        with pytest.raises(services.FairError):
            services.call_next_remote(booking, by=other_employer)
        client.force_login(other_employer)
        assert client.post(url).status_code == 403
        client.force_login(caseworker)
        assert client.get(url).status_code == 403
    assert RemoteCall.objects.get().status == "waiting"


def test_a_seeker_leaves_the_queue(booking, seeker):
    registered(booking.fair, seeker)
    with during_the_fair(booking):
        call = services.join_remote_queue(booking, by=seeker)
        services.leave_remote_queue(call, by=seeker)
        call.refresh_from_db()
        assert call.status == "left" and call.position() == 0
        services.join_remote_queue(booking, by=seeker)  # may queue again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_calling_at_once_call_two_different_seekers(
    booking, seeker, other_seeker, employer
):
    from portal.models import User

    colleague = User.objects.create_user(
        username="booth2", role=User.Role.EMPLOYER, employer=employer.employer
    )
    registered(booking.fair, seeker)
    registered(booking.fair, other_seeker)
    with during_the_fair(booking):
        services.join_remote_queue(booking, by=seeker)
        services.join_remote_queue(booking, by=other_seeker)
        barrier = threading.Barrier(2)
        called = []

        def call(user):
            try:
                barrier.wait()
                called.append(services.call_next_remote(booking, by=user))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=call, args=[u]) for u in (employer, colleague)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len({c.seeker_id for c in called if c}) == 2
    statuses = sorted(RemoteCall.objects.values_list("status", flat=True))
    assert statuses == ["called", "done"]
