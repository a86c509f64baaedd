import datetime
from decimal import Decimal

import pytest

from registration import services as registration
from registration.models import EmploymentRegistration
from subsidies import services
from subsidies.models import Application, Outreach, SubsidyType
from subsidies.services.outreach import find_eligible_people
from tests import factories


def flexible(seeker):
    registration.register_self_employment(
        EmploymentRegistration(
            person=seeker.person, kind="flexible", source="self",
            business_name="外卖骑手", start_date=datetime.date(2025, 12, 1),
        ),
        by=seeker,
    )  # fmt: skip


def test_eligible_people_are_told_once_with_the_application_a_click_away(
    seeker, other_seeker
):
    factories.make_graduate(seeker.person)
    flexible(seeker)
    told = find_eligible_people()
    assert told >= 1
    assert Outreach.objects.filter(
        person=seeker.person, subsidy_type__code="social-insurance-graduate"
    ).exists()
    message = seeker.notifications.get(url__contains="social-insurance-graduate")
    assert message.url.endswith("/apply/")
    assert not other_seeker.notifications.filter(url__contains="/policies/").exists()
    assert find_eligible_people() == 0  # once


def test_a_message_lost_with_its_worker_is_sent_by_the_retry(seeker, monkeypatch):
    factories.make_graduate(seeker.person)
    flexible(seeker)

    def worker_killed(*args, **kwargs):
        raise SystemExit

    monkeypatch.setattr("subsidies.services.outreach.notify", worker_killed)
    with pytest.raises(SystemExit):
        find_eligible_people()
    monkeypatch.undo()
    assert find_eligible_people() >= 1
    assert seeker.notifications.filter(url__contains="social-insurance-graduate")


def test_people_who_applied_are_not_told(seeker):
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="social-insurance-graduate"),
            person=seeker.person,
            months=6,
            monthly_base=Decimal("900"),
            period_start=datetime.date(2026, 1, 1),
        ),
        by=seeker,
    )
    find_eligible_people()
    assert not Outreach.objects.filter(
        person=seeker.person, subsidy_type__code="social-insurance-graduate"
    ).exists()


def test_the_yearly_date_arithmetic_survives_29_february(seeker):
    import time_machine

    from subsidies.rules import double_claim_refusals

    factories.make_graduate(seeker.person)
    flexible(seeker)
    with time_machine.travel(datetime.datetime(2028, 2, 29, 9, 0)):
        find_eligible_people()  # "aged 16 to 24" looks 25 years back
        subsidy = SubsidyType.objects.get(code="social-insurance-difficulty")
        application = Application(
            subsidy_type=subsidy,
            version=subsidy.version_on(),
            person=seeker.person,
            months=6,
            period_start=datetime.date(2028, 3, 1),
        )
        assert double_claim_refusals(application, Application.objects.all()) == []


def test_employers_of_difficulty_people_are_told_about_public_welfare_posts(
    employer, other_employer, foshan
):
    from portal.models import DifficultyCategory
    from registration.models import DifficultyRecognition
    from subsidies.services.outreach import find_eligible_employers

    person = factories.make_person(residence=foshan["chancheng_community"])
    DifficultyRecognition.objects.create(
        person=person, category=DifficultyCategory.objects.get(code="disabled"),
        org_unit=foshan["chancheng"], status="approved", statement="持残疾证",
        submitted_by=employer, approved_on=datetime.date(2026, 1, 1),
    )  # fmt: skip
    assert find_eligible_employers() == 0  # nobody employs them yet
    factories.file_hire(employer, person, datetime.date(2026, 3, 1))
    assert find_eligible_employers() == 1
    message = employer.notifications.get(url__contains="/policies/")
    assert message.url.endswith("/policies/public-welfare-post/apply/")
    assert not other_employer.notifications.filter(url__contains="/policies/").exists()
    assert find_eligible_employers() == 0  # once
