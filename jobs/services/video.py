"""Video interviews: the room of an invitation, entering it, the signalling mailbox,
the outcome and the ratings (docs/video-interviews.md)."""

import datetime
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from jobs.errors import JobError
from jobs.models import (
    MAX_INTERVIEWERS,
    Application,
    InterviewInvitation,
    VideoPresence,
    VideoRoom,
    VideoSignal,
)
from jobs.models.video import (
    PRESENT_SECONDS,
    SIGNAL_BURST,
    SIGNAL_BURST_SECONDS,
    SIGNAL_MAX_BYTES,
    SIGNAL_SECONDS,
)
from jobs.services.applications import set_application_status
from portal.audit import audit
from portal.models import User
from portal.services import notify

# How long a walk-in call's room stays open after the seeker is called in.
WALK_IN_MINUTES = 30


def window(scheduled_at: datetime.datetime) -> tuple[datetime.datetime, ...]:
    before = datetime.timedelta(minutes=settings.VIDEO_ROOM_OPENS_BEFORE_MINUTES)
    after = datetime.timedelta(minutes=settings.VIDEO_ROOM_CLOSES_AFTER_MINUTES)
    return scheduled_at - before, scheduled_at + after


def _check_interviewers(interviewers, employer_id) -> list[User]:
    interviewers = list(dict.fromkeys(interviewers))
    if not interviewers:
        raise JobError(_("Name at least one interviewer."))
    if len(interviewers) > MAX_INTERVIEWERS:
        raise JobError(
            _("At most %(count)d interviewers.") % {"count": MAX_INTERVIEWERS}
        )
    for user in interviewers:
        if not (user.is_employer_staff and user.employer_id == employer_id):
            raise JobError(_("Interviewers are your organisation's own staff."))
        if not user.is_active:
            raise JobError(_("Interviewers are your organisation's own staff."))
    return interviewers


