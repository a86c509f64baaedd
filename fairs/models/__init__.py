import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs.models import JobPosting
from portal import city_rules
from portal.models import Employer, OrgUnit, Person, TimeStamped, scope_filter
from portal.partitioning import Monthly

AISLE = "."


class JobFairQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=JobFair.Status.PUBLISHED)

    def upcoming(self, day: datetime.date | None = None):
        return self.filter(date__gte=day or timezone.localdate())

    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        return self.filter(scope) if scope is not None else self.none()


class JobFair(TimeStamped):
    """A job fair with a booth layout: employers book booths online, the gate
    checks passes in (docs/postings-and-fairs.md, "Job fairs")."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General fair")
        GRADUATES = "graduates", _("Graduates' fair")
        GIG = "gig", _("Gig work fair")
        INDUSTRY = "industry", _("Industry fair")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", pgettext_lazy("fair", "Cancelled")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    industry = models.CharField(
        _("industry"),
        max_length=2,
        choices=Employer.Industry.choices,
        blank=True,
        help_text=_("For an industry fair."),
    )
    description = models.TextField(_("about the fair"), blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("opens at"))
    ends_at = models.TimeField(_("closes at"))
    venue = models.CharField(_("venue"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="job_fairs",
    )
    booking_opens = models.DateTimeField(_("booking opens"))
    booking_closes = models.DateTimeField(_("booking closes"))
    cancel_deadline = models.DateTimeField(
        _("free cancellation until"),
        help_text=_("Later cancellations count against the employer's points."),
    )
    checkin_starts = models.TimeField(_("employer check-in from"))
    checkin_ends = models.TimeField(
        _("employer check-in until"),
        help_text=_("A booth not signed in by then is released as a no-show."),
    )
    seeker_capacity = models.PositiveIntegerField(_("seekers admitted"), default=2000)
    verified_only = models.BooleanField(_("verified employers only"), default=True)
    max_postings = models.PositiveSmallIntegerField(
        _("job postings shown per booth"), default=5
    )
    layout = models.TextField(
        _("booth layout"),
        help_text=_(
            "One line per row of the hall, one character per cell: a zone letter "
            "for a booth, a dot for an aisle. Booths are numbered per zone (A01, "
            "A02 …) from left to right, top to bottom."
        ),
    )
    zone_labels = models.TextField(
        _("zones"),
        blank=True,
        help_text=_("One zone per line, e.g. “A=智能制造”."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )

    objects = JobFairQuerySet.as_manager()

    class Meta:
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        ordering = ["-date", "-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booking_opens__lt=models.F("booking_closes")),
                name="fair_booking_window_order",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="fair_hours_order",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.date:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("fairs:fair_detail", args=[self.pk])

    def zones(self) -> dict[str, str]:
        pairs = (line.split("=", 1) for line in self.zone_labels.splitlines())
        return {key.strip(): label.strip() for key, *rest in pairs for label in rest}

    def grid(self) -> list[list[str]]:
        return [list(line.strip()) for line in self.layout.splitlines() if line.strip()]

    def is_booking_open(self, moment: datetime.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.booking_opens <= moment < self.booking_closes
        )

    def can_cancel_freely(self, moment: datetime.datetime | None = None) -> bool:
        return (moment or timezone.now()) < self.cancel_deadline


class BoothQuerySet(models.QuerySet):
    def with_taken(self):
        """Each booth with `is_taken`: whether it has an active booking, read in the
        same query (a rush's losers are refused without another one)."""
        return self.annotate(
            is_taken=models.Exists(
                BoothBooking.objects.active().filter(booth=OuterRef("pk"))
            )
        )


class Booth(models.Model):
    fair = models.ForeignKey(
        JobFair,
        verbose_name=_("job fair"),
        on_delete=models.CASCADE,
        related_name="booths",
    )
    number = models.CharField(_("booth number"), max_length=6)
    zone = models.CharField(_("zone"), max_length=1)
    row = models.PositiveSmallIntegerField(_("row"))
    column = models.PositiveSmallIntegerField(_("column"))

    objects = BoothQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["fair", "row", "column"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "number"], name="booth_number_per_fair"
            ),
            models.UniqueConstraint(
                fields=["fair", "row", "column"], name="booth_cell_per_fair"
            ),
        ]

    def __str__(self):
        return self.number


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=BoothBooking.Status.ACTIVE)

    def for_user(self, user):
        scope = scope_filter(user, "fair__org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_employer_staff:
            return self.filter(employer_id=user.employer_id)
        return self.none()


class BoothBooking(TimeStamped):
    """An employer's booth at one fair, with the postings it shows and its entry
    pass (a signed QR token and a short typed code)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Booked")
        CANCELLED = "cancelled", pgettext_lazy("fair", "Cancelled")
        RELEASED = "released", _("Released: no-show")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fair = models.ForeignKey(
        JobFair,
        verbose_name=_("job fair"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    booth = models.ForeignKey(
        Booth,
        verbose_name=_("booth"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="booth_bookings",
    )
    postings = models.ManyToManyField(
        JobPosting, verbose_name=_("job postings shown"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.ACTIVE
    )
    short_code = models.CharField(_("entry code"), max_length=8)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    is_late_cancel = models.BooleanField(_("cancelled late"), default=False)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth booking")
        verbose_name_plural = _("booth bookings")
        ordering = ["fair", "booth__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["booth"],
                condition=Q(status="active"),
                name="booking_one_per_booth",
            ),
            models.UniqueConstraint(
                fields=["fair", "employer"],
                condition=Q(status="active"),
                name="booking_one_booth_per_employer",
            ),
            models.UniqueConstraint(
                fields=["fair", "short_code"], name="booking_short_code_per_fair"
            ),
        ]

    def __str__(self):
        return f"{self.fair.name} · {self.booth.number} · {self.employer.name}"

    def get_absolute_url(self):
        return reverse("fairs:booking_detail", args=[self.code])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def pass_token(self) -> str:
        return pass_token(self.code, "E")

    def get_booth_url(self) -> str:
        """The page behind the QR on the booth's poster (public)."""
        return settings.SITE_URL + reverse("fairs:booth_page", args=[self.code])


class SeekerPass(TimeStamped):
    """A job seeker's registration to attend, with a personal entry pass."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Registered")
        CANCELLED = "cancelled", pgettext_lazy("fair", "Cancelled")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fair = models.ForeignKey(
        JobFair,
        verbose_name=_("job fair"),
        on_delete=models.PROTECT,
        related_name="passes",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="fair_passes",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.ACTIVE
    )
    short_code = models.CharField(_("entry code"), max_length=8)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("seeker pass")
        verbose_name_plural = _("seeker passes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "person"],
                condition=Q(status="active"),
                name="pass_one_per_person_and_fair",
            ),
            models.UniqueConstraint(
                fields=["fair", "short_code"], name="pass_short_code_per_fair"
            ),
        ]

    def __str__(self):
        return f"{self.fair.name} · {self.person.masked_name}"

    def get_absolute_url(self):
        return reverse("fairs:pass_detail", args=[self.code])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def pass_token(self) -> str:
        return pass_token(self.code, "S")


class Scan(models.Model):
    """Every scan at a gate, failures included, with the reason (pretix's check-in
    model): the same client nonce sent twice by one steward at one fair is one
    scan; a supervisor can annul."""

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    class Result(models.TextChoices):
        ENTERED = "entered", _("Entered")
        SIGNED_IN = "signed_in", _("Signed in")
        SIGNED_OUT = "signed_out", _("Signed out")
        ALREADY = "already", _("Already entered")
        WRONG_FAIR = "wrong_fair", _("Wrong fair")
        REVOKED = "revoked", _("Pass revoked")
        NOT_OPEN = "not_open", _("Not open yet")
        CLOSED = "closed", _("Check-in has closed")
        UNKNOWN = "unknown", _("Unknown code")

    OK_RESULTS = {Result.ENTERED, Result.SIGNED_IN, Result.SIGNED_OUT}

    fair = models.ForeignKey(
        JobFair,
        verbose_name=_("job fair"),
        on_delete=models.PROTECT,
        related_name="scans",
    )
    booking = models.ForeignKey(
        BoothBooking,
        verbose_name=_("booth booking"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scans",
    )
    seeker_pass = models.ForeignKey(
        SeekerPass,
        verbose_name=_("seeker pass"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scans",
    )
    raw = models.CharField(_("scanned text"), max_length=200)
    nonce = models.UUIDField(_("client nonce"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction, default=Direction.IN
    )
    result = models.CharField(_("result"), max_length=12, choices=Result)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scanned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scanned_at = models.DateTimeField(_("scanned at"), auto_now_add=True, db_index=True)
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Who entered which fair when: two years
    # (docs/partitioning.md, "Retention, and why").
    partitioning = Monthly("scanned_at", keep_months=24)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-scanned_at"]
        permissions = [("annul_scan", _("Can annul a wrong scan"))]
        indexes = [
            # One scan per (nonce, fair, steward): a trigger (migration 0012) keeps
            # it across the partitions. Nonce first: the index also serves the
            # look-up by nonce alone.
            models.Index(
                fields=["nonce", "fair", "scanned_by"], name="scan_nonce_fair_steward"
            ),
        ]

    def __str__(self):
        return f"{self.scanned_at:%H:%M:%S} · {self.get_result_display()}"

    @property
    def is_ok(self) -> bool:
        return self.result in self.OK_RESULTS


class BoothVisit(TimeStamped):
    """A seeker who scanned a booth's poster and registered interest (投递) in its
    jobs; the employer may record a preliminary hiring intention (初步达成意向)."""

    booking = models.ForeignKey(
        BoothBooking,
        verbose_name=_("booth booking"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    has_intention = models.BooleanField(
        _("preliminary hiring intention"), default=False
    )
    intention_note = models.CharField(_("note"), max_length=200, blank=True)
    intention_at = models.DateTimeField(
        _("intention recorded at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("booth visit")
        verbose_name_plural = _("booth visits")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "person"], name="visit_once_per_booth_and_person"
            )
        ]

    def __str__(self):
        return f"{self.booking} · {self.person.masked_name}"


class PointsRules(models.Model):
    """How employers earn and lose fair points, edited by city staff. The row
    without a city holds the rules of every city without its own; an employer's
    points follow the rules of its own city (docs/rules-per-city.md)."""

    city = models.OneToOneField(
        OrgUnit,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": OrgUnit.Level.CITY},
        help_text=_("Empty for the rules of every city without rules of its own."),
    )
    attended = models.SmallIntegerField(_("points for attending"), default=5)
    hired = models.SmallIntegerField(
        _("points for hiring through the fair"),
        default=5,
        help_text=_(
            "Once per booking, when an application to a job shown at the booth is "
            "marked hired within 60 days of the fair."
        ),
    )
    late_cancel = models.SmallIntegerField(
        _("points for a late cancellation"), default=-3
    )
    no_show = models.SmallIntegerField(_("points for a no-show"), default=-10)
    no_show_limit = models.PositiveSmallIntegerField(
        _("no-shows that block booking"), default=2
    )
    no_show_months = models.PositiveSmallIntegerField(
        _("no-show counting period (months)"),
        default=12,
        help_text=_(
            "This many no-shows within this many months pause the employer's booking."
        ),
    )
    block_days = models.PositiveSmallIntegerField(
        _("days booking is paused"),
        default=365,
        help_text=_("Counted from the last no-show."),
    )

    class Meta:
        verbose_name = _("fair points rules")
        verbose_name_plural = _("fair points rules")
        constraints = [
            models.UniqueConstraint(
                fields=["city"], nulls_distinct=False, name="points_rules_one_per_city"
            )
        ]

    def __str__(self):
        if self.city_id is not None:
            return str(_("Fair points rules of %(city)s")) % {"city": self.city.name}
        return str(_("Fair points rules"))

    @classmethod
    def current(cls, unit: OrgUnit | None = None) -> "PointsRules":
        """The rules of the city `unit` is in, else the rules without a city
        (`setup_catalogue` adds them); their defaults if both are missing."""
        own_first = models.F("city").asc(nulls_last=True)
        rows = cls.objects.filter(city_rules.rows_for(unit))
        return rows.order_by(own_first).first() or cls()


class PointsEntryQuerySet(models.QuerySet):
    def for_user(self, user):
        """Staff see the points of employers in their area."""
        scope = scope_filter(user, "employer__org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_employer_staff:
            return self.filter(employer_id=user.employer_id)
        return self.none()


class PointsEntry(models.Model):
    """One change of an employer's fair points, with why (append-only)."""

    class Reason(models.TextChoices):
        ATTENDED = "attended", _("Attended the fair")
        HIRED = "hired", _("Hired through the fair")
        LATE_CANCEL = "late_cancel", _("Cancelled after the free deadline")
        NO_SHOW = "no_show", _("Did not show up")

    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="fair_points",
    )
    booking = models.ForeignKey(
        BoothBooking,
        verbose_name=_("booth booking"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    points = models.SmallIntegerField(_("points"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "reason"], name="points_once_per_booking_and_reason"
            )
        ]

    def __str__(self):
        return f"{self.employer} · {self.points:+d}"


def booked_count():
    """Active bookings per fair, as an annotation (a subquery: counting two
    joined relations at once would multiply the rows)."""
    return Coalesce(
        Subquery(
            BoothBooking.objects.filter(fair=OuterRef("pk"), status="active")
            .values("fair")
            .annotate(total=Count("pk"))
            .values("total")
        ),
        0,
    )


def booth_count():
    return Coalesce(
        Subquery(
            Booth.objects.filter(fair=OuterRef("pk"))
            .values("fair")
            .annotate(total=Count("pk"))
            .values("total")
        ),
        0,
    )


PASS_SALT = "fairs.pass"


def pass_token(code: uuid.UUID, kind: str) -> str:
    """The signed text in a pass's QR code: unguessable (a random UUID) and
    unforgeable (HMAC with the site's secret key)."""
    return signing.Signer(salt=PASS_SALT).sign(f"{kind}:{code.hex}")


def read_pass_token(token: str) -> tuple[str, uuid.UUID] | None:
    try:
        kind, hex_code = signing.Signer(salt=PASS_SALT).unsign(token.strip()).split(":")
        return kind, uuid.UUID(hex=hex_code)
    except (signing.BadSignature, ValueError):
        return None


class RemoteCall(models.Model):
    """A walk-in video call at a booth from a registered seeker who is not at the
    venue (现场 + 远程): the booth's queue, first come first served; the employer
    calls the next one into a video room of its own (jobs.models.VideoRoom)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called in")
        DONE = "done", _("Done")
        LEFT = "left", _("Left the queue")

    booking = models.ForeignKey(
        BoothBooking,
        verbose_name=_("booth booking"),
        on_delete=models.CASCADE,
        related_name="remote_calls",
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job seeker"),
        on_delete=models.CASCADE,
        related_name="remote_calls",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status, default=Status.WAITING
    )
    joined_at = models.DateTimeField(_("joined the queue at"), default=timezone.now)
    called_at = models.DateTimeField(_("called in at"), null=True, blank=True)
    room = models.OneToOneField(
        "jobs.VideoRoom",
        verbose_name=_("video room"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="remote_call",
    )

    class Meta:
        verbose_name = _("remote booth call")
        verbose_name_plural = _("remote booth calls")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "seeker"],
                condition=Q(status__in=["waiting", "called"]),
                name="remote_call_once_in_a_queue",
            )
        ]
        indexes = [
            models.Index(
                fields=["booking", "joined_at", "id"],
                condition=Q(status="waiting"),
                name="remote_call_waiting",
            )
        ]

    def __str__(self):
        return f"{self.booking} · {self.get_status_display()}"

    def position(self) -> int:
        """1 for the next one called; 0 once no longer waiting."""
        if self.status != self.Status.WAITING:
            return 0
        ahead = RemoteCall.objects.filter(
            booking_id=self.booking_id, status=self.Status.WAITING
        ).filter(
            Q(joined_at__lt=self.joined_at)
            | Q(joined_at=self.joined_at, id__lt=self.id)
        )
        return ahead.count() + 1


def fair_is_on(fair: JobFair, moment: datetime.datetime | None = None) -> bool:
    """During the fair's hours on its day (local time)."""
    local = timezone.localtime(moment or timezone.now())
    return (
        fair.status == JobFair.Status.PUBLISHED
        and local.date() == fair.date
        and fair.starts_at <= local.time() < fair.ends_at
    )


# The recruiting hall's tables, after the fair's (docs/recruiting-hall.md).
from fairs.models.halls import DeskContact as DeskContact  # noqa: E402
from fairs.models.halls import Hall as Hall  # noqa: E402
from fairs.models.halls import HallCheckIn as HallCheckIn  # noqa: E402
from fairs.models.halls import HallFigures as HallFigures  # noqa: E402
from fairs.models.halls import KioskSession as KioskSession  # noqa: E402
from fairs.models.halls import Terminal as Terminal  # noqa: E402
