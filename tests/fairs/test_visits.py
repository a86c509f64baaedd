import pytest
from django.urls import reverse

from fairs import queries, services
from fairs.models import BoothVisit
from fairs.services import visits
from jobs.models import Application
from tests import factories


@pytest.fixture
def booking(foshan, employer):
    fair = factories.make_fair(foshan["chancheng"])
    posting = factories.make_posting(employer.employer, title="仓库管理员")
    return services.book_booth(
        fair, fair.booths.first(), employer=employer.employer, postings=[posting],
        by=employer,
    )  # fmt: skip


def test_seeker_sends_a_resume_at_the_booth_and_the_employer_records_an_intention(
    client, booking, seeker, employer
):
    factories.make_resume(seeker)
    posting = booking.postings.get()
    client.force_login(seeker)
    url = reverse("fairs:booth_page", args=[booking.code])
    assert posting.title in client.get(url).text
    client.post(url, {"postings": [posting.pk]})
    client.post(url, {"postings": [posting.pk]})  # twice: one visit, one application
    assert (
        Application.objects.filter(person=seeker.person, posting=posting).count() == 1
    )
    visit = BoothVisit.objects.get()
    client.force_login(employer)
    visitors = client.get(reverse("fairs:booking_visitors", args=[booking.code]))
    assert seeker.person.name in visitors.text
    client.post(reverse("fairs:visit_intention", args=[visit.pk]), {"note": "仓管"})
    visit.refresh_from_db()
    assert visit.has_intention
    figures = queries.fair_figures(booking.fair)
    assert (figures["interests"], figures["intentions"]) == (1, 1)


def test_a_resume_is_needed_and_only_the_booths_jobs(booking, seeker, employer):
    other = factories.make_posting(employer.employer, title="不在展位的岗位")
    with pytest.raises(services.FairError):
        visits.register_interest(booking, person=seeker.person, postings=[other])
    with pytest.raises(services.FairError):  # no resume yet
        visits.register_interest(
            booking, person=seeker.person, postings=list(booking.postings.all())
        )


def test_other_employers_cannot_see_visitors_or_record_intentions(
    client, booking, seeker, other_employer
):
    factories.make_resume(seeker)
    visit = visits.register_interest(
        booking, person=seeker.person, postings=list(booking.postings.all())
    )
    client.force_login(other_employer)
    url = reverse("fairs:booking_visitors", args=[booking.code])
    assert client.get(url).status_code == 403
    response = client.post(reverse("fairs:visit_intention", args=[visit.pk]))
    assert response.status_code == 403


def test_anonymous_visitors_see_the_jobs_and_a_login_link(client, booking):
    page = client.get(reverse("fairs:booth_page", args=[booking.code]))
    assert booking.postings.get().title in page.text and "next=" in page.text
    assert (
        client.post(reverse("fairs:booth_page", args=[booking.code]), {}).status_code
        == 403
    )


def test_a_visitor_who_withdrew_every_application_is_listed_masked(
    client, booking, seeker, employer
):
    from jobs import services as job_services

    resume = factories.make_resume(seeker)
    visits.register_interest(
        booking, person=seeker.person, postings=list(booking.postings.all())
    )
    for application in Application.objects.filter(person=seeker.person):
        job_services.withdraw_application(application, by=seeker)
    client.force_login(employer)
    visitors = client.get(reverse("fairs:booking_visitors", args=[booking.code]))
    assert seeker.person.name not in visitors.text
    assert resume.display_name in visitors.text
