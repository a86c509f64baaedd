"""Unemployment registration (失业登记): apply, review, cancel, stay in contact."""

import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from psycopg import sql

from portal.audit import audit, audit_many
from portal.models import Person, User
from portal.services import notify, notify_many
from registration.errors import RegistrationError
from registration.models import (
    CancellationReason,
    EmploymentRegistration,
    LocalRules,
    UnemploymentRegistration,
)
from registration.services.certificates import issue_certificate

APPLICANT_FIELDS = [
    "cause",
    "unemployed_since",
    "last_employer",
    "last_job",
    "job_wishes",
    "wants_training",
]


def unemployment_refusals(
    person: Person,
    *,
    day: datetime.date | None = None,
    pending: UnemploymentRegistration | None = None,
) -> list[str]:
    """Why this person cannot register as unemployed today, in words; empty when
    they can. Hukou is never a reason (人社部发〔2014〕97号). `pending` is the
    application under review, which does not count as another open one."""
    day = day or timezone.localdate()
    reasons = []
    age_problem = person.working_age_problem(day)
    if age_problem:
        reasons.append(age_problem)
    job = (
        EmploymentRegistration.objects.filter(person=person)
        .current(day)
        .select_related("employer")
        .first()
    )
    if job is not None and job.end_date is not None:
        # Its end is filed: the last day of work still counts as employed
        # (docs/registration.md, "Unemployment registration").
        reasons.append(
            _(
                "Your employment (%(where)s) ends on %(date)s, as filed. You can "
                "register as unemployed from %(next)s."
            )
            % {
                "where": job.where,
                "date": date_format(job.end_date),
                "next": date_format(job.end_date + datetime.timedelta(days=1)),
            }
        )
    elif job is not None:
        reasons.append(
            _(
                "You are registered as employed (%(where)s, since %(date)s). "
                "The employment must end first."
            )
            % {"where": job.where, "date": date_format(job.start_date)}
        )
    others = UnemploymentRegistration.objects.filter(person=person).open()
    if pending is not None:
        others = others.exclude(pk=pending.pk)
    other = others.first()
    if other is not None and other.status == UnemploymentRegistration.Status.REGISTERED:
        reasons.append(
            _(
                "You are already registered as unemployed; there is no need to "
                "apply again."
            )
        )
    elif other is not None:
        reasons.append(
            _("Your application for unemployment registration is being reviewed.")
        )
    if person.residence_id is None:
        reasons.append(
            _("Your place of residence is missing: add it to your profile first.")
        )
    return reasons


@transaction.atomic
def apply_for_unemployment(
    registration: UnemploymentRegistration, *, by: User
) -> UnemploymentRegistration:
    """Submit a new application filled in by the person (online) or by a
    caseworker (at the counter, registered at once). Two submissions at the same
    moment end with one open registration: the partial unique index decides."""
    person = Person.objects.select_for_update().get(pk=registration.person_id)
    refusals = unemployment_refusals(person)
    if refusals:
        raise RegistrationError(" ".join(refusals))
    registration.org_unit = person.residence
    registration.submitted_by = by
    registration.status = UnemploymentRegistration.Status.SUBMITTED
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise RegistrationError(
            _("You already have an open unemployment registration.")
        ) from error
    audit(by, "registration.unemployment.submitted", registration)
    if registration.channel == UnemploymentRegistration.Channel.COUNTER:
        return accept_unemployment(registration, by=by)
    return registration


def _locked(registration: UnemploymentRegistration) -> UnemploymentRegistration:
    return (
        UnemploymentRegistration.objects.select_for_update(of=("self",))
        .select_related("person__user", "org_unit")
        .get(pk=registration.pk)
    )


def _message_to_applicant(registration: UnemploymentRegistration, **extra):
    """(recipient, context, url) of a message about the registration; no recipient
    for a person without an account."""
    context = {"registration": registration, **extra}
    return registration.person.user, context, registration.get_absolute_url()


def _notify_applicant(registration: UnemploymentRegistration, template: str, **extra):
    user, context, url = _message_to_applicant(registration, **extra)
    if user is not None:
        notify(user, template, context, url=url)


def _notify_applicants(
    registrations: list[UnemploymentRegistration], template: str, **extra
) -> None:
    """_notify_applicant for many registrations, in bulk."""
    messages = (_message_to_applicant(r, **extra) for r in registrations)
    notify_many(template, [m for m in messages if m[0] is not None])


@transaction.atomic
def resubmit_unemployment(
    registration: UnemploymentRegistration, *, by: User
) -> UnemploymentRegistration:
    """Save the applicant's corrections; a returned application goes back to review."""
    current = _locked(registration)
    if not current.can_be_changed_by_applicant:
        raise RegistrationError(_("This application can no longer be changed."))
    registration.status = UnemploymentRegistration.Status.SUBMITTED
    registration.save(update_fields=[*APPLICANT_FIELDS, "status", "updated_at"])
    action = (
        "registration.unemployment.resubmitted"
        if current.status == UnemploymentRegistration.Status.RETURNED
        else "registration.unemployment.changed"
    )
    audit(by, action, registration)
    return registration


