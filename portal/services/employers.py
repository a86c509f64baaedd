"""The employer registry: records edited in the back office, verification."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit, save_with_audit
from portal.errors import PortalError
from portal.models import Employer, User
from portal.services.notifications import notify_employer_staff


@transaction.atomic
def verify_employer(employer: Employer, *, by: User) -> Employer:
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.is_verified:
        raise PortalError(_("%(name)s is already verified.") % {"name": employer.name})
    if not employer.licence:
        raise PortalError(
            _("%(name)s has no business licence on file; upload one first.")
            % {"name": employer.name}
        )
    _record_review(employer, by, Employer.Verification.VERIFIED, reason="")
    audit(by, "portal.employer.verified", employer)
    notify_employer_staff(
        employer, "employer_verified", {"employer": employer}, url=reverse("workspace")
    )
    return employer


@transaction.atomic
def reject_employer(employer: Employer, *, by: User, reason: str) -> Employer:
    reason = reason.strip()
    if not reason:
        raise PortalError(_("Give the employer a reason for the rejection."))
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _record_review(employer, by, Employer.Verification.REJECTED, reason=reason)
    audit(by, "portal.employer.rejected", employer, data={"reason": reason})
    notify_employer_staff(
        employer,
        "employer_rejected",
        {"employer": employer, "reason": reason},
        url=reverse("workspace"),
    )
    return employer


def _record_review(employer: Employer, by: User, status: str, *, reason: str) -> None:
    employer.verification_status = status
    employer.rejection_reason = reason
    employer.verified_at = timezone.now()
    employer.verified_by = by
    employer.save(
        update_fields=[
            "verification_status",
            "rejection_reason",
            "verified_at",
            "verified_by",
            "updated_at",
        ]
    )


@transaction.atomic
def save_employer(
    employer: Employer, *, by: User, changed_fields: list[str] | None = None
) -> Employer:
    """Create or update an employer record (verification has its own services)."""
    fields = changed_fields or []
    return save_with_audit(employer, by=by, fields=fields, action="portal.employer")
