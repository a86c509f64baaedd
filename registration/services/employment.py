"""Employment registration (就业登记) and its end (终止/解除): filed by employers
for their hires, by people for their own self-employment, or at a counter."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from stdnum.cn import ric

from portal.audit import audit
from portal.models import Employer, Person, User
from portal.services import default_retirement_track, save_person
from portal.validators import age_on
from registration.errors import RegistrationError
from registration.models import OPEN_END, EmploymentRegistration, LocalRules
from registration.services.certificates import issue_certificate
from registration.services.unemployment import close_unemployment_on_employment

FILING_AHEAD_DAYS = 30


@dataclass
class Hire:
    name: str
    id_number: str
    start_date: datetime.date
    job_title: str = ""
    contract_term: str = ""


@dataclass
class HiresRefused(RegistrationError):
    """Some rows of a filing were refused; nothing was saved. {row: [messages]}."""

    row_errors: dict[int, list[str]] = field(default_factory=dict)

    def __str__(self):
        return _("Nothing was filed: %(count)d rows need correcting.") % {
            "count": len(self.row_errors)
        }


def overlapping(person: Person, start: datetime.date, end: datetime.date | None):
    """The person's registrations that share at least one day with start..end."""
    return EmploymentRegistration.objects.filter(
        person=person, start_date__lte=end or OPEN_END
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


def _overlap_message(
    person: Person, start: datetime.date, *, for_employer: Employer | None = None
) -> str | None:
    """Why a new period clashes. An employer filing is not told where else the
    person works (another employer's data), only that they do and since when."""
    clash = overlapping(person, start, None).select_related("employer").first()
    if clash is None:
        return None
    if for_employer is not None and clash.employer_id != for_employer.pk:
        return _(
            "%(name)s is registered as employed elsewhere from %(date)s; that "
            "employment must end first (the person or their former employer "
            "files it, or a service counter can help)."
        ) % {"name": person.name, "date": date_format(clash.start_date)}
    return _(
        "%(name)s is registered as employed at %(where)s from %(date)s; that "
        "registration must end before %(start)s first."
    ) % {
        "name": person.name,
        "where": clash.where,
        "date": date_format(clash.start_date),
        "start": date_format(start),
    }


def _start_date_problem(start: datetime.date) -> str | None:
    if start > timezone.localdate() + datetime.timedelta(days=FILING_AHEAD_DAYS):
        return _("The start date may be at most %(days)d days ahead.") % {
            "days": FILING_AHEAD_DAYS
        }
    return None


def _person_for_hire(hire: Hire, *, by: User) -> tuple[Person | None, list[str]]:
    person = Person.objects.filter(id_number=hire.id_number).first()
    if person is not None and person.name != hire.name:
        return None, [_("The name does not match the ID number in the registry.")]
    if person is None:
        person = Person(
            name=hire.name,
            id_number=hire.id_number,
            retirement_track=default_retirement_track(hire.id_number),
        )
    if age_on(ric.get_birth_date(hire.id_number), hire.start_date) < 16:
        return None, [_("Nobody under 16 may be hired.")]
    if person.pk is None:
        try:
            with transaction.atomic():
                save_person(person, by=by)
        except IntegrityError:  # another filing added the same person just now
            person = Person.objects.get(id_number=hire.id_number)
    return person, []


def is_late(filed_on: datetime.date, event_day: datetime.date, days: int) -> bool:
    return filed_on > event_day + datetime.timedelta(days=days)


@transaction.atomic
def register_hires(
    employer: Employer,
    hires: list[Hire],
    *,
    by: User,
    source: str = EmploymentRegistration.Source.EMPLOYER,
) -> list[EmploymentRegistration]:
    """File one or many hires (录用备案) at once: all rows are saved, or none.

    People not yet in the registry are added. A hire filed more than the local
    number of days (30 by law) after it started is saved and flagged as late.
    Raises HiresRefused with the messages per row (numbered from 1).
    """
    if not employer.is_verified:
        raise RegistrationError(
            _("Your employer must be verified before it can file hires.")
        )
    rules = LocalRules.current()
    today = timezone.localdate()
    row_errors: dict[int, list[str]] = {}
    accepted = []
    seen = set()
    for row, hire in enumerate(hires, start=1):
        problems = [p for p in [_start_date_problem(hire.start_date)] if p]
        if hire.id_number in seen:
            problems.append(_("This person appears twice in the filing."))
        seen.add(hire.id_number)
        person, person_problems = _person_for_hire(hire, by=by)
        problems += person_problems
        if person is not None:
            clash = _overlap_message(person, hire.start_date, for_employer=employer)
            if clash:
                problems.append(clash)
        if problems:
            row_errors[row] = problems
        else:
            accepted.append((person, hire))
    if row_errors:
        raise HiresRefused(row_errors=row_errors)
    registrations = []
    for person, hire in accepted:
        registration = EmploymentRegistration(
            person=person,
            kind=EmploymentRegistration.Kind.EMPLOYEE,
            source=source,
            employer=employer,
            org_unit=employer.org_unit,
            job_title=hire.job_title,
            contract_term=hire.contract_term,
            start_date=hire.start_date,
            filed_by=by,
            is_late=is_late(today, hire.start_date, rules.hire_filing_days),
        )
        registrations.append(_save_new(registration, by=by))
    return registrations


def _save_new(
    registration: EmploymentRegistration, *, by: User | None
) -> EmploymentRegistration:
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        # Another filing for the same person won the race.
        raise RegistrationError(
            _overlap_message(
                registration.person,
                registration.start_date,
                for_employer=registration.employer,
            )
            or _("%(name)s already has an employment registration for these dates.")
            % {"name": registration.person.name}
        ) from error
    audit(by, "registration.employment.registered", registration)
    close_unemployment_on_employment(registration, by=by)
    return registration


@transaction.atomic
def register_self_employment(
    registration: EmploymentRegistration, *, by: User
) -> EmploymentRegistration:
    """A self-employed or flexibly employed person registers their own work (or a
    caseworker does it for them at the counter)."""
    person = Person.objects.select_for_update().get(pk=registration.person_id)
    if person.residence_id is None:
        raise RegistrationError(
            _("Your place of residence is missing: add it to your profile first.")
        )
    problems = [
        p
        for p in [
            _start_date_problem(registration.start_date),
            _overlap_message(person, registration.start_date),
        ]
        if p
    ]
    if person.age(registration.start_date) < 16:
        problems.append(_("Registration is open from the 16th birthday."))
    if problems:
        raise RegistrationError(" ".join(problems))
    rules = LocalRules.current()
    registration.org_unit = person.residence
    registration.filed_by = by
    registration.is_late = is_late(
        timezone.localdate(), registration.start_date, rules.self_filing_days
    )
    _save_new(registration, by=by)
    issue_certificate(person, by=by, unit=person.residence)
    return registration


@transaction.atomic
def end_employment(
    registration: EmploymentRegistration,
    *,
    by: User | None,
    end_date: datetime.date,
    reason: str,
) -> EmploymentRegistration:
    """File the end of an employment (退工备案, or the end of self-employment).
    Filed later than the local limit (15 days for employers) it is flagged late."""
    registration = (
        EmploymentRegistration.objects.select_for_update(of=("self",))
        .select_related("person", "employer")
        .get(pk=registration.pk)
    )
    if registration.end_date is not None:
        raise RegistrationError(
            _("%(name)s: this employment has already ended.")
            % {"name": registration.person.name}
        )
    if end_date < registration.start_date:
        raise RegistrationError(
            _("%(name)s: the end date is before the start date (%(date)s).")
            % {
                "name": registration.person.name,
                "date": date_format(registration.start_date),
            }
        )
    problem = _start_date_problem(end_date)
    if problem:
        raise RegistrationError(problem)
    rules = LocalRules.current()
    days = (
        rules.separation_filing_days
        if registration.kind == EmploymentRegistration.Kind.EMPLOYEE
        else rules.self_filing_days
    )
    registration.end_date = end_date
    registration.end_reason = reason
    registration.ended_at = timezone.now()
    registration.ended_by = by
    registration.is_end_late = is_late(timezone.localdate(), end_date, days)
    registration.save(
        update_fields=[
            "end_date",
            "end_reason",
            "ended_at",
            "ended_by",
            "is_end_late",
            "updated_at",
        ]
    )
    audit(by, "registration.employment.ended", registration, {"reason": reason})
    return registration


@transaction.atomic
def end_employments(
    registrations: list[EmploymentRegistration],
    *,
    by: User,
    end_date: datetime.date,
    reason: str,
) -> list[EmploymentRegistration]:
    """File several separations at once: all of them, or none."""
    return [
        end_employment(registration, by=by, end_date=end_date, reason=reason)
        for registration in registrations
    ]
