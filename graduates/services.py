"""Every write in the graduates app, with audit and notifications."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from graduates.models import (
    CohortTarget,
    Contact,
    Graduate,
    Leaver,
    ReceivingApplication,
)
from jobs.models import JobPosting
from portal.audit import audit
from portal.models import Employer, OrgUnit, Person, User
from portal.services import (
    default_retirement_track,
    notify,
    notify_employer_staff,
    save_person,
)

REPORT_FIELDS = [
    "graduation_date",
    "school",
    "major",
    "degree",
    "origin_code",
    "origin_name",
    "destination",
    "employer_name",
    "archive_transfer",
    "hukou_transfer",
]


class GraduateError(Exception):
    """A refused action in the graduates app, with a message for the user."""


def serving_unit(person: Person, origin_code: str) -> OrgUnit:
    """Who serves a graduate: their place of residence, else the district of a local
    home region, else the city."""
    if person.residence_id:
        return person.residence
    district = OrgUnit.objects.current().filter(
        level=OrgUnit.Level.DISTRICT, code__startswith=origin_code
    )
    return (
        district.first()
        or OrgUnit.objects.current().filter(level=OrgUnit.Level.CITY).first()
    )


def _link_employer(graduate: Graduate) -> None:
    graduate.employer = (
        Employer.objects.verified().filter(name=graduate.employer_name).first()
        if graduate.employer_name
        else None
    )


def _notify_person(person: Person, template: str, context: dict, url: str) -> None:
    if person.user is not None:
        notify(person.user, template, context, url=url)


@transaction.atomic
def submit_report(graduate: Graduate, *, by: User) -> Graduate:
    """The graduate reports to the city (new, or corrects a report or an imported
    record). One record per person and graduation year: the unique constraint
    refuses a second one, also when two reports race."""
    if graduate.pk is not None:
        current = Graduate.objects.select_for_update().get(pk=graduate.pk)
        if not current.can_be_changed_by_graduate:
            raise GraduateError(
                _("The city has received this report; call 12333 to change it.")
            )
    if graduate.graduation_year > timezone.localdate().year + 1:
        raise GraduateError(_("Report at most a year before graduating."))
    _link_employer(graduate)
    graduate.org_unit = serving_unit(graduate.person, graduate.origin_code)
    graduate.report_status = Graduate.Report.SUBMITTED
    graduate.reported_at = timezone.now()
    graduate.return_reason = ""
    # The graduate's own word from now on: later imports leave it alone.
    graduate.source = Graduate.Source.REPORT
    try:
        with transaction.atomic():
            graduate.save()
    except IntegrityError as error:
        raise GraduateError(
            _("You have already reported your graduation in %(year)d.")
            % {"year": graduate.graduation_year}
        ) from error
    audit(by, "graduates.graduate.reported", graduate)
    return graduate


def _locked(graduate: Graduate) -> Graduate:
    return (
        Graduate.objects.select_for_update(of=("self",))
        .select_related("person__user")
        .get(pk=graduate.pk)
    )


@transaction.atomic
def return_report(graduate: Graduate, reason: str, *, by: User) -> Graduate:
    graduate = _locked(graduate)
    if graduate.report_status != Graduate.Report.SUBMITTED:
        raise GraduateError(
            _("%(name)s: only reports awaiting processing can be returned.")
            % {"name": graduate.person.name}
        )
    graduate.report_status = Graduate.Report.RETURNED
    graduate.return_reason = reason
    graduate.processed_by = by
    graduate.save(
        update_fields=["report_status", "return_reason", "processed_by", "updated_at"]
    )
    audit(by, "graduates.graduate.returned", graduate, {"reason": reason})
    _notify_person(
        graduate.person,
        "graduate_report_returned",
        {"graduate": graduate, "reason": reason},
        graduate.get_absolute_url(),
    )
    return graduate


@transaction.atomic
def receive_report(graduate: Graduate, *, by: User) -> Graduate:
    graduate = _locked(graduate)
    if graduate.report_status != Graduate.Report.SUBMITTED:
        raise GraduateError(
            _("%(name)s: only reports awaiting processing can be received.")
            % {"name": graduate.person.name}
        )
    graduate.report_status = Graduate.Report.RECEIVED
    graduate.processed_by = by
    graduate.save(update_fields=["report_status", "processed_by", "updated_at"])
    audit(by, "graduates.graduate.received", graduate)
    _notify_person(
        graduate.person,
        "graduate_report_received",
        {"graduate": graduate},
        graduate.get_absolute_url(),
    )
    return graduate


@transaction.atomic
def apply_to_receive(
    *,
    employer: Employer | None,
    by: User,
    name: str,
    id_number: str,
    graduation_year: int,
    kind: str,
    reason: str,
) -> ReceivingApplication:
    """An employer (or the talent centre, employer=None) asks to receive a named
    graduate's archive or hukou. The graduate must be known to the city."""
    graduate = (
        Graduate.objects.select_related("person")
        .filter(person__id_number=id_number, graduation_year=graduation_year)
        .first()
    )
    if graduate is None or graduate.person.name != name:
        raise GraduateError(
            _(
                "No %(year)d graduate with this name and ID number is known to the "
                "city. Ask the graduate to report online first."
            )
            % {"year": graduation_year}
        )
    application = ReceivingApplication(
        graduate=graduate, employer=employer, kind=kind, reason=reason, submitted_by=by
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise GraduateError(
            _("An application for this graduate is already waiting for a decision.")
        ) from error
    audit(by, "graduates.receiving.submitted", application)
    return application


def _decide(application: ReceivingApplication, status: str, *, by: User, reason=""):
    application = (
        ReceivingApplication.objects.select_for_update(of=("self",))
        .select_related("graduate__person__user", "employer")
        .get(pk=application.pk)
    )
    if application.status != ReceivingApplication.Status.SUBMITTED:
        raise GraduateError(
            _("%(name)s: this application has already been decided.")
            % {"name": application.graduate.person.name}
        )
    application.status = status
    application.decided_by = by
    application.decided_at = timezone.now()
    application.refusal_reason = reason
    application.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "refusal_reason",
            "updated_at",
        ]
    )
    action = "approved" if status == ReceivingApplication.Status.APPROVED else "refused"
    audit(by, f"graduates.receiving.{action}", application, {"reason": reason})
    context = {"application": application, "reason": reason}
    if application.employer is not None:
        notify_employer_staff(
            application.employer,
            "receiving_decided",
            context,
            url="/graduates/receiving/",
        )
    _notify_person(
        application.graduate.person,
        "receiving_decided",
        context,
        application.graduate.get_absolute_url(),
    )
    return application


