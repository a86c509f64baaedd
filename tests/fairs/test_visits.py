import pytest
from django.urls import reverse

from fairs import queries, services
from fairs.models import BoothVisit
from fairs.services import visits
from jobs.models import Application, Resume
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


def test_a_seeker_without_a_resume_is_sent_to_the_resume_form_and_back_to_the_booth(
    client, booking, seeker
):
    url = reverse("fairs:booth_page", args=[booking.code])
    client.force_login(seeker)
    page = client.get(url).text
    resume_form = f"{reverse('jobs:resume_edit')}?next={url}"
    assert resume_form in page and 'name="postings"' not in page
    saved = client.post(
        resume_form,
        {
            "intended_occupations": "仓管",
            "experience_years": "0",
            "work-TOTAL_FORMS": "0",
            "work-INITIAL_FORMS": "0",
            "school-TOTAL_FORMS": "0",
            "school-INITIAL_FORMS": "0",
            "next": url,
        },
    )
    assert saved.url == url
    assert 'name="postings"' in client.get(url).text


def test_the_visitor_list_links_the_resumes_the_employer_may_read(
    client, booking, seeker, other_seeker, employer
):
    from jobs import services as job_services

    applied = factories.make_resume(seeker)
    withdrew_public = factories.make_resume(other_seeker, is_public=True)
    for person in (seeker.person, other_seeker.person):
        visits.register_interest(
            booking, person=person, postings=list(booking.postings.all())
        )
    application = Application.objects.get(person=seeker.person)
    for gone in Application.objects.filter(person=other_seeker.person):
        job_services.withdraw_application(gone, by=other_seeker)
    client.force_login(employer)
    page = client.get(reverse("fairs:booking_visitors", args=[booking.code])).text
    assert f'<a href="{applied.get_absolute_url()}">{seeker.person.name}</a>' in page
    assert reverse("jobs:application_detail", args=[application.code]) in page
    assert (
        f'<a href="{withdrew_public.get_absolute_url()}">'
        f"{withdrew_public.display_name}</a>" in page
    )
    # A private resume of someone who withdrew: no link the employer cannot open.
    Resume.objects.filter(pk=withdrew_public.pk).update(is_public=False)
    page = client.get(reverse("fairs:booking_visitors", args=[booking.code])).text
    assert withdrew_public.display_name in page
    assert withdrew_public.get_absolute_url() not in page
    assert client.get(withdrew_public.get_absolute_url()).status_code == 403
