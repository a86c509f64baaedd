"""Every status change of a job posting, with audit and notifications.

Employers write postings (always back to moderation); caseworkers approve or return
them; a daily task expires those past their date.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import (
    Application,
    FavouritePosting,
    FavouriteResume,
    InterviewInvitation,
    InvitationEvent,
    JobPosting,
    Resume,
)
from portal.audit import audit
from portal.models import Employer, Person, User
from portal.services import notify, notify_employer_staff


class JobError(Exception):
    """A refused action on a posting, with a message for the user."""


def _locked(posting: JobPosting) -> JobPosting:
    return JobPosting.objects.select_for_update().get(pk=posting.pk)


def _set_status(posting: JobPosting, status: str, *extra_fields: str) -> None:
    posting.status = status
    posting.save(update_fields=["status", *extra_fields, "updated_at"])


@transaction.atomic
def save_posting(posting: JobPosting, *, by: User) -> JobPosting:
    """Create or edit a posting and send it to moderation.

    Only staff of a verified employer may post; the industry follows the employer.
    An edited posting leaves the public site until a caseworker approves it again.
    """
    employer = posting.employer
    if not employer.is_verified:
        raise JobError(_("Your employer must be verified before it can post jobs."))
    if posting.pk is not None and not _locked(posting).can_be_edited():
        raise JobError(_("A closed posting cannot be edited; post a new one."))
    created = posting.pk is None
    posting.industry = employer.industry
    if not posting.has_location and employer.latitude is not None:
        posting.latitude = float(employer.latitude)
        posting.longitude = float(employer.longitude)
    posting.status = JobPosting.Status.PENDING
    posting.rejection_reason = ""
    posting.submitted_at = timezone.now()
    posting.save()
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
    audit(by, "jobs.posting.resumed", posting)
    return posting


@transaction.atomic
def close_posting(posting: JobPosting, *, by: User) -> JobPosting:
    posting = _locked(posting)
    if not posting.can_be_closed():
        raise JobError(_("This posting is already closed."))
    _set_status(posting, JobPosting.Status.CLOSED)
    audit(by, "jobs.posting.closed", posting)
    return posting


@transaction.atomic
def renew_posting(posting: JobPosting, *, by: User) -> JobPosting:
    """Keep an approved posting open for another JOB_VALID_DAYS, unchanged, so it
    needs no new review."""
    posting = _locked(posting)
    if not posting.can_be_renewed():
        raise JobError(_("Only published, paused or expired postings can be renewed."))
    posting.valid_until = timezone.localdate() + datetime.timedelta(
        days=settings.JOB_VALID_DAYS
    )
    status = posting.status
    if status == JobPosting.Status.EXPIRED:
        status = JobPosting.Status.PUBLISHED
    _set_status(posting, status, "valid_until")
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
                audit(None, "jobs.posting.expired", posting)
                expired += 1
    return expired


@transaction.atomic
def save_resume(resume: Resume, *, by: User, formsets=()) -> Resume:
    """Save a seeker's resume with its work and education entries."""
    created = resume.pk is None
    resume.save()
    for formset in formsets:
        formset.instance = resume
        formset.save()
    audit(by, "jobs.resume.created" if created else "jobs.resume.changed", resume)
    return resume


