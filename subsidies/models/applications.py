import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import Employer, OrgUnit, Person, TimeStamped, scope_filter
from subsidies.models.catalogue import PolicyVersion, SubsidyType


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Application.OPEN_STATUSES)

    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_employer_staff:
            return self.filter(employer=user.employer_id)
        if user.is_authenticated and user.is_seeker:
            return self.filter(person__user=user, employer__isnull=True)
        return self.none()

    def live(self):
        """Applications that still count against the rules: open or paid."""
        return self.filter(status__in=[*Application.OPEN_STATUSES, "paid"])


LIVE = ["submitted", "returned", "in_review", "on_notice", "approved", "paid"]


class Application(TimeStamped):
    """A subsidy application, pinned to the policy version in force when it was
    submitted; the amount is computed then and shown before submission. A person
    applies for themselves; an employer applies for a person it employs or hosts
    (a trainee), or for itself alone (a job-stabilisation refund, computed from
    insurance data without an application: 免申即享)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting acceptance")
        RETURNED = "returned", _("Returned for more information")
        IN_REVIEW = "in_review", _("Under review")
        ON_NOTICE = "on_notice", _("On public notice")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REFUSED = "refused", pgettext_lazy("subsidy", "Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = [
        Status.SUBMITTED,
        Status.RETURNED,
        Status.IN_REVIEW,
        Status.ON_NOTICE,
        Status.APPROVED,
    ]
    # Granted: approved, whether paid yet or not (the statistics' "approved").
    GRANTED_STATUSES = [Status.APPROVED, Status.PAID]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subsidy_type = models.ForeignKey(
        SubsidyType,
        verbose_name=_("subsidy type"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidy_applications",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidy_applications",
        help_text=_("Set when an employer applies and is paid."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("applied at"),
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.SUBMITTED
    )
    insurance_year = models.OneToOneField(
        "subsidies.InsuranceYear",
        verbose_name=_("computed from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
        help_text=_("The insurance year a refund was computed from (once per year)."),
    )
    level = models.CharField(_("certificate level"), max_length=20, blank=True)
    occupation = models.CharField(
        _("occupation (trade)"),
        max_length=60,
        blank=True,
        help_text=_("As written on the certificate, e.g. 电工."),
    )
    certificate_number = models.CharField(
        pgettext_lazy("skills certificate", "certificate number"),
        max_length=40,
        blank=True,
    )
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    monthly_base = models.DecimalField(
        _("contributions paid per month (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    period_start = models.DateField(
        _("first month covered"),
        null=True,
        blank=True,
        help_text=_("For subsidies paid by the month."),
    )
    statement = models.TextField(_("note to the caseworker"), blank=True)
    payee_account = models.ForeignKey(
        "subsidies.PayeeAccount",
        verbose_name=_("account to pay into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the payee's account on file when the batch is made."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system computed it from insurance data."),
    )
    return_reason = models.TextField(_("what is missing"), blank=True)
    step = models.PositiveSmallIntegerField(
        _("review step"),
        default=0,
        help_text=_("Index of the next review in the version's steps."),
    )
    step_due = models.DateField(_("step due by"), null=True, blank=True)
    notice_ends = models.DateField(_("public notice until"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("applicant's rating"),
        null=True,
        blank=True,
        choices=[(stars, "★" * stars) for stars in range(1, 6)],
    )
    rating_comment = models.CharField(
        _("applicant's comment"), max_length=300, blank=True
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        ordering = ["-created_at"]
        permissions = [("decide_application", _("Can decide subsidy applications"))]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "subsidy_type"],
                condition=Q(
                    status__in=[
                        "submitted",
                        "returned",
                        "in_review",
                        "on_notice",
                        "approved",
                    ]
                ),
                name="subsidy_one_open_application_per_person_and_type_v2",
            ),
            models.UniqueConstraint(
                fields=["employer", "subsidy_type"],
                condition=Q(person__isnull=True, status__in=LIVE[:-1]),
                name="subsidy_one_open_employer_application_per_type",
            ),
            # Certificate subsidies (training, skill upgrading: different funds)
            # pay once per person, occupation and level
            # (docs/subsidies.md, "Double claims").
            models.UniqueConstraint(
                fields=["person", "occupation", "level"],
                condition=Q(status__in=LIVE) & ~Q(occupation=""),
                name="subsidy_certificate_once_per_occupation_and_level",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(employer__isnull=False),
                name="subsidy_application_has_person_or_employer",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="subsidy_amount_not_negative"
            ),
            # Months claimed always say which months (docs/subsidies.md,
            # "Double claims"): without them the ledger could not hold them.
            models.CheckConstraint(
                condition=Q(months__isnull=True, period_start__isnull=True)
                | Q(months__gte=1, period_start__isnull=False),
                name="subsidy_months_have_a_period",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="subsidy_rating_one_to_five",
            ),
        ]

    def __str__(self):
        return f"{self.applicant_name} · {self.subsidy_type}"

    def get_absolute_url(self):
        return reverse("subsidies:application_detail", args=[self.code])

    @property
    def applicant_name(self) -> str:
        """Who applied: the employer, or the person for themselves."""
        return self.employer.name if self.employer_id else self.person.name

    @property
    def can_be_rated(self) -> bool:
        return self.rating is None and self.status in (
            self.Status.PAID,
            self.Status.REFUSED,
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def period(self) -> tuple[datetime.date, datetime.date] | tuple[None, None]:
        """The months this application pays for, first and last day; (None, None)
        for one-off subsidies, whose repeats the counts and certificate rules
        guard instead."""
        if not (self.months and self.period_start):
            return None, None
        start = self.period_start.replace(day=1)
        month_index = start.year * 12 + start.month - 1 + self.months
        year, month = divmod(month_index, 12)
        return start, datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)

    @property
    def can_be_withdrawn(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.RETURNED)

    @property
    def current_level(self) -> str:
        """The org level that reviews next, "" once every review is done."""
        steps = self.version.steps
        return steps[self.step] if self.step < len(steps) else ""

    @property
    def is_overdue(self) -> bool:
        return self.step_due is not None and self.step_due < timezone.localdate()

    def progress(self) -> list[tuple[str, bool]]:
        reviews = self.version.step_labels()
        done = {
            self.Status.SUBMITTED: 1,
            self.Status.RETURNED: 1,
            self.Status.IN_REVIEW: 1 + self.step,
            self.Status.ON_NOTICE: 1 + len(reviews),
            self.Status.APPROVED: 3 + len(reviews),
            self.Status.PAID: 4 + len(reviews),
            self.Status.REFUSED: 2 + len(reviews),
            self.Status.WITHDRAWN: 1,
        }[self.status]
        labels = [
            pgettext_lazy("progress", "Submitted"),
            *[_("Review: %(level)s") % {"level": label} for label in reviews],
            _("Public notice"),
            _("Decision"),
            _("Payment"),
        ]
        return [(label, index < done) for index, label in enumerate(labels)]


def document_upload_to(document: "ApplicationDocument", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"private/subsidy-documents/{uuid.uuid4()}.{extension}"


class ApplicationDocument(models.Model):
    """A scanned document; stored privately and served only after a permission
    check (see views.document_download)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("subsidy application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=document_upload_to)
    name = models.CharField(_("original name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name


class Decision(models.Model):
    """One decision on one application at one step (append-only: a database
    trigger refuses changes), the openIMIS TaskDecision idea."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted for review")
        RETURNED = "returned", _("Returned for more information")
        PASSED = "passed", _("Review passed")
        REFUSED = "refused", pgettext_lazy("subsidy", "Refused")
        APPROVED = "approved", _("Approved after public notice")

    application = models.ForeignKey(
        Application,
        verbose_name=_("subsidy application"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    step = models.PositiveSmallIntegerField(_("step"))
    level = models.CharField(_("org level"), max_length=12, blank=True)
    kind = models.CharField(_("decision"), max_length=10, choices=Kind)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.application} · {self.get_kind_display()}"


class Objection(models.Model):
    """An objection raised during a public notice; a caseworker resolves it."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("subsidy application"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    text = models.TextField(_("objection"))
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-raised_at"]

    def __str__(self):
        return f"{self.application} · {self.raised_at:%Y-%m-%d}"


class Outreach(models.Model):
    """政策找人: a person, or an employer, the registries show as eligible was told
    about a subsidy (once per person or employer and type)."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    subsidy_type = models.ForeignKey(
        SubsidyType,
        verbose_name=_("subsidy type"),
        on_delete=models.CASCADE,
        related_name="outreach",
    )
    notified_at = models.DateTimeField(_("told at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy outreach")
        verbose_name_plural = _("policy outreach")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "subsidy_type"],
                name="outreach_once_per_person_and_type",
            ),
            models.UniqueConstraint(
                fields=["employer", "subsidy_type"],
                name="outreach_once_per_employer_and_type",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(employer__isnull=False),
                name="outreach_has_person_or_employer",
            ),
        ]

    def __str__(self):
        return f"{self.person or self.employer} · {self.subsidy_type}"


class DuplicateSuspect(models.Model):
    """A review task: another person with near-identical data (same name and birth
    date, or the same phone) has applied for the same subsidy. Never a silent
    rejection: the application is held from payment until a caseworker decides."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("subsidy application"),
        on_delete=models.CASCADE,
        related_name="duplicate_suspects",
    )
    other_application = models.ForeignKey(
        Application,
        verbose_name=_("similar application"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("why it looks alike"), max_length=200)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)
    is_duplicate = models.BooleanField(_("duplicate"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suspected duplicate")
        verbose_name_plural = _("suspected duplicates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "other_application"],
                name="duplicate_suspect_once_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.application} ~ {self.other_application}"
