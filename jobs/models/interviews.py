import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models.applications import Application
from jobs.models.postings import JobPosting
from jobs.models.resumes import Resume
from portal.models import Person, TimeStamped


class InterviewInvitation(TimeStamped):
    """An employer invites a seeker to an interview at a time and place; the seeker
    accepts, declines or proposes another time. Both see every step (events)."""

    class Status(models.TextChoices):
        SENT = "sent", _("Awaiting reply")
        PROPOSED = "proposed", _("Another time proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    posting = models.ForeignKey(
        JobPosting,
        verbose_name=_("job posting"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("job seeker"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    resume = models.ForeignKey(
        Resume, verbose_name=_("resume"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    scheduled_at = models.DateTimeField(_("interview time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video meeting link"), blank=True)
    # A video interview in the portal's own room (jobs/models/video.py).
    portal_video = models.BooleanField(
        _("video interview in the portal"), default=False
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    proposed_at = models.DateTimeField(
        _("time proposed by the seeker"), null=True, blank=True
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interview invitation")
        verbose_name_plural = _("interview invitations")
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url="") | Q(portal_video=True),
                name="invitation_has_place_or_link",
            ),
            # One open invitation per person and posting.
            models.UniqueConstraint(
                fields=["posting", "person"],
                condition=Q(status__in=["sent", "proposed", "accepted"]),
                name="invitation_one_open_per_posting",
            ),
        ]
        indexes = [
            models.Index(
                fields=["scheduled_at"],
                condition=Q(status="accepted", reminded_at__isnull=True),
                name="invitation_reminder_due",
            )
        ]

    def __str__(self):
        return f"{self.person.name} · {self.posting.title}"

    def get_absolute_url(self):
        return reverse("jobs:invitation_detail", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status in (
            self.Status.SENT,
            self.Status.PROPOSED,
            self.Status.ACCEPTED,
        )

    @property
    def is_past(self) -> bool:
        return self.scheduled_at < timezone.now()

    def seeker_can_reply(self) -> bool:
        return self.status == self.Status.SENT and not self.is_past

    def employer_can_answer_proposal(self) -> bool:
        return self.status == self.Status.PROPOSED


def people_known_to(employer_id: int | None):
    """The people whose full name and phone an employer may see: those with a live
    application to one of its postings and those who accepted one of its interview
    invitations. Everyone else reaches the employer with a masked name."""
    if employer_id is None:
        return Person.objects.none()
    applied = Application.objects.for_employer(employer_id).values("person_id")
    accepted = InterviewInvitation.objects.filter(
        posting__employer_id=employer_id,
        status=InterviewInvitation.Status.ACCEPTED,
    ).values("person_id")
    return Person.objects.filter(Q(pk__in=applied) | Q(pk__in=accepted))


class InvitationEvent(models.Model):
    """One step in an invitation's history, shown to both sides."""

    class Action(models.TextChoices):
        SENT = "sent", _("Invitation sent")
        ACCEPTED = "accepted", _("Accepted")
        AGREED = "agreed", _("Agreed to the proposed time")
        DECLINED = "declined", _("Declined")
        PROPOSED = "proposed", _("Proposed another time")
        RESCHEDULED = "rescheduled", _("New time offered")
        CANCELLED = "cancelled", _("Cancelled")
        REMINDED = "reminded", _("Reminder sent")

    invitation = models.ForeignKey(
        InterviewInvitation, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("what happened"), max_length=12, choices=Action.choices)
    by_employer = models.BooleanField(_("by the employer"), default=False)
    time = models.DateTimeField(_("interview time"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation event")
        verbose_name_plural = _("invitation events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"
