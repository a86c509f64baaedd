import threading

import pytest
from django.db import connection
from django.urls import reverse

from jobs import services
from jobs.models import Application, FavouritePosting, Resume
from portal.models import Notification
from tests import factories


@pytest.fixture
def posting(employer):
    return factories.make_posting(employer.employer, title="财务会计")


@pytest.fixture
def resume(seeker):
    return factories.make_resume(seeker)


def test_seeker_fills_in_a_resume_prefilled_from_the_registry(client, seeker):
    client.force_login(seeker)
    page = client.get(reverse("jobs:resume_edit"))
    assert seeker.person.name in page.text  # from the registry, not typed
    data = {
        "intended_occupations": "会计",
        "intended_occupation_groups": ["2"],
        "job_types": ["full_time"],
        "expected_salary_min": "6000",
        "expected_salary_max": "9000",
        "experience_years": "3",
        "skills": "财务软件",
        "certificates": "",
        "self_introduction": "",
        "is_public": "on",
        "work-TOTAL_FORMS": "1",
        "work-INITIAL_FORMS": "0",
        "work-0-employer_name": "佛山市某公司",
        "work-0-position": "会计",
        "work-0-start_date": "2020-03-01",
        "work-0-end_date": "2023-06-30",
        "school-TOTAL_FORMS": "1",
        "school-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("jobs:resume_edit"), data)
    assert response.status_code == 302
    resume = Resume.objects.get(person=seeker.person)
    assert resume.is_public and resume.experiences.count() == 1


def test_resume_with_dates_backwards_is_refused(client, english, seeker):
    client.force_login(seeker)
    data = {
        "experience_years": "0",
        "work-TOTAL_FORMS": "1",
        "work-INITIAL_FORMS": "0",
        "work-0-employer_name": "某公司",
        "work-0-position": "会计",
        "work-0-start_date": "2023-03-01",
        "work-0-end_date": "2020-06-30",
        "school-TOTAL_FORMS": "0",
        "school-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("jobs:resume_edit"), data)
    assert response.status_code == 200
    assert "The end is before the start." in response.text
    assert not Resume.objects.exists()


def test_seeker_applies_once_and_the_employer_is_told(
    client, seeker, resume, posting, employer
):
    client.force_login(seeker)
    url = reverse("jobs:job_apply", args=[posting.pk])
    assert client.post(url, {"message": "可随时到岗"}).status_code == 302
    client.post(url)
    assert Application.objects.count() == 1
    assert Notification.objects.filter(
        recipient=employer, subject__contains=posting.title
    ).exists()


RESUME_DATA = {
    "intended_occupations": "会计",
    "experience_years": "0",
    "work-TOTAL_FORMS": "0",
    "work-INITIAL_FORMS": "0",
    "school-TOTAL_FORMS": "0",
    "school-INITIAL_FORMS": "0",
}


def test_applying_needs_a_resume_and_the_resume_form_leads_back_to_the_job(
    client, seeker, posting
):
    client.force_login(seeker)
    job = reverse("jobs:job_detail", args=[posting.pk])
    assert f"{reverse('jobs:resume_edit')}?next={job}" in client.get(job).text
    response = client.post(reverse("jobs:job_apply", args=[posting.pk]))
    back = f"%2Fjobs%2F{posting.pk}%2F"
    assert response.url == f"{reverse('jobs:resume_edit')}?next={back}"
    assert not Application.objects.exists()
    form = client.get(response.url)
    assert f'name="next" value="{job}"' in form.text
    saved = client.post(response.url, {**RESUME_DATA, "next": job})
    assert saved.url == job


def test_the_resume_form_goes_back_only_to_this_site(client, seeker):
    client.force_login(seeker)
    url = reverse("jobs:resume_edit") + "?next=https://evil.example/"
    response = client.post(url, {**RESUME_DATA, "next": "https://evil.example/"})
    assert response.url == Resume.objects.get().get_absolute_url()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_double_click_race_creates_one_application():
    foshan = factories.make_org_tree()
    seeker = factories.make_seeker(residence=foshan["chancheng_street"])
    factories.make_resume(seeker)
    employer = factories.make_employer(org_unit=foshan["chancheng_street"])
    posting = factories.make_posting(employer)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            services.apply_to_posting(posting, person=seeker.person)
            outcomes.append("ok")
        except services.JobError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Application.objects.count() == 1


def test_withdrawn_application_can_be_made_again(seeker, resume, posting):
    application = services.apply_to_posting(posting, person=seeker.person)
    services.withdraw_application(application, by=seeker)
    services.apply_to_posting(posting, person=seeker.person)
    assert Application.objects.active().count() == 1


def test_employer_pipeline_and_contact_details(
    client, seeker, resume, posting, employer
):
    application = services.apply_to_posting(posting, person=seeker.person)
    client.force_login(employer)
    listing = client.get(reverse("jobs:posting_applicants", args=[posting.pk]))
    assert seeker.person.name in listing.text
    detail = client.get(reverse("jobs:application_detail", args=[application.code]))
    assert seeker.person.phone in detail.text  # applied: contact visible
    application.refresh_from_db()
    assert application.status == Application.Status.VIEWED
    move = reverse("jobs:application_move", args=[application.code])
    client.post(move, {"to": "interview"})
    client.post(move, {"to": "hired"})
    application.refresh_from_db()
    assert application.status == Application.Status.HIRED
    assert Notification.objects.filter(recipient=seeker).exists()
    client.post(move, {"to": "not_suitable"})  # no way back from hired
    application.refresh_from_db()
    assert application.status == Application.Status.HIRED


def test_marking_a_hire_leads_to_the_hire_filing_filled_in_from_the_application(
    client, seeker, resume, posting, employer
):
    from registration.models import EmploymentRegistration

    application = services.apply_to_posting(posting, person=seeker.person)
    detail = reverse("jobs:application_detail", args=[application.code])
    invite = reverse("jobs:invitation_create", args=[resume.code])
    move = reverse("jobs:application_move", args=[application.code])
    client.force_login(employer)
    assert invite in client.get(detail).text
    client.post(move, {"to": "interview"})
    hired = client.post(move, {"to": "hired"})
    assert hired.url.startswith(reverse("registration:hire_new") + "?application=")
    assert seeker.person.id_number not in hired.url
    page = client.get(detail).text
    assert invite not in page
    assert f'href="{reverse("registration:hire_new")}?application=' in page
    form = client.get(hired.url)
    first = form.context["formset"].forms[0]
    assert first["name"].value() == seeker.person.name
    assert first["job_title"].value() == posting.title
    assert seeker.person.id_number not in form.text  # masked on the page
    assert seeker.person.masked_id_number in form.text
    data = {
        "hire-TOTAL_FORMS": "1",
        "hire-INITIAL_FORMS": "0",
        "hire-MIN_NUM_FORMS": "1",
        "hire-MAX_NUM_FORMS": "50",
        **{
            f"hire-0-{name}": first[name].value()
            for name in ("name", "id_number", "job_title", "person_ref")
        },
        "hire-0-start_date": first["start_date"].value().isoformat(),
        "hire-0-contract_term": "",
    }
    assert client.post(hired.url, data).url == reverse("registration:employee_list")
    filed = EmploymentRegistration.objects.get()
    assert (filed.person, filed.employer) == (seeker.person, employer.employer)


def test_a_hire_filing_link_fills_in_nothing_for_another_employer(
    client, seeker, resume, posting, employer, other_employer
):
    application = services.apply_to_posting(posting, person=seeker.person)
    client.force_login(employer)
    move = reverse("jobs:application_move", args=[application.code])
    client.post(move, {"to": "interview"})
    link = client.post(move, {"to": "hired"}).url
    client.force_login(other_employer)
    form = client.get(link)
    assert seeker.person.name not in form.text
    assert seeker.person.masked_id_number not in form.text


def test_withdrawing_an_application_is_confirmed_first(client, seeker, resume, posting):
    application = services.apply_to_posting(posting, person=seeker.person)
    url = reverse("jobs:application_withdraw", args=[application.code])
    client.force_login(seeker)
    listing = client.get(reverse("jobs:application_list")).text
    assert f'<a href="{url}">' in listing and f'action="{url}"' not in listing
    confirm = client.get(url)
    assert confirm.status_code == 200 and posting.title in confirm.text
    assert '<form method="post">' in confirm.text
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED
    client.post(url)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_seeker_sees_the_status_in_their_applications(client, seeker, resume, posting):
    services.apply_to_posting(posting, person=seeker.person)
    client.force_login(seeker)
    response = client.get(reverse("jobs:application_list"))
    assert posting.title in response.text


def test_other_employer_sees_no_applicants(
    client, seeker, resume, posting, other_employer
):
    application = services.apply_to_posting(posting, person=seeker.person)
    client.force_login(other_employer)
    assert (
        client.get(reverse("jobs:posting_applicants", args=[posting.pk])).status_code
        == 404
    )
    detail = reverse("jobs:application_detail", args=[application.code])
    assert client.get(detail).status_code == 404
    move = reverse("jobs:application_move", args=[application.code])
    assert client.post(move, {"to": "not_suitable"}).status_code == 404


def test_seeker_cannot_withdraw_someone_elses_application(
    client, seeker, resume, posting, other_seeker
):
    application = services.apply_to_posting(posting, person=seeker.person)
    client.force_login(other_seeker)
    url = reverse("jobs:application_withdraw", args=[application.code])
    assert client.post(url).status_code == 404
    assert posting.title not in client.get(reverse("jobs:application_list")).text


def test_public_resume_hides_name_and_phone_until_the_seeker_applies(
    client, seeker, employer, posting
):
    resume = factories.make_resume(seeker, is_public=True)
    client.force_login(employer)
    page = client.get(reverse("jobs:resume_detail", args=[resume.code]))
    assert page.status_code == 200
    assert seeker.person.phone not in page.text
    assert seeker.person.name not in page.text
    assert resume.display_name in page.text
    services.apply_to_posting(posting, person=seeker.person)
    page = client.get(reverse("jobs:resume_detail", args=[resume.code]))
    assert seeker.person.phone in page.text


def test_private_resume_is_not_readable_by_employers(client, seeker, resume, employer):
    client.force_login(employer)
    response = client.get(reverse("jobs:resume_detail", args=[resume.code]))
    assert response.status_code == 403
    search = client.get(reverse("jobs:resume_search"))
    assert search.context["page"].paginator.count == 0


def test_other_seekers_and_visitors_cannot_read_a_resume(client, seeker, other_seeker):
    resume = factories.make_resume(seeker, is_public=True)
    url = reverse("jobs:resume_detail", args=[resume.code])
    assert client.get(url).status_code == 403
    client.force_login(other_seeker)
    assert client.get(url).status_code == 403


def test_unverified_employer_cannot_search_resumes(client, foshan):
    user = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    client.force_login(user)
    assert client.get(reverse("jobs:resume_search")).status_code == 403


def test_favourites_toggle(client, seeker, posting, employer):
    client.force_login(seeker)
    url = reverse("jobs:job_favourite", args=[posting.pk])
    client.post(url)
    assert FavouritePosting.objects.count() == 1
    assert posting.title in client.get(reverse("jobs:favourite_posting_list")).text
    client.post(url)
    assert FavouritePosting.objects.count() == 0
    resume = factories.make_resume(seeker, is_public=True)
    client.force_login(employer)
    client.post(reverse("jobs:resume_favourite", args=[resume.code]))
    assert resume.display_name in client.get(reverse("jobs:favourite_resume_list")).text