@transaction.atomic
def approve_receiving(application: ReceivingApplication, *, by: User):
    return _decide(application, ReceivingApplication.Status.APPROVED, by=by)


@transaction.atomic
def refuse_receiving(application: ReceivingApplication, reason: str, *, by: User):
    return _decide(
        application, ReceivingApplication.Status.REFUSED, by=by, reason=reason
    )


@transaction.atomic
def register_leaver(
    graduate: Graduate, *, by: User, job_wishes: str, service_needs: list[str]
) -> Leaver:
    """离校未就业登记: the graduate (or a caseworker) registers for follow-up
    services; the graduate's destination becomes "looking for work"."""
    graduate = _locked(graduate)
    if graduate.destination and graduate.destination_group != "not_employed":
        raise GraduateError(
            _(
                "%(name)s: the recorded destination is “%(destination)s”. Follow-up "
                "services are for graduates still looking for work; if that has "
                "changed, correct the report first."
            )
            % {
                "name": graduate.person.name,
                "destination": graduate.get_destination_display(),
            }
        )
    try:
        with transaction.atomic():
            leaver = Leaver.objects.create(
                graduate=graduate,
                job_wishes=job_wishes,
                service_needs=service_needs,
                registered_by=by,
                status_changed_on=timezone.localdate(),
            )
    except IntegrityError as error:
        raise GraduateError(
            _("%(name)s is already registered for follow-up services.")
            % {"name": graduate.person.name}
        ) from error
    graduate.destination = Graduate.Destination.SEEKING
    graduate.save(update_fields=["destination", "updated_at"])
    audit(by, "graduates.leaver.registered", leaver)
    return leaver


