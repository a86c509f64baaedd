"""政策找人: people and employers whom the registries show as eligible for a
subsidy, and who have not applied, are told once, with the application one click
away."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from graduates.models import Graduate
from portal.models import Employer, Person
from portal.services import notify, notify_employer_staff
from portal.validators import add_years
from registration.models import (
    DifficultyRecognition,
    EmploymentRegistration,
    UnemploymentRegistration,
)
from subsidies.models import Application, Eligibility, Outreach, SubsidyType

BATCH = 1000


def _condition(code: str, day: datetime.date) -> Q | None:
    """The condition as a filter on Person, or None when records cannot tell."""
    person = OuterRef("pk")
    if code == Eligibility.DIFFICULTY:
        return Q(
            Exists(DifficultyRecognition.objects.filter(person=person).in_force_on(day))
        )
    if code == Eligibility.REGISTERED_UNEMPLOYED:
        return Q(
            Exists(
                UnemploymentRegistration.objects.filter(person=person).registered_on(
                    day
                )
            )
        )
    if code in (Eligibility.GRADUATE_THIS_YEAR, Eligibility.GRADUATE_2_YEARS):
        years = 0 if code == Eligibility.GRADUATE_THIS_YEAR else 2
        graduates = Graduate.objects.filter(
            person=person, graduation_year__gte=day.year - years
        )
        return Q(Exists(graduates))
    if code == Eligibility.FLEXIBLY_EMPLOYED:
        working = EmploymentRegistration.objects.filter(
            person=person, kind__in=["flexible", "self_employed"]
        )
        return Q(Exists(working.current(day)))
    if code == Eligibility.AGED_16_24:
        oldest = add_years(day, -25) + datetime.timedelta(days=1)
        youngest = add_years(day, -16)
        return Q(birth_date__gte=oldest, birth_date__lte=youngest)
    return None


def eligible_people(subsidy: SubsidyType, day: datetime.date):
    """People with an account who meet every condition of the version in force and
    have neither applied nor been told; None when the records cannot decide."""
    version = subsidy.version_on(day)
    if version is None or not version.eligibility:
        return None
    filters = [_condition(code, day) for code in version.eligibility]
    if any(condition is None for condition in filters):
        return None
    people = Person.objects.filter(
        subsidy.area("residence"), user__isnull=False, user__is_active=True
    )
    for condition in filters:
        people = people.filter(condition)
    applied = Application.objects.filter(person=OuterRef("pk"), subsidy_type=subsidy)
    told = Outreach.objects.filter(person=OuterRef("pk"), subsidy_type=subsidy)
    return people.exclude(Exists(applied)).exclude(Exists(told))


def find_eligible_people(*, day: datetime.date | None = None) -> int:
    """Daily: tell eligible people about subsidies they have not applied for."""
    day = day or timezone.localdate()
    told = 0
    for subsidy in SubsidyType.objects.filter(is_active=True, applicant="person"):
        people = eligible_people(subsidy, day)
        if people is None:
            continue
        url = reverse("subsidies:application_new", args=[subsidy.code])
        for person in people.select_related("user")[:BATCH]:
            # The mark and the message commit together: a retry after the worker
            # died tells whoever the killed run had not told yet.
            with transaction.atomic():
                _outreach, created = Outreach.objects.get_or_create(
                    person=person, subsidy_type=subsidy
                )
                if created:
                    notify(
                        person.user, "subsidy_outreach", {"subsidy": subsidy}, url=url
                    )
                    told += 1
    return told


EMPLOYER_CONDITIONS = {
    Eligibility.VERIFIED_EMPLOYER,
    Eligibility.EMPLOYED_BY_APPLICANT,
    Eligibility.HOSTED_BY_APPLICANT,
}


def eligible_employers(subsidy: SubsidyType, day: datetime.date):
    """Verified employers that employ someone meeting the person conditions of a
    subsidy for employers' own staff (public-welfare posts), and have neither
    applied for it nor been told; None when the records cannot decide."""
    version = subsidy.version_on(day)
    if version is None or Eligibility.EMPLOYED_BY_APPLICANT not in version.eligibility:
        return None
    codes = [code for code in version.eligibility if code not in EMPLOYER_CONDITIONS]
    filters = [_condition(code, day) for code in codes]
    if any(condition is None for condition in filters):
        return None
    people = Person.objects.all()
    for condition in filters:
        people = people.filter(condition)
    staff = EmploymentRegistration.objects.current(day).filter(
        employer=OuterRef("pk"), person__in=people
    )
    applied = Application.objects.filter(employer=OuterRef("pk"), subsidy_type=subsidy)
    told = Outreach.objects.filter(employer=OuterRef("pk"), subsidy_type=subsidy)
    return (
        Employer.objects.verified()
        .filter(subsidy.area("org_unit"), Exists(staff))
        .exclude(Exists(applied))
        .exclude(Exists(told))
    )


def find_eligible_employers(*, day: datetime.date | None = None) -> int:
    """Daily: tell employers about subsidies their staff make them eligible for."""
    day = day or timezone.localdate()
    told = 0
    for subsidy in SubsidyType.objects.filter(is_active=True, applicant="employer"):
        employers = eligible_employers(subsidy, day)
        if employers is None:
            continue
        url = reverse("subsidies:application_new", args=[subsidy.code])
        for employer in employers[:BATCH]:
            with transaction.atomic():  # as for people: mark and message together
                _outreach, created = Outreach.objects.get_or_create(
                    employer=employer, subsidy_type=subsidy
                )
                if created:
                    notify_employer_staff(
                        employer,
                        "subsidy_outreach_employer",
                        {"subsidy": subsidy},
                        url=url,
                    )
                    told += 1
    return told
