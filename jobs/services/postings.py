"""Every status change of a job posting: employers write postings (always back to
moderation), caseworkers approve or return them, a daily task expires them."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jobs.errors import JobError
from jobs.models import JobPosting
from jobs.services import history
from jobs.services.listings import list_posting
from portal.audit import audit
from portal.models import User
from portal.services import notify_employer_staff


def _locked(posting: JobPosting) -> JobPosting:
    return JobPosting.objects.select_for_update().get(pk=posting.pk)


def _set_status(posting: JobPosting, status: str, *extra_fields: str) -> None:
    posting.status = status
    posting.save(update_fields=["status", *extra_fields, "updated_at"])
    list_posting(posting)


@transaction.atomic
def save_posting(posting: JobPosting, *, by: User) -> JobPosting:
    """Create or edit a posting and send it to moderation.

    Only staff of a verified employer may post; the industry follows the employer.
    An edited posting leaves the public site until a caseworker approves it again.
    """
    employer = posting.employer
    if not employer.is_verified:
        raise JobError(_("Your employer must be verified before it can post jobs."))
    created = posting.pk is None
    if not created:
        if not _locked(posting).can_be_edited():
            raise JobError(_("A closed posting cannot be edited; post a new one."))
        history.stop_posting(posting)
    posting.industry = employer.industry
    if not posting.has_location and employer.latitude is not None:
        posting.latitude = float(employer.latitude)
        posting.longitude = float(employer.longitude)
    posting.status = JobPosting.Status.PENDING
    posting.rejection_reason = ""
    posting.submitted_at = timezone.now()
    posting.save()
    list_posting(posting)
    audit(by, "jobs.posting.created" if created else "jobs.posting.changed", posting)
    return posting


@transaction.atomic
def approve_posting(posting: JobPosting, *, by: User) -> JobPosting:
    posting = _locked(posting)
    if posting.status != JobPosting.Status.PENDING:
        raise JobError(
            _("“%(title)s” is not awaiting review.") % {"title": posting.title}
        )
    posting.reviewed_by = by
    posting.published_at = posting.published_at or timezone.now()
    _set_status(posting, JobPosting.Status.PUBLISHED, "reviewed_by", "published_at")
    history.open_posting(posting)
    audit(by, "jobs.posting.approved", posting)
    notify_employer_staff(
        posting.employer,
        "job_approved",
        {"posting": posting},
        url=reverse("jobs:employer_job_list"),
    )
    return posting


@transaction.atomic
def reject_posting(posting: JobPosting, *, by: User, reason: str) -> JobPosting:
    reason = reason.strip()
    if not reason:
        raise JobError(_("Tell the employer what to change."))
    posting = _locked(posting)
    if posting.status != JobPosting.Status.PENDING:
        raise JobError(
            _("“%(title)s” is not awaiting review.") % {"title": posting.title}
        )
    posting.reviewed_by = by
    posting.rejection_reason = reason
    _set_status(posting, JobPosting.Status.REJECTED, "reviewed_by", "rejection_reason")
    history.stop_posting(posting)  # none runs: it stopped when sent to review
    audit(by, "jobs.posting.rejected", posting, data={"reason": reason})
    notify_employer_staff(
        posting.employer,
        "job_rejected",
        {"posting": posting, "reason": reason},
        url=reverse("jobs:employer_job_list"),
    )
    return posting


@transaction.atomic
def pause_posting(posting: JobPosting, *, by: User) -> JobPosting:
    posting = _locked(posting)
    if not posting.can_be_paused():
        raise JobError(_("Only a published posting can be paused."))
    _set_status(posting, JobPosting.Status.PAUSED)
    history.stop_posting(posting)
    audit(by, "jobs.posting.paused", posting)
    return posting


@transaction.atomic
def resume_posting(posting: JobPosting, *, by: User) -> JobPosting:
    posting = _locked(posting)
    if not posting.can_be_resumed():
        raise JobError(_("Only a paused posting can be resumed."))
    if posting.valid_until < timezone.localdate():
        raise JobError(_("This posting's date has passed; renew it instead."))
    _set_status(posting, JobPosting.Status.PUBLISHED)
    history.open_posting(posting)
    audit(by, "jobs.posting.resumed", posting)
    return posting


@transaction.atomic
def close_posting(posting: JobPosting, *, by: User) -> JobPosting:
    posting = _locked(posting)
    if not posting.can_be_closed():
        raise JobError(_("This posting is already closed."))
    _set_status(posting, JobPosting.Status.CLOSED)
    history.stop_posting(posting)
    audit(by, "jobs.posting.closed", posting)
    return posting


@transaction.atomic
def renew_posting(posting: JobPosting, *, by: User) -> JobPosting:
    """Keep an approved posting open for another JOB_VALID_DAYS, unchanged, so it
    needs no new review."""
    posting = _locked(posting)
    if not posting.can_be_renewed():
        raise JobError(_("Only published, paused or expired postings can be renewed."))
    new_date = timezone.localdate() + datetime.timedelta(days=settings.JOB_VALID_DAYS)
    if posting.valid_until >= new_date:
        raise JobError(
            _("This posting is already open until %(date)s.")
            % {"date": date_format(posting.valid_until)}
        )
    posting.valid_until = new_date
    status = posting.status
    if status == JobPosting.Status.EXPIRED:
        status = JobPosting.Status.PUBLISHED
    _set_status(posting, status, "valid_until")
    if status == JobPosting.Status.PUBLISHED:
        history.open_posting(posting)  # a paused one opens when resumed
    audit(by, "jobs.posting.renewed", posting, data={"until": str(posting.valid_until)})
    return posting


def expire_postings() -> int:
    """Mark postings past their date as expired (daily task). Returns how many."""
    today = timezone.localdate()
    expired = 0
    open_statuses = [JobPosting.Status.PUBLISHED, JobPosting.Status.PAUSED]
    stale = JobPosting.objects.filter(status__in=open_statuses, valid_until__lt=today)
    for posting in stale.iterator():
        with transaction.atomic():
            posting = _locked(posting)
            if posting.status in open_statuses and posting.valid_until < today:
                _set_status(posting, JobPosting.Status.EXPIRED)
                history.stop_posting(posting)
                audit(None, "jobs.posting.expired", posting)
                expired += 1
    return expired
