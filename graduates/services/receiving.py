"""Employers or the talent centre apply to receive a graduate; caseworkers decide."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from graduates.errors import GraduateError
from graduates.models import Graduate, ReceivingApplication
from graduates.services.reports import notify_person
from portal.audit import audit
from portal.models import Employer, User
from portal.services import notify_employer_staff


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
    notify_person(
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
