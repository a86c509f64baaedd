"""The smart recruiting hall (智慧招聘大厅): a hall with its terminals (self-service
resume kiosks, employer desks, screens), the people who checked in at a kiosk, what
employers at the desks did with them, and the figures its screen shows
(docs/recruiting-hall.md)."""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs.models import InterviewInvitation
from portal.models import Employer, OrgUnit, Person, TimeStamped, scope_filter


def token_digest(secret: str) -> str:
    """What is kept of a device token: its SHA-256 (the secret is 256 random bits,
    so a fast hash is enough; nobody can guess it from the digest)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class HallQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        return self.filter(scope) if scope is not None else self.none()


class Hall(TimeStamped):
    """A recruiting hall at any level (city, district, street, community), like a
    bank branch with its ATMs."""

    name = models.CharField(_("name"), max_length=120)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="halls",
    )
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=120,
        help_text=_(
            "As shown to the public, e.g. “周一至周五 9:00–12:00，14:00–17:00”."
        ),
    )
    is_open = models.BooleanField(_("in service"), default=True)
    closes_at = models.TimeField(
        _("closing time"),
        default=datetime.time(17, 30),
        help_text=_(
            "Every day after this time, employers still signed in at the desks are "
            "signed out and kiosk sessions left open are ended."
        ),
    )

    objects = HallQuerySet.as_manager()

    class Meta:
        verbose_name = _("recruiting hall")
        verbose_name_plural = _("recruiting halls")
        ordering = ["org_unit__code", "name"]

    def __str__(self):
        return self.name


class TerminalQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "hall__org_unit")
        return self.filter(scope) if scope is not None else self.none()


class Terminal(TimeStamped):
    """A device of a hall. Its browser holds a device token (a random secret in a
    long-lived HttpOnly cookie, kept here only as a digest) set when a caseworker
    enrols it; revoking clears the digest."""

    class Kind(models.TextChoices):
        KIOSK = "kiosk", _("Self-service resume kiosk")
        DESK = "desk", _("Employer desk")
        SCREEN = "screen", _("Market screen")

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("recruiting hall"),
        on_delete=models.PROTECT,
        related_name="terminals",
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind)
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. “1号自助机”."))
    booth = models.CharField(
        _("booth number"),
        max_length=10,
        blank=True,
        help_text=_("For an employer desk: the booth it stands at, e.g. 64."),
    )
    token_digest = models.CharField(max_length=64, blank=True, editable=False)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    # The employer signed in at a desk, and the day.
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer at the desk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    employer_day = models.DateField(_("employer at the desk on"), null=True, blank=True)
    # The employer's login on this device, ended when the hall closes.
    employer_session_key = models.CharField(max_length=40, blank=True, editable=False)

    objects = TerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("hall terminal")
        verbose_name_plural = _("hall terminals")
        ordering = ["hall", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_digest"],
                condition=~Q(token_digest=""),
                name="terminal_token_unique",
            ),
            models.UniqueConstraint(
                fields=["hall", "name"], name="terminal_name_per_hall"
            ),
            models.CheckConstraint(
                condition=~Q(kind="desk") | ~Q(booth=""),
                name="terminal_desk_has_booth",
            ),
        ]

    def __str__(self):
        return f"{self.hall.name} · {self.name}"

    @property
    def is_enrolled(self) -> bool:
        return bool(self.token_digest)

    def employer_today(self) -> int | None:
        """The id of the employer signed in at this desk today, if any."""
        if self.employer_day == timezone.localdate():
            return self.employer_id
        return None


class KioskSession(models.Model):
    """One person at a kiosk, from the ID number to “done” or 60 s idle. The kiosk's
    browser holds nothing of it: the terminal has at most one open session."""

    class Factor(models.TextChoices):
        SMS = "sms", _("Code by SMS")
        NAME = "name", _("Name confirmed")

    terminal = models.ForeignKey(
        Terminal,
        verbose_name=_("kiosk"),
        on_delete=models.PROTECT,
        related_name="kiosk_sessions",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    code_digest = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    factor = models.CharField(
        _("second factor"), max_length=4, choices=Factor, blank=True
    )
    verified_at = models.DateTimeField(
        _("identity confirmed at"), null=True, blank=True
    )
    resume_made_at = models.DateTimeField(_("resume made at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk session")
        verbose_name_plural = _("kiosk sessions")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal"],
                condition=Q(ended_at__isnull=True),
                name="kiosk_one_open_session",
            )
        ]

    def __str__(self):
        return f"{self.terminal} · {self.started_at:%Y-%m-%d %H:%M}"

    def is_idle(self, moment: datetime.datetime | None = None) -> bool:
        idle = datetime.timedelta(seconds=settings.HALL_KIOSK["idle_seconds"])
        return (moment or timezone.now()) - self.last_activity_at > idle


class HallCheckIn(models.Model):
    """A person present in the hall today, checked in at a kiosk. With
    `shares_resume` the employers at the desks see the full resume today."""

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("recruiting hall"),
        on_delete=models.PROTECT,
        related_name="check_ins",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    shares_resume = models.BooleanField(
        _("full resume shown to employers today"), default=False
    )

    class Meta:
        verbose_name = _("hall check-in")
        verbose_name_plural = _("hall check-ins")
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "day", "person"], name="check_in_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.hall} · {self.day} · {self.person.masked_name}"


class DeskContact(TimeStamped):
    """What one employer at a desk did with one person checked in: favourite,
    interview invitation, result."""

    class Outcome(models.TextChoices):
        INTENTION = "intention", _("Preliminary intention (初步达成意向)")
        HIRED = "hired", pgettext_lazy("hall outcome", "Hired")
        UNSUITABLE = "unsuitable", _("Not suitable")

    check_in = models.ForeignKey(
        HallCheckIn,
        verbose_name=_("hall check-in"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    desk = models.ForeignKey(
        Terminal,
        verbose_name=_("desk"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    is_favourite = models.BooleanField(_("favourite"), default=False)
    invitation = models.ForeignKey(
        InterviewInvitation,
        verbose_name=_("interview invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome, blank=True)
    outcome_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("desk contact")
        verbose_name_plural = _("desk contacts")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "employer"], name="desk_contact_once"
            )
        ]

    def __str__(self):
        return f"{self.employer} · {self.check_in}"


class HallFigures(models.Model):
    """The figures a hall's screen shows, as last computed (no personal data):
    the screen's endpoint reads this one row."""

    hall = models.OneToOneField(
        Hall, on_delete=models.CASCADE, related_name="figures", primary_key=True
    )
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hall screen figures")
        verbose_name_plural = _("hall screen figures")

    def __str__(self):
        return f"{self.hall} · {self.computed_at:%H:%M:%S}"
