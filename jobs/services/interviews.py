"""Interview invitations, employer first, with their history and reminders."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.errors import JobError
from jobs.models import (
    Application,
    InterviewInvitation,
    InvitationEvent,
    JobPosting,
    Resume,
)
from jobs.services.applications import set_application_status
from jobs.services.video import move_video_room, prepare_video_room
from portal.audit import audit
from portal.models import User
from portal.services import notify, notify_employer_staff


def _event(invitation, action, *, by_employer, note="", time=None):
    InvitationEvent.objects.create(
        invitation=invitation,
        action=action,
        by_employer=by_employer,
        note=note[:300],
        time=time or invitation.scheduled_at,
    )


def _tell_seeker(invitation, template):
    if invitation.person.user is None:  # in the registry without an account
        return
    notify(
        invitation.person.user,
        template,
        {"invitation": invitation, "posting": invitation.posting},
        url=invitation.get_absolute_url(),
    )


def _tell_employer(invitation, template):
    employer = invitation.posting.employer
    notify_employer_staff(
        employer,
        template,
        {
            "invitation": invitation,
            "posting": invitation.posting,
            "seeker_name": invitation.resume.name_for(employer.pk),
        },
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
    portal_video: bool = False,
    interviewers: list[User] | None = None,
    met_in_hall: bool = False,
) -> InterviewInvitation:
    """The employer invites first. The seeker must have applied to the employer or
    made the resume public, or (`met_in_hall`, checked by the caller) be checked in
    today at the recruiting hall where the employer sits at a desk; one open
    invitation per person and posting. With `portal_video` the interview is held in
    the portal's video room, by the interviewers named (the inviting person when
    none are)."""
    if posting.employer_id != by.employer_id or not posting.is_public:
        raise JobError(_("Invite for one of your own open postings."))
    if not met_in_hall and not resume.can_be_read_by(by):
        raise JobError(_("This resume is not open to your organisation."))
    if not (place.strip() or video_url.strip() or portal_video):
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
                portal_video=portal_video,
                invited_by=by,
            )
    except IntegrityError as error:
        raise JobError(
            _("This person already has an open invitation for this job.")
        ) from error
    if portal_video:
        prepare_video_room(invitation, interviewers=interviewers or [by])
    if application is not None and "interview" in application.next_statuses():
        set_application_status(application, Application.Status.INTERVIEW)
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
    return _seeker_answers(invitation, by=by, answer=InvitationEvent.Action.ACCEPTED)


@transaction.atomic
def decline_invitation(
    invitation: InterviewInvitation, *, by: User, note: str = ""
) -> InterviewInvitation:
    return _seeker_answers(
        invitation, by=by, answer=InvitationEvent.Action.DECLINED, note=note
    )


def _seeker_answers(invitation, *, by, answer, note=""):
    """Accepted or declined: the status, the event and the audit share the name."""
    invitation = _locked_invitation(invitation)
    if not invitation.seeker_can_reply():
        raise JobError(_("This invitation can no longer be answered."))
    invitation.status = answer
    invitation.save(update_fields=["status", "updated_at"])
    _event(invitation, answer, by_employer=False, note=note)
    audit(by, f"jobs.invitation.{answer}", invitation)
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
    move_video_room(invitation)
    _event(invitation, InvitationEvent.Action.AGREED, by_employer=True)
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
    move_video_room(invitation)
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
