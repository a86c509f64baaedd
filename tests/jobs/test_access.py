"""Every jobs page refuses the wrong kind of user."""

import pytest
from django.urls import reverse

SEEKER_PAGES = [
    ("jobs:resume_edit", []),
    ("jobs:resume_pdf", []),
    ("jobs:jobs_for_me", []),
    ("jobs:application_list", []),
    ("jobs:favourite_posting_list", []),
]
EMPLOYER_PAGES = [
    ("jobs:employer_job_list", []),
    ("jobs:job_create", []),
    ("jobs:resume_search", []),
    ("jobs:favourite_resume_list", []),
]


@pytest.mark.parametrize(("name", "args"), SEEKER_PAGES + EMPLOYER_PAGES)
def test_visitors_are_sent_to_log_in(client, db, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), SEEKER_PAGES)
def test_employers_cannot_use_seeker_pages(client, employer, name, args):
    client.force_login(employer)
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), EMPLOYER_PAGES)
def test_seekers_cannot_use_employer_pages(client, seeker, name, args):
    client.force_login(seeker)
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), SEEKER_PAGES + EMPLOYER_PAGES)
def test_staff_use_the_back_office_not_these_pages(client, caseworker, name, args):
    client.force_login(caseworker)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_employers_cannot_apply_or_favourite(client, employer):
    from tests import factories

    posting = factories.make_posting(employer.employer)
    client.force_login(employer)
    assert client.post(reverse("jobs:job_apply", args=[posting.pk])).status_code == 403
    url = reverse("jobs:job_favourite", args=[posting.pk])
    assert client.post(url).status_code == 403


def test_invitation_list_is_empty_for_staff(client, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("jobs:invitation_list"))
    assert response.status_code == 200
    assert not response.context["invitations"]
