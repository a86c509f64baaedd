"""The video room: the page, and the small JSON endpoints its script polls and posts
to. Members only (the seeker and the interviewers named); anyone else gets the
page-not-found answer, so a room never tells a stranger it exists."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jobs import services
from jobs.forms import VideoOutcomeForm, VideoRatingForm
from jobs.models import VideoRoom, ice_servers
from jobs.models.video import PRESENT_SECONDS, SIGNAL_MAX_BYTES
from jobs.services.video import open_time_refusal

MAX_CURSOR = 2**63 - 1  # a bigint: anything larger is refused by PostgreSQL
# Only the room page may use the camera and microphone (and not in frames).
ROOM_PERMISSIONS = "camera=(self), microphone=(self), display-capture=()"


def _member_room(request, code) -> VideoRoom:
    room = get_object_or_404(
        VideoRoom.objects.select_related(
            "invitation__posting", "invitation__resume__person", "employer", "seeker"
        ),
        code=code,
    )
    if not room.is_member(request.user):
        raise Http404
    return room


def _names(room: VideoRoom) -> dict[int, str]:
    """What each member is called on the page. The seeker's name is known to the
    employer once an invitation is accepted (jobs.models.people_known_to)."""
    seeker = room.seeker.get_full_name() or _("Job seeker")
    if room.invitation_id:
        seeker = room.invitation.resume.person.name
    names = {room.seeker_id: seeker}
    for user in room.interviewers.all():
        names[user.pk] = _("%(name)s (interviewer)") % {
            "name": user.get_full_name() or user.username
        }
    return names


@never_cache
@login_required
def video_room(request, code):
    """The room's page, for its members: the waiting room, the call, and after
    it the outcome (interviewers) and the rating (both)."""
    room = _member_room(request, code)
    is_interviewer = room.is_interviewer(request.user)
    refusal = open_time_refusal(room)
    names = _names(room)
    config = {
        "me": request.user.pk,
        "names": {str(pk): name for pk, name in names.items()},
        "seeker": room.seeker_id,
        "iceServers": ice_servers(request.user) if not refusal else [],
        "iceTransportPolicy": "relay" if settings.VIDEO_RELAY_ONLY else "all",
        "presentSeconds": PRESENT_SECONDS,
        "maxBytes": SIGNAL_MAX_BYTES,
        "closesAt": room.closes_at.isoformat(),
    }
    expected = room.invitation.scheduled_at if room.invitation_id else room.opens_at
    text = {
        "ready": _("Camera and microphone work. Join when you are ready."),
        "noCamera": _("No camera found: you will join with sound only."),
        "cameraLost": _("The camera could not be opened: the call goes on with sound."),
        "waiting": _("Waiting for the other side, expected at %(time)s.")
        % {"time": formats.time_format(timezone.localtime(expected), "TIME_FORMAT")},
        "connecting": _("Connecting…"),
        "connected": _("Connected."),
        "reconnecting": _("The connection dropped; reconnecting…"),
        "here": _("here"),
        "away": _("not here yet"),
        "audioOnly": _("The connection is too weak for video: sound only."),
        "good": pgettext("connection quality", "Good"),
        "fair": pgettext("connection quality", "Fair"),
        "poor": pgettext("connection quality", "Poor"),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "cameraOff": _("Camera off"),
        "cameraOn": _("Camera on"),
        "left": _("You left the room. Reload the page to join again."),
        "video": _("Video of %(name)s"),
    }
    context = {
        "room": room,
        "text": text,
        "invitation": room.invitation,
        "is_interviewer": is_interviewer,
        "refusal": refusal,
        "names": names.values(),
        "other_side": [name for pk, name in names.items() if pk != request.user.pk],
        "config": config,
        "outcome_form": VideoOutcomeForm(prefix="outcome"),
        "rating_form": VideoRatingForm(prefix="rating"),
        "can_record": is_interviewer and room.has_opened(),
        "can_rate": room.has_opened(),
    }
    response = render(request, "jobs/video_room.html", context)
    response["Permissions-Policy"] = ROOM_PERMISSIONS
    return response


def _refused(error) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=403)


@require_POST
@login_required
def video_join(request, code):
    """Members, while the room is open: enters and returns the mailbox cursor."""
    room = _member_room(request, code)
    try:
        cursor = services.enter_video_room(room, by=request.user)
    except services.JobError as error:
        return _refused(error)
    return JsonResponse({"cursor": cursor})


@never_cache
@require_GET
@login_required
def video_poll(request, code):
    """Members, while the room is open: the messages after ?after= and who is
    present."""
    room = _member_room(request, code)
    try:
        after = min(max(int(request.GET.get("after", "0")), 0), MAX_CURSOR)
    except ValueError:
        after = 0
    try:
        data = services.poll_video_room(room, by=request.user, after=after)
    except services.JobError as error:
        return _refused(error)
    return JsonResponse(data)


@require_POST
@login_required
def video_signal(request, code):
    """Members who joined, while the room is open: one message, JSON {nonce, kind,
    payload, to}, at most SIGNAL_MAX_BYTES of payload; 429 with `retry_after`
    beyond the member's SIGNAL_BURST."""
    room = _member_room(request, code)
    if len(request.body) > SIGNAL_MAX_BYTES + 1024:
        return JsonResponse({"error": _("Too large.")}, status=413)
    try:
        message = json.loads(request.body)
        recipient = message.get("to")
        stored = services.send_video_signal(
            room,
            by=request.user,
            nonce=str(message.get("nonce", "")),
            kind=str(message.get("kind", "")),
            payload=str(message.get("payload", "")),
            recipient_id=int(recipient) if recipient is not None else None,
        )
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"error": _("Unknown signalling message.")}, status=400)
    except services.JobError as error:
        if error.retry_after:
            response = JsonResponse(
                {"error": str(error), "retry_after": error.retry_after}, status=429
            )
            response["Retry-After"] = str(error.retry_after)
            return response
        return _refused(error)
    return JsonResponse({"stored": stored})


@require_POST
@login_required
def video_leave(request, code):
    """Members: hung up."""
    room = _member_room(request, code)
    services.leave_video_room(room, by=request.user)
    return JsonResponse({"left": True})


@require_POST
@login_required
def video_outcome(request, code):
    """The room's interviewers, once it has opened: 录用 / 待定 / 不合适."""
    room = _member_room(request, code)
    form = VideoOutcomeForm(request.POST, prefix="outcome")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(room)
    try:
        services.record_video_outcome(
            room,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except services.JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The outcome is recorded; the seeker is told."))
    return redirect(room)


@require_POST
@login_required
def video_rate(request, code):
    """Both sides, once the room has opened: the call's quality, 1 to 5."""
    room = _member_room(request, code)
    form = VideoRatingForm(request.POST, prefix="rating")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(room)
    try:
        services.rate_video_call(
            room, by=request.user, rating=int(form.cleaned_data["rating"])
        )
    except services.JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you for rating the call."))
    return redirect(room)
