"""Graduates report their destination; caseworkers return or receive reports."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from graduates.errors import GraduateError
from graduates.models import Graduate
from portal.audit import audit
from portal.models import Employer, OrgUnit, Person, User
from portal.services import notify

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


def serving_unit(person: Person, origin_code: str) -> OrgUnit:
    """Who serves a graduate: their place of residence, else the district of a local
    home region, else the city of their home region, else the top unit (the
    province of a provincial portal: a graduate from elsewhere is nobody's city's)."""
    if person.residence_id:
        return person.residence
    current = OrgUnit.objects.current()
    district = current.filter(
        level=OrgUnit.Level.DISTRICT, code__startswith=origin_code
    ).first()
    cities = current.filter(level=OrgUnit.Level.CITY).order_by("code")
    return (
        district
        or cities.filter(code__startswith=origin_code[:4]).first()
        or OrgUnit.objects.top()
    )


def _link_employer(graduate: Graduate) -> None:
    graduate.employer = (
        Employer.objects.verified().filter(name=graduate.employer_name).first()
        if graduate.employer_name
        else None
    )


def notify_person(person: Person, template: str, context: dict, url: str) -> None:
    """Tell the person, if they have an account (imported graduates may not)."""
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


def lock_graduate(graduate: Graduate) -> Graduate:
    """The graduate row, locked for this transaction, with the person's account."""
    return (
        Graduate.objects.select_for_update(of=("self",))
        .select_related("person__user")
        .get(pk=graduate.pk)
    )


@transaction.atomic
def return_report(graduate: Graduate, reason: str, *, by: User) -> Graduate:
    graduate = lock_graduate(graduate)
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
    notify_person(
        graduate.person,
        "graduate_report_returned",
        {"graduate": graduate, "reason": reason},
        graduate.get_absolute_url(),
    )
    return graduate


@transaction.atomic
def receive_report(graduate: Graduate, *, by: User) -> Graduate:
    graduate = lock_graduate(graduate)
    if graduate.report_status != Graduate.Report.SUBMITTED:
        raise GraduateError(
            _("%(name)s: only reports awaiting processing can be received.")
            % {"name": graduate.person.name}
        )
    graduate.report_status = Graduate.Report.RECEIVED
    graduate.processed_by = by
    graduate.save(update_fields=["report_status", "processed_by", "updated_at"])
    audit(by, "graduates.graduate.received", graduate)
    notify_person(
        graduate.person,
        "graduate_report_received",
        {"graduate": graduate},
        graduate.get_absolute_url(),
    )
    return graduate