def apply_to_posting(
    posting: JobPosting, *, person: Person, message: str = ""
) -> Application:
    """One application per person and posting (a unique constraint decides races);
    the employer's staff are told."""
    resume = Resume.objects.filter(person=person).first()
    if resume is None:
        raise JobError(_("Fill in your resume before you apply."))
    if not posting.is_public:
        raise JobError(_("This job is no longer open."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                posting=posting, person=person, resume=resume, message=message.strip()
            )
            audit(person.user, "jobs.application.submitted", application)
            notify_employer_staff(
                posting.employer,
                "application_received",
                {"posting": posting, "application": application},
                url=reverse("jobs:posting_applicants", args=[posting.pk]),
            )
    except IntegrityError as error:
        raise JobError(_("You have already applied for this job.")) from error
    return application


@transaction.atomic
def withdraw_application(application: Application, *, by: User) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.can_be_withdrawn():
        raise JobError(_("This application can no longer be withdrawn."))
    _move(application, Application.Status.WITHDRAWN)
    audit(by, "jobs.application.withdrawn", application)
    return application


@transaction.atomic
def mark_application_viewed(application: Application, *, by: User) -> Application:
    """The employer opened the application: the seeker sees “viewed”."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == Application.Status.RECEIVED:
        _move(application, Application.Status.VIEWED)
        audit(by, "jobs.application.viewed", application)
    return application


@transaction.atomic
def move_application(application: Application, *, to: str, by: User) -> Application:
    """The employer's pipeline: viewed → interview invited → hired / not suitable."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if to not in application.next_statuses():
        raise JobError(
            _("An application that is “%(status)s” cannot be moved there.")
            % {"status": application.get_status_display()}
        )
    _move(application, to)
    audit(by, "jobs.application.moved", application, data={"to": to})
    if to in (Application.Status.HIRED, Application.Status.NOT_SUITABLE):
        notify(
            application.person.user,
            "application_decided",
            {"application": application, "posting": application.posting},
            url=reverse("jobs:application_list"),
        )
    return application


def _move(application: Application, status: str) -> None:
    application.status = status
    application.status_changed_at = timezone.now()
    application.save(update_fields=["status", "status_changed_at", "updated_at"])


def toggle_favourite_posting(posting: JobPosting, *, person: Person) -> bool:
    """Add or remove a favourite; returns True when it is now a favourite."""
    deleted, _rows = FavouritePosting.objects.filter(
        person=person, posting=posting
    ).delete()
    if deleted:
        return False
    FavouritePosting.objects.get_or_create(person=person, posting=posting)
    return True


def toggle_favourite_resume(resume: Resume, *, employer: Employer) -> bool:
    deleted, _rows = FavouriteResume.objects.filter(
        employer=employer, resume=resume
    ).delete()
    if deleted:
        return False
    FavouriteResume.objects.get_or_create(employer=employer, resume=resume)
    return True


def _event(invitation, action, *, by_employer, note="", time=None):
    InvitationEvent.objects.create(
        invitation=invitation,
        action=action,
        by_employer=by_employer,
        note=note[:300],
        time=time or invitation.scheduled_at,
    )


def _tell_seeker(invitation, template):
    notify(
        invitation.person.user,
        template,
        {"invitation": invitation, "posting": invitation.posting},
        url=invitation.get_absolute_url(),
    )


def _tell_employer(invitation, template):
    notify_employer_staff(
        invitation.posting.employer,
        template,
        {"invitation": invitation, "posting": invitation.posting},
        url=invitation.get_absolute_url(),
    )


def _future(moment: datetime.datetime) -> None:
    if moment <= timezone.now():
        raise JobError(_("Choose a time in the future."))


@transaction.atomic
def invite_to_interview(
    resume: Resume,
    *,
    posting: JobPosting,
    by: User,
    scheduled_at: datetime.datetime,
    place: str = "",
    video_url: str = "",
    message: str = "",
) -> InterviewInvitation:
    """The employer invites first. The seeker must have applied to the employer or
    made the resume public; one open invitation per person and posting."""
    if posting.employer_id != by.employer_id or not posting.is_public:
        raise JobError(_("Invite for one of your own open postings."))
    if not resume.can_be_read_by(by):
        raise JobError(_("This resume is not open to your organisation."))
    if not (place.strip() or video_url.strip()):
        raise JobError(_("Give a place or a video meeting link."))
    _future(scheduled_at)
    application = (
        posting.applications.active().filter(person_id=resume.person_id).first()
    )
    try:
        with transaction.atomic():
            invitation = InterviewInvitation.objects.create(
                posting=posting,
                person_id=resume.person_id,
                resume=resume,
                application=application,
                scheduled_at=scheduled_at,
                place=place.strip(),
                video_url=video_url.strip(),
                message=message.strip(),
                invited_by=by,
            )
    except IntegrityError as error:
        raise JobError(
            _("This person already has an open invitation for this job.")
        ) from error
    if application is not None and "interview" in application.next_statuses():
        _move(application, Application.Status.INTERVIEW)
    _event(invitation, InvitationEvent.Action.SENT, by_employer=True, note=message)
    audit(by, "jobs.invitation.sent", invitation)
    _tell_seeker(invitation, "invitation_sent")
    return invitation


def _locked_invitation(invitation):
    return InterviewInvitation.objects.select_for_update().get(pk=invitation.pk)


@transaction.atomic
def accept_invitation(
    invitation: InterviewInvitation, *, by: User
) -> InterviewInvitation:
    invitation = _locked_invitation(invitation)
    if not invitation.seeker_can_reply():
        raise JobError(_("This invitation can no longer be answered."))
    invitation.status = InterviewInvitation.Status.ACCEPTED
    invitation.save(update_fields=["status", "updated_at"])
    _event(invitation, InvitationEvent.Action.ACCEPTED, by_employer=False)
    audit(by, "jobs.invitation.accepted", invitation)
    _tell_employer(invitation, "invitation_answered")
    return invitation


@transaction.atomic
def decline_invitation(
    invitation: InterviewInvitation, *, by: User, note: str = ""
) -> InterviewInvitation:
    invitation = _locked_invitation(invitation)
    if not invitation.seeker_can_reply():
        raise JobError(_("This invitation can no longer be answered."))
    invitation.status = InterviewInvitation.Status.DECLINED
    invitation.save(update_fields=["status", "updated_at"])
    _event(invitation, InvitationEvent.Action.DECLINED, by_employer=False, note=note)
    audit(by, "jobs.invitation.declined", invitation)
    _tell_employer(invitation, "invitation_answered")
    return invitation


@transaction.atomic
def propose_interview_time(
    invitation: InterviewInvitation,
    *,
    by: User,
    proposed_at: datetime.datetime,
    note: str = "",
) -> InterviewInvitation:
    invitation = _locked_invitation(invitation)
    if not invitation.seeker_can_reply():
        raise JobError(_("This invitation can no longer be answered."))
    _future(proposed_at)
    invitation.status = InterviewInvitation.Status.PROPOSED
    invitation.proposed_at = proposed_at
    invitation.save(update_fields=["status", "proposed_at", "updated_at"])
    _event(
        invitation,
        InvitationEvent.Action.PROPOSED,
        by_employer=False,
        note=note,
        time=proposed_at,
    )
    audit(by, "jobs.invitation.proposed", invitation)
    _tell_employer(invitation, "invitation_answered")
    return invitation


@transaction.atomic
def accept_proposed_time(
    invitation: InterviewInvitation, *, by: User
) -> InterviewInvitation:
    invitation = _locked_invitation(invitation)
    if not invitation.employer_can_answer_proposal():
        raise JobError(_("There is no proposed time to accept."))
    _future(invitation.proposed_at)
    invitation.scheduled_at = invitation.proposed_at
    invitation.status = InterviewInvitation.Status.ACCEPTED
    invitation.reminded_at = None
    invitation.save(
        update_fields=["scheduled_at", "status", "reminded_at", "updated_at"]
    )
    _event(invitation, InvitationEvent.Action.ACCEPTED, by_employer=True)
    audit(by, "jobs.invitation.time_agreed", invitation)
    _tell_seeker(invitation, "invitation_time_agreed")
    return invitation


@transaction.atomic
def reschedule_invitation(
    invitation: InterviewInvitation,
    *,
    by: User,
    scheduled_at: datetime.datetime,
    note: str = "",
) -> InterviewInvitation:
    """The employer offers a new time; the seeker answers again."""
    invitation = _locked_invitation(invitation)
    if not invitation.is_open:
        raise JobError(_("This invitation is closed."))
    _future(scheduled_at)
    invitation.scheduled_at = scheduled_at
    invitation.status = InterviewInvitation.Status.SENT
    invitation.reminded_at = None
    invitation.save(
        update_fields=["scheduled_at", "status", "reminded_at", "updated_at"]
    )
    _event(invitation, InvitationEvent.Action.RESCHEDULED, by_employer=True, note=note)
    audit(by, "jobs.invitation.rescheduled", invitation)
    _tell_seeker(invitation, "invitation_sent")
    return invitation


@transaction.atomic
def cancel_invitation(
    invitation: InterviewInvitation, *, by: User, note: str = ""
) -> InterviewInvitation:
    invitation = _locked_invitation(invitation)
    if not invitation.is_open:
        raise JobError(_("This invitation is closed."))
    invitation.status = InterviewInvitation.Status.CANCELLED
    invitation.save(update_fields=["status", "updated_at"])
    _event(invitation, InvitationEvent.Action.CANCELLED, by_employer=True, note=note)
    audit(by, "jobs.invitation.cancelled", invitation)
    _tell_seeker(invitation, "invitation_cancelled")
    return invitation


def send_interview_reminders(hours_ahead: int = 24) -> int:
    """Remind both sides of accepted interviews starting within `hours_ahead`
    hours, once each (scheduled task; safe to run twice)."""
    now = timezone.now()
    due = InterviewInvitation.objects.filter(
        status=InterviewInvitation.Status.ACCEPTED,
        reminded_at__isnull=True,
        scheduled_at__gt=now,
        scheduled_at__lte=now + datetime.timedelta(hours=hours_ahead),
    )
    sent = 0
    for invitation in due.select_related("posting__employer", "person__user"):
        with transaction.atomic():
            invitation = _locked_invitation(invitation)
            if invitation.reminded_at is not None:
                continue
            invitation.reminded_at = timezone.now()
            invitation.save(update_fields=["reminded_at"])
            _event(invitation, InvitationEvent.Action.REMINDED, by_employer=False)
            _tell_seeker(invitation, "interview_reminder")
            _tell_employer(invitation, "interview_reminder")
            sent += 1
    return sent
