"""Employment registration (就业登记) and its end (终止/解除): filed by employers
for their hires, by people for their own self-employment, or at a counter."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.audit import audit, audit_many
from portal.models import AuditEntry, Employer, Person, User
from portal.services import default_retirement_track, save_person
from registration.errors import HiresRefused, RegistrationError
from registration.models import OPEN_END, EmploymentRegistration, LocalRules
from registration.services.certificates import issue_certificate
from registration.services.unemployment import close_unemployment_on_employment

FILING_AHEAD_DAYS = 30
# One audit entry per row of a filing checked against the person registry.
REGISTRY_CHECK = "registration.hire.checked"


@dataclass
class Hire:
    name: str
    id_number: str
    start_date: datetime.date
    job_title: str = ""
    contract_term: str = ""


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


def _person_for_hire(
    hire: Hire, found: Person | None, *, by: User
) -> tuple[Person | None, list[str]]:
    """The person `found` in the registry under the row's ID number, or a new one
    added; None and the problems when the row cannot be filed."""
    if found is not None and found.name != hire.name:
        # Worded to confirm no more than the employer, holding the ID card, must
        # know: the two do not belong together.
        return None, [
            _(
                "The name and ID number could not be confirmed together: check both "
                "against the person's ID card."
            )
        ]
    person = found
    if person is None:
        person = Person(
            name=hire.name,
            id_number=hire.id_number,
            retirement_track=default_retirement_track(hire.id_number),
        )
    age_problem = person.working_age_problem(hire.start_date)
    if age_problem:
        return None, [age_problem]
    if person.pk is None:
        try:
            with transaction.atomic():
                save_person(person, by=by)
        except IntegrityError:  # another filing added the same person just now
            person = Person.objects.get(id_number=hire.id_number)
    return person, []


def is_late(filed_on: datetime.date, event_day: datetime.date, days: int) -> bool:
    return filed_on > event_day + datetime.timedelta(days=days)


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

    Each row asks the person registry whether it knows the ID number, under that
    name, and whether the person works elsewhere, also when the filing is then
    refused. So employer staff may check at most HIRE_LOOKUPS_PER_HOUR rows an
    hour, and every answer is audited (REGISTRY_CHECK), refused filings included.
    """
    if not employer.is_verified:
        raise RegistrationError(
            _("Your employer must be verified before it can file hires.")
        )
    with transaction.atomic():
        _check_lookups_left(employer, len(hires), by=by)
        answers: list[tuple[Person | None, str]] = []
        refused = None
        try:
            with transaction.atomic():
                registrations = _file_hires(
                    employer, hires, answers, by=by, source=source
                )
        except RegistrationError as error:
            refused = error
        # After the rollback of a refused filing, so that its answers stay on record.
        _audit_answers(by, employer, answers, filed=refused is None)
    if refused is not None:
        raise refused
    return registrations


def _check_lookups_left(employer: Employer, rows: int, *, by: User) -> None:
    """Refuse a filing that would take the employer's staff over their registry
    checks for the hour. The employer's row is locked, so that two filings at
    once count each other's checks. Counter staff filing for someone are not
    limited."""
    if not by.is_employer_staff:
        return
    Employer.objects.select_for_update().get(pk=employer.pk)
    used = AuditEntry.objects.filter(
        action=REGISTRY_CHECK,
        actor__employer=employer,
        created_at__gt=timezone.now() - datetime.timedelta(hours=1),
    ).count()
    limit = settings.HIRE_LOOKUPS_PER_HOUR
    if used + rows > limit:
        raise RegistrationError(
            _(
                "Your organisation may check %(limit)d people against the registry "
                "per hour and has checked %(used)d in the last hour, so these "
                "%(rows)d rows cannot be checked now. Please file them later, or at "
                "a service counter."
            )
            % {"limit": limit, "used": used, "rows": rows}
        )


def _audit_answers(by: User, employer: Employer, answers, *, filed: bool) -> None:
    """One entry per row: the person the registry found (none for an ID number it
    did not know) and its answer."""
    people_by_answer = defaultdict(list)
    for person, answer in answers:
        # A person added by a refused filing was rolled back with it.
        known = person is not None and (filed or answer != "new")
        people_by_answer[answer].append(person if known else None)
    for answer, people in people_by_answer.items():
        data = {"employer": employer.pk, "answer": answer, "filed": filed}
        audit_many(by, REGISTRY_CHECK, people, data)


def _file_hires(
    employer: Employer,
    hires: list[Hire],
    answers: list[tuple[Person | None, str]],
    *,
    by: User,
    source: str,
) -> list[EmploymentRegistration]:
    """Check every row, then save them all; `answers` gets the registry's answer
    for each row checked."""
    rules = LocalRules.current(employer.org_unit)
    today = timezone.localdate()
    row_errors: dict[int, list[str]] = {}
    accepted = []
    seen = set()
    for row, hire in enumerate(hires, start=1):
        problems = [p for p in [_start_date_problem(hire.start_date)] if p]
        if hire.id_number in seen:
            problems.append(_("This person appears twice in the filing."))
        seen.add(hire.id_number)
        found = Person.objects.filter(id_number=hire.id_number).first()
        person, person_problems = _person_for_hire(hire, found, by=by)
        problems += person_problems
        answer = "new" if found is None else "matched"
        if found is not None and found.name != hire.name:
            answer = "name_mismatch"
        if person is not None:
            clash = _overlap_message(person, hire.start_date, for_employer=employer)
            if clash:
                problems.append(clash)
                answer = "employed_elsewhere"
        answers.append((found or person, answer))
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
    age_problem = person.working_age_problem(registration.start_date)
    if age_problem:
        problems.append(age_problem)
    if problems:
        raise RegistrationError(" ".join(problems))
    rules = LocalRules.current(person.residence)
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
    rules = LocalRules.current(registration.org_unit)
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
