"""The demo office finishes its cases: with seed_demo loaded, demo caseworkers (never
the administrator) decide every subsidy type's chain in every district and an
employment-difficulty recognition in every street, to the end."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from portal.models import DifficultyCategory, Employer, OrgUnit, User
from registration import services as registration
from registration.errors import RegistrationError
from registration.models import DifficultyRecognition
from subsidies.errors import SubsidyError
from subsidies.models import Application, Decision, SubsidyType
from subsidies.services import chain
from tests import factories

LEVELS = ["street", "district", "city"]


def demo_caseworkers() -> list[User]:
    """Nearest the applicant first, as work is shared out: street, district, city."""
    staff = User.objects.filter(role=User.Role.CASEWORKER, is_superuser=False)
    return sorted(
        staff.select_related("org_unit"),
        key=lambda user: (LEVELS.index(user.org_unit.level), user.username),
    )


def decide(service, case, staff, *, refused, permission) -> User:
    """Call the service as the first demo caseworker who may: sees the case, holds
    the permission and is not refused by the service."""
    for user in staff:
        if not user.has_perm(permission):
            continue
        if not type(case).objects.for_user(user).filter(pk=case.pk).exists():
            continue
        try:
            with transaction.atomic():
                service(case, by=user)
        except refused:
            continue
        return user
    pytest.fail(f"no demo caseworker may {service.__name__}: {case}")


def after(day: datetime.date):
    return time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        + datetime.timedelta(days=1)
    )


def application_in(street: OrgUnit, subsidy: SubsidyType) -> Application:
    """An application from someone living in (or an employer located in) the street,
    submitted and waiting for acceptance."""
    community = street.children.first()
    fields = {"person": factories.make_person(residence=community)}
    if subsidy.applicant == "employer":
        fields["employer"] = Employer.objects.filter(org_unit=street).first()
        if subsidy.code == "job-stabilisation":
            fields["person"] = None  # the employer's own refund
            fields["employer"] = factories.make_employer(org_unit=street)
    return Application.objects.create(
        subsidy_type=subsidy,
        version=subsidy.version_on(),
        org_unit=community if subsidy.applicant == "person" else street,
        amount=Decimal("1000"),
        **fields,
    )


def finish_subsidy_chains(staff) -> list[Application]:
    """Every subsidy type applied for in every district: accepted, reviewed at each
    of its steps, approved after the notice."""
    streets = [
        district.children.order_by("code").first()
        for district in OrgUnit.objects.filter(level="district")
    ]
    applications = [
        application_in(street, subsidy)
        for subsidy in SubsidyType.objects.filter(is_active=True)
        for street in streets
    ]

    def step(service, application):
        decide(
            service,
            application,
            staff,
            refused=SubsidyError,
            permission="subsidies.decide_application",
        )
        application.refresh_from_db()

    for application in applications:
        step(chain.accept_application, application)
        while application.status == Application.Status.IN_REVIEW:
            step(chain.pass_step, application)
        assert application.status == Application.Status.ON_NOTICE
    with after(max(application.notice_ends for application in applications)):
        for application in applications:
            step(chain.approve_application, application)
    return applications


def finish_recognitions(staff) -> list[DifficultyRecognition]:
    """A recognition applied for in every street: first review, notice, decision."""
    category = DifficultyCategory.objects.filter(
        min_age_men=None, min_age_women=None, min_unemployed_months=None
    ).first()
    recognitions = []
    for street in OrgUnit.objects.filter(level="street"):
        seeker = factories.make_seeker(residence=street.children.first())
        recognitions.append(
            registration.apply_for_recognition(
                DifficultyRecognition(
                    person=seeker.person, category=category, statement="家庭困难。"
                ),
                by=seeker,
            )
        )
    for recognition in recognitions:
        decide(
            registration.start_recognition_notice,
            recognition,
            staff,
            refused=RegistrationError,
            permission="registration.review_difficultyrecognition",
        )
        recognition.refresh_from_db()
    with after(max(recognition.notice_ends for recognition in recognitions)):
        for recognition in recognitions:
            decide(
                registration.approve_recognition,
                recognition,
                staff,
                refused=RegistrationError,
                permission="registration.decide_difficultyrecognition",
            )
            recognition.refresh_from_db()
    return recognitions


def test_demo_caseworkers_finish_every_chain_without_the_administrator(db):
    call_command("seed_demo", stdout=io.StringIO())
    staff = demo_caseworkers()

    applications = finish_subsidy_chains(staff)
    assert len(applications) == SubsidyType.objects.filter(is_active=True).count() * 5
    assert {application.status for application in applications} == {"approved"}
    decisions = Decision.objects.filter(application__in=applications)
    assert not decisions.filter(decided_by__is_superuser=True).exists()

    recognitions = finish_recognitions(staff)
    assert len(recognitions) == 20
    for recognition in recognitions:
        assert recognition.status == DifficultyRecognition.Status.APPROVED
        # Every street's caseworker did a first review, a district decided.
        assert recognition.reviewed_by.org_unit == recognition.org_unit.parent
        assert recognition.decided_by.org_unit.level == "district"
