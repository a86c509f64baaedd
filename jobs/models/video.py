"""Video interviews in the portal: a room per invitation (or per remote booth call),
its members, who is there, and a signalling mailbox the browsers poll
(docs/video-interviews.md)."""

import base64
import hashlib
import hmac
import time
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models.interviews import InterviewInvitation

MAX_INTERVIEWERS = 3
# A member whose browser has not polled for this long is no longer "here".
PRESENT_SECONDS = 12
# Signalling messages older than this are neither delivered nor kept.
SIGNAL_SECONDS = 60
# The largest signalling message: an SDP offer with video and audio is 3 to 6 KB.
SIGNAL_MAX_BYTES = 16 * 1024
# At most this many signalling messages per member and room in any SIGNAL_BURST_SECONDS:
# a call's setup sends a hello, an offer or answer and its ICE candidates (10 from one
# browser with two network interfaces in the browser test; a phone with Wi-Fi, mobile
# data, IPv6 and TURN may send 30) to each of up to three others.
SIGNAL_BURST = 120
SIGNAL_BURST_SECONDS = 10


def ice_servers(user, now: float | None = None) -> list[dict]:
    """RTCPeerConnection's iceServers from the settings. TURN logins follow the
    TURN REST API that coturn's use-auth-secret checks: the username is
    "<expiry unix time>:<user id>", the password base64(HMAC-SHA1(secret,
    username)); they expire by themselves (docs/video-interviews.md)."""
    servers = []
    if settings.VIDEO_STUN_URLS:
        servers.append({"urls": settings.VIDEO_STUN_URLS})
    if settings.VIDEO_TURN_URLS and settings.VIDEO_TURN_SECRET:
        expiry = int(now if now is not None else time.time()) + settings.VIDEO_TURN_TTL
        username = f"{expiry}:{user.pk}"
        digest = hmac.new(
            settings.VIDEO_TURN_SECRET.encode(), username.encode(), hashlib.sha1
        ).digest()
        servers.append(
            {
                "urls": settings.VIDEO_TURN_URLS,
                "username": username,
                "credential": base64.b64encode(digest).decode(),
            }
        )
    return servers


class VideoRoom(models.Model):
    """Where two sides meet by video: the seeker and up to three of the employer's
    interviewers. Open from `opens_at` to `closes_at`, and for an invitation only
    while it is accepted. Nothing of the call is recorded."""

    class Outcome(models.TextChoices):
        HIRE = "hire", _("Hire")
        PENDING = "pending", _("Undecided")
        NOT_SUITABLE = "not_suitable", _("Not suitable")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invitation = models.OneToOneField(
        InterviewInvitation,
        verbose_name=_("interview invitation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="video_room",
    )
    employer = models.ForeignKey(
        "portal.Employer",
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job seeker"),
        on_delete=models.CASCADE,
        related_name="video_rooms",
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewers"),
        related_name="interviewer_rooms",
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # Set once when both sides were first in the room together: an interview held.
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    outcome_note = models.CharField(
        _("note on the outcome"), max_length=500, blank=True
    )
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    employer_rating = models.PositiveSmallIntegerField(
        _("call quality (employer)"), null=True, blank=True
    )
    seeker_rating = models.PositiveSmallIntegerField(
        _("call quality (job seeker)"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("video room")
        verbose_name_plural = _("video rooms")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="video_room_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(employer_rating__isnull=True)
                | Q(employer_rating__range=(1, 5)),
                name="video_room_employer_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(seeker_rating__isnull=True)
                | Q(seeker_rating__range=(1, 5)),
                name="video_room_seeker_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["held_at"], name="video_room_held")]

    def __str__(self):
        return f"{self.employer} · {self.opens_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("jobs:video_room", args=[self.code])

    def is_member(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if user.pk == self.seeker_id:
            return True
        return (
            user.is_employer_staff
            and user.employer_id == self.employer_id
            and self.interviewers.filter(pk=user.pk).exists()
        )

    def is_interviewer(self, user) -> bool:
        return user.pk != self.seeker_id and self.is_member(user)

    @property
    def is_live(self) -> bool:
        """Not cancelled, declined or waiting for an answer."""
        return (
            self.invitation_id is None
            or self.invitation.status == InterviewInvitation.Status.ACCEPTED
        )

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.is_live and self.opens_at <= moment < self.closes_at

    def has_opened(self, moment=None) -> bool:
        return self.is_live and (moment or timezone.now()) >= self.opens_at


class VideoPresence(models.Model):
    """Who is in a room now: each member's last poll (the waiting room)."""

    room = models.ForeignKey(VideoRoom, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user"], name="video_presence_once_per_member"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.last_seen_at:%H:%M:%S}"


class VideoSignal(models.Model):
    """One signalling message (an SDP offer or answer, an ICE candidate, a hello or
    a bye) from one member's browser to another's, read by polling after an id.
    `nonce` is the sender's id of the message: a replay is refused by the unique
    constraint; old messages are not delivered and are deleted."""

    class Kind(models.TextChoices):
        HELLO = "hello"
        OFFER = "offer"
        ANSWER = "answer"
        CANDIDATE = "candidate"
        BYE = "bye"

    id = models.BigAutoField(primary_key=True)
    room = models.ForeignKey(VideoRoom, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty: every other member.",
    )
    nonce = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payload = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["room", "sender", "nonce"], name="video_signal_nonce_once"
            )
        ]
        indexes = [models.Index(fields=["room", "id"], name="video_signal_mailbox")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
