"""Which of a policy version's conditions a person meets, read from the registries
(registration and graduates) and of the applying employer, each with the reason in
words. Shown before anyone applies and checked again on submission."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from graduates.models import Graduate
from jobs.models import Application as JobApplication
from jobs.models import JobType
from portal.models import Employer, Person
from portal.validators import add_years
from registration.models import (
    DifficultyRecognition,
    EmploymentRegistration,
    UnemploymentRegistration,
)
from subsidies.models import Eligibility, PolicyVersion


@dataclass
class Check:
    condition: str
    met: bool
    reason: str


def _difficulty(person: Person, day: datetime.date) -> tuple[bool, str]:
    recognition = (
        DifficultyRecognition.objects.filter(person=person)
        .in_force_on(day)
        .select_related("category")
        .first()
    )
    if recognition:
        return True, _("Recognised as “%(category)s” on %(date)s.") % {
            "category": recognition.category.name,
            "date": date_format(recognition.approved_on),
        }
    return False, _("No employment-difficulty recognition in force.")


def _unemployed(person: Person, day: datetime.date) -> tuple[bool, str]:
    registration = (
        UnemploymentRegistration.objects.filter(person=person)
        .registered_on(day)
        .first()
    )
    if registration:
        return True, _("Registered as unemployed since %(date)s.") % {
            "date": date_format(registration.registered_on)
        }
    return False, _("Not registered as unemployed.")


def _graduate(person: Person, day: datetime.date, years: int) -> tuple[bool, str]:
    graduate = (
        Graduate.objects.filter(person=person, graduation_year__gte=day.year - years)
        .order_by("-graduation_year")
        .first()
    )
    if graduate:
        return True, _("Graduated in %(year)d (%(school)s).") % {
            "year": graduate.graduation_year,
            "school": graduate.school,
        }
    return False, _("No graduation recorded in the years that count.")


def _aged_16_24(person: Person, day: datetime.date) -> tuple[bool, str]:
    age = person.age(day)
    return 16 <= age <= 24, _("Aged %(age)d.") % {"age": age}


def _flexible(person: Person, day: datetime.date) -> tuple[bool, str]:
    job = (
        EmploymentRegistration.objects.filter(
            person=person, kind__in=["flexible", "self_employed"]
        )
        .current(day)
        .first()
    )
    if job:
        return True, _("%(kind)s since %(date)s.") % {
            "kind": job.get_kind_display(),
            "date": date_format(job.start_date),
        }
    return False, _("No flexible employment or self-employment registered.")


def _young_jobseeker(person: Person, day: datetime.date) -> tuple[bool, str]:
    graduate, reason = _graduate(person, day, 2)
    if graduate:
        return True, reason
    young, age = _aged_16_24(person, day)
    unemployed, registered = _unemployed(person, day)
    if young and unemployed:
        return True, f"{age} {registered}"
    return False, _(
        "No graduation in the last two years, and not an unemployed person aged "
        "16 to 24."
    )


def _verified(employer: Employer, person, day) -> tuple[bool, str]:
    if employer.is_verified:
        return True, _("Verified employer.")
    return False, _("The employer's verification is not complete.")


def _employed_by(employer: Employer, person, day) -> tuple[bool, str]:
    job = (
        EmploymentRegistration.objects.filter(person=person, employer=employer)
        .current(day)
        .first()
    )
    if job:
        return True, _("Employed here since %(date)s.") % {
            "date": date_format(job.start_date)
        }
    return False, _("No employment registration with this employer in force.")


def _hosted(employer: Employer, person, day) -> tuple[bool, str]:
    taken_on = (
        JobApplication.objects.filter(
            person=person,
            posting__employer=employer,
            posting__job_type=JobType.INTERNSHIP,
            status=JobApplication.Status.HIRED,
        )
        .select_related("posting")
        .first()
    )
    if taken_on:
        return True, _("Taken on for “%(title)s”.") % {"title": taken_on.posting.title}
    return False, _(
        "Not marked as taken on through one of this employer's internship postings."
    )


CHECKS = {
    Eligibility.DIFFICULTY: _difficulty,
    Eligibility.REGISTERED_UNEMPLOYED: _unemployed,
    Eligibility.GRADUATE_THIS_YEAR: lambda p, d: _graduate(p, d, 0),
    Eligibility.GRADUATE_2_YEARS: lambda p, d: _graduate(p, d, 2),
    Eligibility.AGED_16_24: _aged_16_24,
    Eligibility.FLEXIBLY_EMPLOYED: _flexible,
    Eligibility.YOUNG_JOBSEEKER: _young_jobseeker,
}
EMPLOYER_CHECKS = {
    Eligibility.VERIFIED_EMPLOYER: _verified,
    Eligibility.EMPLOYED_BY_APPLICANT: _employed_by,
    Eligibility.HOSTED_BY_APPLICANT: _hosted,
}


def eligibility_checks(
    version: PolicyVersion,
    person: Person | None,
    *,
    employer: Employer | None = None,
    day: datetime.date | None = None,
) -> list[Check]:
    """One check per condition of the version: those on the person when there is
    one, those on the employer when an employer applies."""
    day = day or timezone.localdate()
    checks = []
    for code in version.eligibility:
        if code in CHECKS and person is not None:
            met, reason = CHECKS[code](person, day)
        elif code in EMPLOYER_CHECKS and employer is not None:
            met, reason = EMPLOYER_CHECKS[code](employer, person, day)
        else:
            continue
        checks.append(Check(Eligibility(code).label, met, reason))
    return checks


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
        days=1
    )


def _graduate_windows(person: Person, years: int) -> list[tuple]:
    """From the month of leaving school (1 July of the year when the date is not
    recorded: schools let graduates go in June and July) to `years` after it."""
    windows = []
    for graduate in Graduate.objects.filter(person=person):
        left = graduate.graduation_date or datetime.date(graduate.graduation_year, 7, 1)
        windows.append(
            (left.replace(day=1), add_years(left, years) - datetime.timedelta(days=1))
        )
    return windows


def _registration_windows(registrations) -> list[tuple]:
    return [
        (job.start_date, job.end_date or datetime.date.max) for job in registrations
    ]


def month_refusals(application) -> list[str]:
    """The months an application claims that the records do not support, named,
    each group with its reason (docs/subsidies.md, "Months and records"): not
    before the policy version took effect, after leaving school and within the
    years the condition allows, inside the flexible work or employment the
    registrations show. A month counts when the records cover any day of it."""
    version, person = application.version, application.person
    start, end = application.period()
    if start is None or person is None:
        return []
    months = _month_starts(start, end)
    checks = [
        (
            [(version.effective_from.replace(day=1), datetime.date.max)],
            _("before the policy took effect on %(date)s")
            % {"date": date_format(version.effective_from)},
        )
    ]
    conditions = set(version.eligibility)
    if Eligibility.GRADUATE_2_YEARS in conditions:
        checks.append(
            (
                _graduate_windows(person, 2),
                _("outside the two years after leaving school"),
            )
        )
    if Eligibility.FLEXIBLY_EMPLOYED in conditions:
        jobs = EmploymentRegistration.objects.filter(
            person=person, kind__in=["flexible", "self_employed"]
        )
        checks.append(
            (
                _registration_windows(jobs),
                _("no flexible employment or self-employment registered then"),
            )
        )
    if Eligibility.EMPLOYED_BY_APPLICANT in conditions and application.employer_id:
        jobs = EmploymentRegistration.objects.filter(
            person=person, employer_id=application.employer_id
        )
        checks.append(
            (
                _registration_windows(jobs),
                _("not employed by the applying employer then"),
            )
        )
    refusals = []
    for windows, reason in checks:
        outside = [
            month
            for month in months
            if not any(
                first <= _month_end(month) and month <= last for first, last in windows
            )
        ]
        if outside:
            refusals.append(
                _("Months %(months)s cannot be claimed: %(reason)s.")
                % {
                    "months": "、".join(f"{month:%Y-%m}" for month in outside),
                    "reason": reason,
                }
            )
    return refusals
