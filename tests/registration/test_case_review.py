"""The review pages of unemployment registrations and employment-difficulty
recognitions (portal/casework.py on their admins)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry, DifficultyCategory
from registration import services
from registration.models import DifficultyRecognition
from tests import factories


def url(case, what, *args) -> str:
    name = f"admin:registration_{case._meta.model_name}_{what}"
    return reverse(name, args=[case.pk, *args])


def seen(client, case) -> str:
    return client.get(url(case, "change")).context["case"]["seen"]


def decisions(page) -> set[str]:
    return {item["decision"].name for item in page.context["case"]["decisions"]}


@pytest.fixture
def street_caseworker(foshan):
    return factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])


def apply_for_recognition(seeker):
    return services.apply_for_recognition(
        DifficultyRecognition(
            person=seeker.person,
            category=DifficultyCategory.objects.get(code="disabled"),
            statement="持残疾证，失业一年",
        ),
        by=seeker,
    )


def test_an_unemployment_application_is_registered_from_its_page_then_the_next(
    client, foshan, seeker, caseworker
):
    first = factories.make_unemployment(seeker.person, by=seeker, register=False)
    neighbour = factories.make_seeker(
        residence=foshan["chancheng_street"], name="周小芳"
    )
    second = factories.make_unemployment(neighbour.person, by=neighbour, register=False)
    client.force_login(caseworker)
    page = client.get(url(first, "change"))
    assert decisions(page) == {"accept", "return"}
    checks = page.context["case"]["checks"]
    assert [check.passed for check in checks] == [True]
    # The older application waits longer: it comes first.
    answer = client.post(url(first, "decide", "accept"), {"seen": seen(client, first)})
    first.refresh_from_db()
    assert first.status == "registered"
    assert AuditEntry.objects.filter(
        action="registration.unemployment.accepted",
        actor=caseworker,
        object_id=str(first.pk),
    ).exists()
    assert answer.url == url(second, "change")


def test_another_districts_caseworker_cannot_decide_a_registration(
    client, seeker, outsider_caseworker
):
    application = factories.make_unemployment(seeker.person, by=seeker, register=False)
    client.force_login(outsider_caseworker)
    for decision in ("accept", "return", "contact", "cancel"):
        answer = client.post(url(application, "decide", decision), {"seen": ""})
        assert answer.status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_recognition_is_decided_by_the_district_after_the_notice(
    client, seeker, street_caseworker, caseworker
):
    recognition = apply_for_recognition(seeker)
    client.force_login(street_caseworker)
    page = client.get(url(recognition, "change"))
    assert decisions(page) == {"notice", "return", "refuse"}
    client.post(
        url(recognition, "decide", "notice"), {"seen": seen(client, recognition)}
    )
    recognition.refresh_from_db()
    assert recognition.status == "on_notice"
    after = timezone.make_aware(
        datetime.datetime.combine(recognition.notice_ends, datetime.time(9))
    ) + datetime.timedelta(days=1)
    with time_machine.travel(after):
        assert decisions(client.get(url(recognition, "change"))) == set()
        client.force_login(caseworker)
        assert decisions(client.get(url(recognition, "change"))) == {
            "approve",
            "refuse",
        }
        answer = client.post(
            url(recognition, "decide", "approve"),
            {"seen": seen(client, recognition)},
        )
    recognition.refresh_from_db()
    assert (recognition.status, recognition.decided_by) == ("approved", caseworker)
    assert answer.url == reverse("admin:index")


def test_the_first_reviewer_is_told_another_caseworker_decides(
    english, seeker, caseworker
):
    recognition = apply_for_recognition(seeker)
    services.start_recognition_notice(recognition, by=caseworker)
    english.force_login(caseworker)
    after = timezone.now() + datetime.timedelta(days=10)
    with time_machine.travel(after):
        page = english.get(url(recognition, "change"))
    assert "approve" not in decisions(page)
    assert "the first reviewer cannot also decide" in page.text
    assert "Another caseworker has to take this step." in page.text