@transaction.atomic
def withdraw_unemployment(
    registration: UnemploymentRegistration, *, by: User
) -> UnemploymentRegistration:
    registration = _locked(registration)
    if not registration.can_be_changed_by_applicant:
        raise RegistrationError(_("Only an application under review can be withdrawn."))
    registration.status = UnemploymentRegistration.Status.WITHDRAWN
    registration.save(update_fields=["status", "updated_at"])
    audit(by, "registration.unemployment.withdrawn", registration)
    return registration


@transaction.atomic
def return_unemployment(
    registration: UnemploymentRegistration, reason: str, *, by: User
) -> UnemploymentRegistration:
    """Send an application back listing everything missing, in one message."""
    registration = _locked(registration)
    if registration.status != UnemploymentRegistration.Status.SUBMITTED:
        raise RegistrationError(
            _("%(person)s: only applications awaiting review can be returned.")
            % {"person": registration.person.name}
        )
    registration.status = UnemploymentRegistration.Status.RETURNED
    registration.return_reason = reason
    registration.reviewed_by = by
    registration.reviewed_at = timezone.now()
    registration.save(
        update_fields=[
            "status",
            "return_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    audit(by, "registration.unemployment.returned", registration, {"reason": reason})
    _notify_applicant(registration, "unemployment_returned", reason=reason)
    return registration


@transaction.atomic
def accept_unemployment(
    registration: UnemploymentRegistration, *, by: User
) -> UnemploymentRegistration:
    """Register the person as unemployed and give them the employment certificate
    if they have none. Eligibility is checked again: things change while an
    application waits."""
    registration = _locked(registration)
    if registration.status != UnemploymentRegistration.Status.SUBMITTED:
        raise RegistrationError(
            _("%(person)s: only applications awaiting review can be accepted.")
            % {"person": registration.person.name}
        )
    refusals = unemployment_refusals(registration.person, pending=registration)
    if refusals:
        raise RegistrationError(f"{registration.person.name}: {' '.join(refusals)}")
    today = timezone.localdate()
    registration.status = UnemploymentRegistration.Status.REGISTERED
    registration.registered_on = today
    registration.last_contact_on = today
    registration.reviewed_by = by
    registration.reviewed_at = timezone.now()
    registration.return_reason = ""
    registration.save(
        update_fields=[
            "status",
            "registered_on",
            "last_contact_on",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "updated_at",
        ]
    )
    audit(by, "registration.unemployment.accepted", registration)
    issue_certificate(registration.person, by=by, unit=registration.org_unit)
    _notify_applicant(registration, "unemployment_registered")
    return registration


@transaction.atomic
def cancel_unemployment(
    registration: UnemploymentRegistration,
    *,
    by: User | None,
    reason: CancellationReason,
    note: str = "",
    day: datetime.date | None = None,
) -> UnemploymentRegistration:
    """Cancel (注销) a registration, or close a pending application, with the
    reason code kept for the statistics."""
    registration = _locked(registration)
    if not registration.is_open:
        raise RegistrationError(
            _("%(person)s: this registration is already closed.")
            % {"person": registration.person.name}
        )
    day = day or timezone.localdate()
    if registration.registered_on and day < registration.registered_on:
        day = registration.registered_on
    registration.status = UnemploymentRegistration.Status.CANCELLED
    registration.cancelled_on = day
    registration.cancellation_reason = reason
    registration.cancellation_note = note
    registration.contact_review_due = False
    registration.save(
        update_fields=[
            "status",
            "cancelled_on",
            "cancellation_reason",
            "cancellation_note",
            "contact_review_due",
            "updated_at",
        ]
    )
    audit(
        by,
        "registration.unemployment.cancelled",
        registration,
        {"reason": reason.code, "note": note},
    )
    _notify_applicant(registration, "unemployment_cancelled", reason=reason)
    return registration


@transaction.atomic
def record_contact(
    registration: UnemploymentRegistration,
    *,
    by: User,
    day: datetime.date | None = None,
) -> UnemploymentRegistration:
    """The person was in touch (a visit, a call, or their own confirmation online)."""
    registration = _locked(registration)
    if registration.status != UnemploymentRegistration.Status.REGISTERED:
        raise RegistrationError(
            _("%(person)s: contacts are recorded for registered people only.")
            % {"person": registration.person.name}
        )
    registration.last_contact_on = day or timezone.localdate()
    registration.contact_review_due = False
    registration.save(
        update_fields=["last_contact_on", "contact_review_due", "updated_at"]
    )
    audit(by, "registration.unemployment.contacted", registration)
    return registration


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def flag_lost_contact(*, day: datetime.date | None = None) -> int:
    """Nightly: flag registrations with no contact for the local number of months
    (six by law; each city's own where it has rules of its own) for a caseworker
    to confirm; nothing is cancelled automatically."""
    day = day or timezone.localdate()

    def silent_since(rules: LocalRules) -> Q:
        cutoff = months_before(day, rules.no_contact_months)
        return Q(last_contact_on__lte=cutoff) | Q(
            last_contact_on__isnull=True, registered_on__lte=cutoff
        )

    lost = Q()
    in_own_city = Q()
    for rules in LocalRules.objects.filter(city__isnull=False).select_related("city"):
        in_city = Q(org_unit__code__startswith=rules.city.descendant_prefix)
        lost |= in_city & silent_since(rules)
        in_own_city |= in_city
    lost |= ~in_own_city & silent_since(LocalRules.current())
    flagged = 0
    candidates = UnemploymentRegistration.objects.filter(
        status=UnemploymentRegistration.Status.REGISTERED,
        contact_review_due=False,
    ).filter(lost)
    for registration in candidates.iterator():
        with transaction.atomic():
            updated = UnemploymentRegistration.objects.filter(
                pk=registration.pk, contact_review_due=False
            ).update(contact_review_due=True, updated_at=timezone.now())
            if updated:
                audit(None, "registration.unemployment.flagged", registration)
                flagged += 1
    return flagged


# The one rule by which employment closes the unemployment registration, for a
# filing and for an import of a million enrolments alike. {employments} is a
# query of new employment registrations' (person_id, start_date, end_date). One
# still running on the day the person was registered (or applied) cancels their
# open registration with the reason 已进行就业登记 on the day the employment
# starts: they were unemployed until then. Never before the day they were
# registered (a job filed late); of several new employments, the first counts.
CLOSE_ON_EMPLOYMENT = """
UPDATE registration_unemploymentregistration u
SET status = 'cancelled', cancellation_reason_id = %(close_reason)s,
    cancellation_note = '', cancelled_on = greatest(c.start_date, u.registered_on),
    contact_review_due = false, updated_at = now()
FROM (
    SELECT u.id, min(e.start_date) AS start_date
    FROM ({employments}) AS e (person_id, start_date, end_date)
    JOIN registration_unemploymentregistration u ON u.person_id = e.person_id
    WHERE u.status = ANY(%(close_open)s)
      AND coalesce(e.end_date, 'infinity') >= coalesce(
          u.registered_on, (u.created_at AT TIME ZONE %(close_zone)s)::date)
    GROUP BY u.id
) AS c
WHERE u.id = c.id AND u.status = ANY(%(close_open)s)
RETURNING u.id
"""
CLOSED_BATCH = 10_000


@transaction.atomic
def close_unemployment_on_employment(
    employment: EmploymentRegistration, *, by: User | None
) -> list[UnemploymentRegistration]:
    """A new employment registration closes the person's open unemployment
    registration (the rule: close_unemployment_on_employments)."""
    return close_unemployment_on_employments(
        "SELECT %(person)s::bigint, %(start)s::date, %(end)s::date",
        by=by,
        params={
            "person": employment.person_id,
            "start": employment.start_date,
            "end": employment.end_date,
        },
    )


@transaction.atomic
def close_unemployment_on_employments(
    employments: str, *, by: User | None, params: dict | None = None
) -> list[UnemploymentRegistration]:
    """Close the open unemployment registrations that the new employment
    registrations selected by the SQL query `employments` (person_id, start_date,
    end_date) end, in one statement: one filing or a whole import. Each is audited
    as a cancellation, and the person gets the same message as from a
    caseworker's cancellation, in bulk once the transaction has committed."""
    reason = CancellationReason.objects.get(
        code=CancellationReason.EMPLOYMENT_REGISTERED
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(CLOSE_ON_EMPLOYMENT).format(employments=sql.SQL(employments)),
            {
                **(params or {}),
                "close_reason": reason.pk,
                "close_open": [str(s) for s in UnemploymentRegistration.OPEN_STATUSES],
                "close_zone": settings.TIME_ZONE,
            },
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    closed = []
    for start in range(0, len(ids), CLOSED_BATCH):
        closed += UnemploymentRegistration.objects.filter(
            pk__in=ids[start : start + CLOSED_BATCH]
        ).select_related("person__user")
    audit_many(
        by,
        "registration.unemployment.cancelled",
        closed,
        {"reason": reason.code, "note": ""},
    )
    if closed:
        transaction.on_commit(
            lambda: _notify_applicants(closed, "unemployment_cancelled", reason=reason),
            robust=True,
        )
    return closed