def prepare_video_room(
    invitation: InterviewInvitation, *, interviewers: list[User]
) -> VideoRoom:
    """The room of an invitation with a video interview in the portal, made with
    the invitation; it opens only once the invitation is accepted (called inside
    invite_to_interview's transaction, which audits)."""
    employer_id = invitation.posting.employer_id
    interviewers = _check_interviewers(interviewers, employer_id)
    opens_at, closes_at = window(invitation.scheduled_at)
    room = VideoRoom.objects.create(
        invitation=invitation,
        employer_id=employer_id,
        seeker=invitation.person.user,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    room.interviewers.set(interviewers)
    return room


def move_video_room(invitation: InterviewInvitation) -> None:
    """The invitation's time changed: its room follows (inside the service that
    changed it, which audits)."""
    opens_at, closes_at = window(invitation.scheduled_at)
    VideoRoom.objects.filter(invitation=invitation).update(
        opens_at=opens_at, closes_at=closes_at
    )


def open_time_refusal(room: VideoRoom) -> str:
    """Why a member cannot enter now, with the time the room opens."""
    if not room.is_live:
        return _("This interview is not confirmed: the room is closed.")
    now = timezone.now()
    if now < room.opens_at:
        when = formats.date_format(timezone.localtime(room.opens_at), "DATETIME_FORMAT")
        return _("The room opens at %(time)s.") % {"time": when}
    if now >= room.closes_at:
        return _("The room closed at %(time)s.") % {
            "time": formats.date_format(
                timezone.localtime(room.closes_at), "DATETIME_FORMAT"
            )
        }
    return ""


def _check_can_enter(room: VideoRoom, user: User) -> None:
    if not room.is_member(user):
        raise JobError(_("This room is only for the interview's two sides."))
    refusal = open_time_refusal(room)
    if refusal:
        raise JobError(refusal)


def _mailbox_cursor(room: VideoRoom) -> int:
    return VideoSignal.objects.filter(room=room).aggregate(last=Max("id"))["last"] or 0


@transaction.atomic
def enter_video_room(room: VideoRoom, *, by: User) -> int:
    """A member's browser joins: they are present, and the mailbox is read from
    now on (what was sent before the join is not replayed). Returns the cursor."""
    _check_can_enter(room, by)
    now = timezone.now()
    presence, created = VideoPresence.objects.get_or_create(
        room=room, user=by, defaults={"joined_at": now, "last_seen_at": now}
    )
    if not created:
        presence.joined_at = presence.last_seen_at = now
        presence.save(update_fields=["joined_at", "last_seen_at"])
    audit(by, "jobs.video.entered", room)
    _mark_held(room, now)
    return _mailbox_cursor(room)


def _present(room: VideoRoom, now) -> list[int]:
    since = now - datetime.timedelta(seconds=PRESENT_SECONDS)
    return list(
        VideoPresence.objects.filter(room=room, last_seen_at__gte=since).values_list(
            "user_id", flat=True
        )
    )


def _mark_held(room: VideoRoom, now, present=None) -> None:
    """Held: the seeker and an interviewer were in the room together once."""
    if room.held_at is not None:
        return
    present = set(present if present is not None else _present(room, now))
    if room.seeker_id in present and len(present) > 1:
        VideoRoom.objects.filter(pk=room.pk, held_at__isnull=True).update(held_at=now)
        room.held_at = now


def poll_video_room(room: VideoRoom, *, by: User, after: int) -> dict:
    """One poll of the mailbox: the messages for this member after `after`
    (younger than SIGNAL_SECONDS), who is present, and the new cursor. The
    member's presence is refreshed at most every few seconds (a write per poll
    would cost more than the poll)."""
    _check_can_enter(room, by)
    now = timezone.now()
    VideoPresence.objects.filter(
        room=room,
        user=by,
        last_seen_at__lt=now - datetime.timedelta(seconds=PRESENT_SECONDS / 4),
    ).update(last_seen_at=now)
    signals = list(
        VideoSignal.objects.filter(
            room=room,
            id__gt=after,
            created_at__gte=now - datetime.timedelta(seconds=SIGNAL_SECONDS),
        )
        .exclude(sender=by)
        .filter(Q(recipient=by) | Q(recipient__isnull=True))
        .order_by("id")
        .values("id", "sender_id", "kind", "payload")[:200]
    )
    present = _present(room, now)
    _mark_held(room, now, present)
    cursor = signals[-1]["id"] if signals else after
    return {"cursor": cursor, "signals": signals, "present": present}


def send_video_signal(
    room: VideoRoom,
    *,
    by: User,
    nonce: str,
    kind: str,
    payload: str,
    recipient_id: int | None = None,
) -> bool:
    """Put a message in the mailbox. Only from a member who has joined, while the
    room is open, to another member, no larger than SIGNAL_MAX_BYTES, and at most
    SIGNAL_BURST of theirs in SIGNAL_BURST_SECONDS (refused with `retry_after`).
    The same nonce twice from one sender (a replay or a retried request) stores
    nothing: False."""
    _check_can_enter(room, by)
    if kind not in VideoSignal.Kind.values:
        raise JobError(_("Unknown signalling message."))
    if not nonce or len(nonce) > 40 or "\x00" in nonce + payload:
        raise JobError(_("Unknown signalling message."))
    if len(payload.encode()) > SIGNAL_MAX_BYTES:
        raise JobError(_("The signalling message is too large."))
    if recipient_id is not None:
        members = {room.seeker_id, *room.interviewers.values_list("pk", flat=True)}
        if recipient_id not in members or recipient_id == by.pk:
            raise JobError(_("Unknown signalling message."))
    # A member still signalling is present, even when another of their tabs left.
    VideoPresence.objects.get_or_create(room=room, user=by)
    with transaction.atomic():
        # The member's presence row, locked, puts their messages in single file:
        # two parallel requests cannot both count the same free place.
        list(VideoPresence.objects.select_for_update().filter(room=room, user=by))
        now = timezone.now()
        _check_burst(room, by, now)
        try:
            with transaction.atomic():
                VideoSignal.objects.create(
                    room=room,
                    sender=by,
                    recipient_id=recipient_id,
                    nonce=nonce,
                    kind=kind,
                    payload=payload,
                    created_at=now,
                )
        except IntegrityError:
            return False
    if kind == VideoSignal.Kind.HELLO:
        # Old messages are never delivered: drop them when someone (re)joins.
        VideoSignal.objects.filter(
            room=room, created_at__lt=now - datetime.timedelta(seconds=SIGNAL_SECONDS)
        ).delete()
    return True


def _check_burst(room: VideoRoom, by: User, now) -> None:
    since = now - datetime.timedelta(seconds=SIGNAL_BURST_SECONDS)
    recent = VideoSignal.objects.filter(room=room, sender=by, created_at__gt=since)
    times = list(
        recent.order_by("-created_at").values_list("created_at", flat=True)[
            :SIGNAL_BURST
        ]
    )
    if len(times) >= SIGNAL_BURST:
        # Free again when the oldest of the last SIGNAL_BURST leaves the window.
        wait = (times[-1] - since).total_seconds()
        raise JobError(
            _("Too many signalling messages at once: wait a moment."),
            retry_after=max(1, math.ceil(wait)),
        )


def leave_video_room(room: VideoRoom, *, by: User) -> None:
    """The member hung up: no longer present (the page also says bye to peers)."""
    VideoPresence.objects.filter(room=room, user=by).delete()


OUTCOME_MOVES = {
    VideoRoom.Outcome.HIRE: Application.Status.HIRED,
    VideoRoom.Outcome.NOT_SUITABLE: Application.Status.NOT_SUITABLE,
}


@transaction.atomic
def record_video_outcome(
    room: VideoRoom, *, by: User, outcome: str, note: str = ""
) -> VideoRoom:
    """录用 / 待定 / 不合适, by one of the room's interviewers once the room has
    opened. Hire and not suitable move the application in the pipeline and are
    final; undecided may be decided later. The seeker is told."""
    room = VideoRoom.objects.select_for_update().get(pk=room.pk)
    if not room.is_interviewer(by):
        raise JobError(_("Only the interviewers record the outcome."))
    if not room.has_opened():
        raise JobError(open_time_refusal(room))
    if outcome not in VideoRoom.Outcome.values:
        raise JobError(_("Choose an outcome."))
    if room.outcome in OUTCOME_MOVES:
        raise JobError(_("The outcome is already recorded."))
    room.outcome = outcome
    room.outcome_note = note.strip()[:500]
    room.outcome_at = timezone.now()
    room.save(update_fields=["outcome", "outcome_note", "outcome_at"])
    application = room.invitation.application if room.invitation_id else None
    if application is not None and outcome in OUTCOME_MOVES:
        application = Application.objects.select_for_update().get(pk=application.pk)
        if OUTCOME_MOVES[outcome] in application.next_statuses():
            set_application_status(application, OUTCOME_MOVES[outcome])
            audit(
                by,
                "jobs.application.moved",
                application,
                data={"to": OUTCOME_MOVES[outcome]},
            )
    audit(by, "jobs.video.outcome_recorded", room, data={"outcome": outcome})
    notify(
        room.seeker,
        "video_outcome",
        {"room": room, "employer": room.employer},
        url=room.get_absolute_url(),
    )
    return room


@transaction.atomic
def rate_video_call(room: VideoRoom, *, by: User, rating: int) -> VideoRoom:
    """Either side rates the call's quality, 1 to 5, once the room has opened;
    a second rating replaces the first."""
    if not room.is_member(by):
        raise JobError(_("This room is only for the interview's two sides."))
    if not room.has_opened():
        raise JobError(open_time_refusal(room))
    if rating not in range(1, 6):
        raise JobError(_("Rate from 1 to 5."))
    field = "seeker_rating" if by.pk == room.seeker_id else "employer_rating"
    VideoRoom.objects.filter(pk=room.pk).update(**{field: rating})
    setattr(room, field, rating)
    audit(by, "jobs.video.rated", room, data={"rating": rating})
    return room


def open_walk_in_room(*, employer_id: int, seeker: User, by: User) -> VideoRoom:
    """A room open from now for a walk-in call (a fair's remote booth), with the
    staff member who called the seeker in as interviewer (the calling service
    audits)."""
    _check_interviewers([by], employer_id)
    now = timezone.now()
    room = VideoRoom.objects.create(
        employer_id=employer_id,
        seeker=seeker,
        opens_at=now,
        closes_at=now + datetime.timedelta(minutes=WALK_IN_MINUTES),
    )
    room.interviewers.set([by])
    return room