@transaction.atomic
def log_contact(
    leaver: Leaver,
    *,
    by: User,
    contacted_on: datetime.date,
    channel: str,
    services: list[str],
    note: str = "",
    postings: list[JobPosting] = (),
) -> Contact:
    """A caseworker records one contact with the services given and the postings
    referred; the graduate sees it and the referred postings in their page."""
    if contacted_on > timezone.localdate():
        raise GraduateError(_("A contact cannot be in the future."))
    contact = Contact.objects.create(
        leaver=leaver,
        contacted_on=contacted_on,
        channel=channel,
        services=services,
        note=note,
        caseworker=by,
    )
    contact.referred_postings.set(postings)
    audit(by, "graduates.leaver.contacted", leaver, {"services": services})
    return contact


@transaction.atomic
def set_leaver_status(leaver: Leaver, status: str, *, by: User) -> Leaver:
    """Found work, no wish to work for now, or looking again."""
    leaver = Leaver.objects.select_for_update().get(pk=leaver.pk)
    if leaver.status == status:
        return leaver
    leaver.status = status
    leaver.status_changed_on = timezone.localdate()
    leaver.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit(by, "graduates.leaver.closed", leaver, {"status": status})
    return leaver


@transaction.atomic
def save_cohort_target(target: CohortTarget, *, by: User) -> CohortTarget:
    target.save()
    audit(
        by,
        "graduates.target.changed",
        target,
        {"contact_rate": str(target.contact_rate),
         "employment_rate": str(target.employment_rate)},
    )  # fmt: skip
    return target


@dataclass
class GraduateRow:
    """One row of an education department's list, already checked for shape."""

    line: int
    name: str
    id_number: str
    graduation_year: int
    school: str
    major: str
    degree: str
    origin_code: str
    destination: str


@transaction.atomic
def import_graduates(rows: list[GraduateRow], *, by: User) -> dict:
    """Add or update graduates from a list (idempotent: the same list twice changes
    nothing). People new to the registry are added; a graduate's own report is
    never overwritten; graduates listed as looking for work are registered for
    follow-up services. Returns counts and the rows refused, by line."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "leavers": 0}
    refused = {}
    for row in rows:
        person = Person.objects.filter(id_number=row.id_number).first()
        if person is not None and person.name != row.name:
            refused[row.line] = [
                _("The name does not match the ID number in the registry.")
            ]
            continue
        if person is None:
            person = save_person(
                Person(
                    name=row.name,
                    id_number=row.id_number,
                    retirement_track=default_retirement_track(row.id_number),
                ),
                by=by,
            )
        values = {
            "school": row.school,
            "major": row.major,
            "degree": row.degree,
            "origin_code": row.origin_code,
            "destination": row.destination,
        }
        graduate = Graduate.objects.filter(
            person=person, graduation_year=row.graduation_year
        ).first()
        if graduate is None:
            graduate = Graduate.objects.create(
                person=person,
                graduation_year=row.graduation_year,
                source=Graduate.Source.IMPORT,
                org_unit=serving_unit(person, row.origin_code),
                **values,
            )
            counts["created"] += 1
        elif graduate.source == Graduate.Source.IMPORT and any(
            getattr(graduate, field) != value for field, value in values.items()
        ):
            for field, value in values.items():
                setattr(graduate, field, value)
            graduate.save(update_fields=[*values, "updated_at"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        if graduate.destination == Graduate.Destination.SEEKING and not hasattr(
            graduate, "leaver"
        ):
            Leaver.objects.create(graduate=graduate, job_wishes="", registered_by=by)
            counts["leavers"] += 1
    audit(by, "graduates.graduate.imported", None, {**counts, "refused": len(refused)})
    return {**counts, "refused": refused}
