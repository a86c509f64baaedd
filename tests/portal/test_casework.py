"""The to-do home (portal/casework.py): each queue the case admins declare,
counted as the change lists are scoped, overdue first."""

import datetime

import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from jobs.models import JobPosting
from subsidies import services
from subsidies.models import Application, SubsidyType
from subsidies.services import chain
from tests import factories


def start_up(seeker):
    factories.make_graduate(seeker.person)
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="start-up"), person=seeker.person
        ),
        by=seeker,
    )


def to_district(application, street_caseworker, *, days_ago=0):
    """Accepted and passed at the street `days_ago`: due at the district 8 working
    days after."""
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    with time_machine.travel(moment, tick=False):
        chain.accept_application(application, by=street_caseworker)
        chain.pass_step(application, by=street_caseworker)
    application.refresh_from_db()
    return application


def rows(page) -> dict:
    """The to-do's rows by model and queue name."""
    return {
        f"{row.model_admin.model._meta.model_name}.{row.queue.name}": row
        for row in page.context["todo"]
    }


def test_the_to_do_home_counts_the_scoped_queues_and_puts_overdue_first(
    client, foshan, caseworker, seeker, other_seeker, employer
):
    street = factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])
    nanhai_street = factories.make_staff("caseworker", org_unit=foshan["nanhai_street"])
    late = to_district(start_up(seeker), street, days_ago=30)
    neighbour = factories.make_seeker(
        residence=foshan["chancheng_community"], name="周小芳"
    )
    on_time = to_district(start_up(neighbour), street)
    to_district(start_up(other_seeker), nanhai_street)  # 南海: not counted
    start_up(factories.make_seeker(residence=foshan["chancheng_street"], name="林一"))
    factories.make_posting(employer.employer, publish=False)
    client.force_login(caseworker)
    page = client.get(reverse("admin:index"))
    found = rows(page)
    review = found["application.review"]
    assert (review.mine, review.mine_overdue) == (2, 1)
    assert review.area == 3  # the one awaiting acceptance at the street too
    assert review.first_url == reverse(
        "admin:subsidies_application_change", args=[late.pk]
    )
    assert late.step_due < timezone.localdate() <= on_time.step_due
    request = RequestFactory().get("/admin/")
    request.user = caseworker
    application_admin = admin.site._registry[Application]
    scoped = application_admin.get_queryset(request)
    assert review.area == scoped.filter(status__in=["submitted", "in_review"]).count()
    postings = found["jobposting.review"]
    assert (
        postings.mine
        == JobPosting.objects.for_user(caseworker).filter(status="pending").count()
    )
    assert page.context["todo"][0] is review  # overdue first
    assert review.first_url in page.text


def test_leaders_see_their_areas_pending_totals_without_links_to_decide(
    client, foshan, seeker
):
    street = factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])
    application = to_district(start_up(seeker), street, days_ago=30)
    leader = factories.make_staff("leader", org_unit=foshan["chancheng"])
    client.force_login(leader)
    page = client.get(reverse("admin:index"))
    review = rows(page)["application.review"]
    assert (review.read_only, review.area, review.overdue) == (True, 1, 1)
    assert review.first_url == ""
    change = reverse("admin:subsidies_application_change", args=[application.pk])
    assert change not in page.text
    assert "/decide/" not in page.text


def test_an_employer_is_verified_beside_its_licence(client, foshan, caseworker):
    applicant = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    employer = applicant.employer
    client.force_login(caseworker)
    change = reverse("admin:portal_employer_change", args=[employer.pk])
    page = client.get(change)
    licence = reverse("employer_licence", args=[employer.pk])
    assert [document.url for document in page.context["case"]["documents"]] == [licence]
    assert client.get(licence).status_code == 200
    assert [check.passed for check in page.context["case"]["checks"]] == [True, True]
    decide = reverse("admin:portal_employer_decide", args=[employer.pk, "verify"])
    answer = client.post(decide, {"seen": page.context["case"]["seen"]})
    employer.refresh_from_db()
    assert employer.is_verified
    assert answer.url == reverse("admin:index")


def test_the_most_urgent_case_that_came_in_today_arrived_today(
    english, caseworker, employer
):
    factories.make_posting(employer.employer, publish=False)
    english.force_login(caseworker)
    page = english.get(reverse("admin:index"))
    postings = rows(page)["jobposting.review"]
    assert (postings.mine, postings.when) == (1, "arrived today")
    empty = rows(page)["application.notice"]
    assert empty.area == 0 and empty.when == ""
    assert 'data-label="Most urgent">—</td>' in page.text
