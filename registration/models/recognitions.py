import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import DifficultyCategory, OrgUnit, Person, TimeStamped, scope_filter


class DifficultyRecognitionQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_seeker:
            return self.filter(person__user=user)
        return self.none()

    def on_notice(self, day):
        return self.filter(
            status=DifficultyRecognition.Status.ON_NOTICE,
            notice_starts__lte=day,
            notice_ends__gte=day,
        )

    def in_force_on(self, day):
        return self.filter(approved_on__lte=day).filter(
            Q(exited_on__isnull=True) | Q(exited_on__gt=day)
        )


class DifficultyRecognition(TimeStamped):
    """就业困难人员认定 (docs/registration.md, "Employment difficulty"):
    apply → street or community review → public notice → district approval; later
    an exit with its reason."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned for more information")
        ON_NOTICE = "on_notice", _("On public notice")
        APPROVED = "approved", _("Recognised")
        REFUSED = "refused", _("Not recognised")
        EXITED = "exited", _("Left the register")

    class ExitReason(models.TextChoices):
        EMPLOYED = "employed", _("Found work or unemployment registration cancelled")
        RETIRED = "retired", _("Reached retirement or receives a pension")
        INCAPACITY = "incapacity", _("Completely lost the capacity to work")
        SCHOOL_ARMY_EMIGRATION = "school_army", _("Enrolled, enlisted or emigrated")
        REFUSED_SERVICES = (
            "refused_services",
            _("Refused public employment services three times in six months"),
        )
        NO_CONTACT = "no_contact", _("Out of contact for more than six months")
        SENTENCED = "sentenced", _("Sentenced")
        FAMILY_EMPLOYED = (
            "family_employed",
            _("A member of the zero-employment family found work"),
        )
        ASKED = "asked", _("Asked to leave")
        OTHER = "other", _("Other")

    ACTIVE_STATUSES = [
        Status.SUBMITTED,
        Status.RETURNED,
        Status.ON_NOTICE,
        Status.APPROVED,
    ]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="difficulty_recognitions",
    )
    category = models.ForeignKey(
        DifficultyCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("applied at"),
        on_delete=models.PROTECT,
        related_name="difficulty_recognitions",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.SUBMITTED
    )
    statement = models.TextField(
        _("circumstances"),
        help_text=_("What makes finding work hard, and which documents you can show."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("what is missing"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first review by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notice_starts = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends = models.DateField(_("notice until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_on = models.DateField(_("recognised on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    exited_on = models.DateField(_("left on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=ExitReason, blank=True
    )

    objects = DifficultyRecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment-difficulty recognition")
        verbose_name_plural = _("employment-difficulty recognitions")
        ordering = ["-created_at"]
        permissions = [
            ("review_difficultyrecognition", _("Can review difficulty recognitions")),
            ("decide_difficultyrecognition", _("Can decide difficulty recognitions")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=Q(
                    status__in=["submitted", "returned", "on_notice", "approved"]
                ),
                name="recognition_one_active_per_category",
            )
        ]

    def __str__(self):
        return f"{self.person.name} · {self.category}"

    def get_absolute_url(self):
        return reverse("registration:recognition_detail", args=[self.code])

    @property
    def street(self) -> OrgUnit:
        """The street (街道/镇) of the application: the public notice names no
        community, which would narrow it down to a few buildings."""
        if self.org_unit.level == OrgUnit.Level.COMMUNITY:
            return self.org_unit.parent
        return self.org_unit

    def progress(self) -> list[tuple[str, bool]]:
        reached = {
            self.Status.SUBMITTED: 1,
            self.Status.RETURNED: 1,
            self.Status.ON_NOTICE: 2,
            self.Status.APPROVED: 3,
            self.Status.REFUSED: 3,
            self.Status.EXITED: 3,
        }[self.status]
        steps = [
            pgettext_lazy("progress", "Submitted"),
            _("First review and public notice"),
            _("Decision"),
        ]
        return [(label, index < reached) for index, label in enumerate(steps)]
