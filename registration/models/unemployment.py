import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import OrgUnit, Person, TimeStamped, scope_filter
from registration.models.rules import CancellationReason


class UnemploymentRegistrationQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_seeker:
            return self.filter(person__user=user)
        return self.none()

    def open(self):
        return self.filter(status__in=UnemploymentRegistration.OPEN_STATUSES)

    def registered_on(self, day: datetime.date):
        """Registered as unemployed at the end of `day`."""
        return self.filter(registered_on__lte=day).filter(
            Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day)
        )


class UnemploymentRegistration(TimeStamped):
    """失业登记: applied for online or at a counter, reviewed at the community or
    street, cancelled with a reason code (docs/registration.md,
    "Unemployment registration", "Cancellation")."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned for more information")
        REGISTERED = "registered", _("Registered")
        CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("At a service counter")

    class Cause(models.TextChoices):
        LEFT_SCHOOL = "left_school", _("Graduated or left school")
        LOST_JOB = "lost_job", _("Lost or left a job")
        BUSINESS_CLOSED = "business_closed", _("Own business closed")
        LAND_REQUISITIONED = "land_requisitioned", _("Farm land requisitioned")
        VETERAN = "veteran", _("Discharged from the army, not placed")
        RELEASED = "released", _("Released from prison or community correction")
        OTHER = "other", _("Other")

    OPEN_STATUSES = [Status.SUBMITTED, Status.RETURNED, Status.REGISTERED]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="unemployment_registrations",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="unemployment_registrations",
        help_text=_("The community or street of the person's habitual residence."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    cause = models.CharField(_("reason for unemployment"), max_length=20, choices=Cause)
    unemployed_since = models.DateField(_("unemployed since"))
    last_employer = models.CharField(_("last employer"), max_length=200, blank=True)
    last_job = models.CharField(_("last job"), max_length=100, blank=True)
    job_wishes = models.CharField(_("work wanted"), max_length=300)
    wants_training = models.BooleanField(_("wants vocational training"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("what is missing"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    contact_review_due = models.BooleanField(
        _("no contact: confirm cancellation"), default=False
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancellation_reason = models.ForeignKey(
        CancellationReason,
        verbose_name=_("cancellation reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    cancellation_note = models.CharField(
        _("cancellation note"), max_length=300, blank=True
    )

    objects = UnemploymentRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("unemployment registration")
        verbose_name_plural = _("unemployment registrations")
        ordering = ["-created_at"]
        permissions = [
            (
                "review_unemploymentregistration",
                _("Can review unemployment registrations"),
            )
        ]
        indexes = [
            models.Index(fields=["registered_on"]),
            models.Index(fields=["cancelled_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["submitted", "returned", "registered"]),
                name="unemployment_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status="registered", registered_on__isnull=False)
                | ~Q(status="registered"),
                name="unemployment_registered_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("registration:unemployment_detail", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def can_be_changed_by_applicant(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.RETURNED)

    def progress(self) -> list[tuple[str, bool]]:
        """The steps the applicant sees, each with whether it is reached."""
        reached = {
            self.Status.SUBMITTED: 1,
            self.Status.RETURNED: 1,
            self.Status.REGISTERED: 2,
            self.Status.CANCELLED: 3,
            self.Status.WITHDRAWN: 1,
        }[self.status]
        steps = [
            pgettext_lazy("progress", "Submitted"),
            _("Reviewed and registered"),
            _("Registration closed"),
        ]
        return [(label, index < reached) for index, label in enumerate(steps)]
