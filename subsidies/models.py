import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import OrgUnit, Person, TimeStamped, scope_filter
from registration.models.employment import OPEN_END, DayNumber


class SubsidyType(TimeStamped):
    """One subsidy of the catalogue (rules.md §3.2); what it pays and to whom is in
    its policy versions, so a change of policy never rewrites old applications."""

    class Applicant(models.TextChoices):
        PERSON = "person", _("Individuals")
        EMPLOYER = "employer", _("Employers")

    class Fund(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment subsidy fund (就业补助资金)")
        UNEMPLOYMENT_INSURANCE = "ui", _("Unemployment insurance fund")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    applicant = models.CharField(_("who applies"), max_length=10, choices=Applicant)
    fund = models.CharField(_("paid from"), max_length=12, choices=Fund)
    summary = models.CharField(_("in one sentence"), max_length=200)
    excludes = models.ManyToManyField(
        "self",
        verbose_name=_("cannot be combined with"),
        blank=True,
        symmetrical=True,
    )
    cap_group = models.SlugField(
        _("shared cap group"),
        max_length=40,
        blank=True,
        help_text=_(
            "Types in one group share a cap on the months paid, e.g. every "
            "social-insurance subsidy (rules.md §3.3)."
        ),
    )
    cap_months = models.PositiveSmallIntegerField(
        _("shared cap (months)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subsidy type")
        verbose_name_plural = _("subsidy types")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("subsidies:subsidy_detail", args=[self.code])

    def version_on(self, day: datetime.date | None = None) -> "PolicyVersion | None":
        return self.versions.in_force(day).first()


class PolicyVersionQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )


def version_box():
    """(type, first day)–(type, last day) as a box: versions of one type may not
    overlap (the embedded PostgreSQL has no btree_gist; see EmploymentRegistration)."""
    return Func(
        Func(F("subsidy_type_id"), DayNumber(F("effective_from")), function="point"),
        Func(
            F("subsidy_type_id"),
            DayNumber(Coalesce(F("effective_to"), Value(OPEN_END))),
            function="point",
        ),
        function="box",
    )


class Eligibility(models.TextChoices):
    """Conditions the registries can check; each version lists the ones it needs."""

    DIFFICULTY = "difficulty", _("Recognised as having employment difficulty")
    REGISTERED_UNEMPLOYED = "registered_unemployed", _("Registered as unemployed")
    GRADUATE_THIS_YEAR = "graduate_this_year", _("Graduating this year")
    GRADUATE_2_YEARS = "graduate_2_years", _("Left school within two years")
    AGED_16_24 = "aged_16_24", _("Aged 16 to 24")
    FLEXIBLY_EMPLOYED = "flexibly_employed", _("Registered as flexibly employed")
    VERIFIED_EMPLOYER = "verified_employer", _("A verified employer")


class PolicyVersion(TimeStamped):
    """What a subsidy pays, to whom and how it is approved, from a date on. An
    application is pinned to the version it was submitted under."""

    class AmountRule(models.TextChoices):
        FIXED = "fixed", _("A fixed amount")
        PER_LEVEL = "per_level", _("By certificate level")
        CONTRIBUTION_SHARE = (
            "contribution_share",
            _("A share of the contributions paid"),
        )
        MINIMUM_WAGE_SHARE = "minimum_wage_share", _("A share of the minimum wage")

    subsidy_type = models.ForeignKey(
        SubsidyType,
        verbose_name=_("subsidy type"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    label = models.CharField(
        _("policy document"), max_length=120, help_text=_("E.g. 财社〔2023〕181号.")
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    eligibility = ArrayField(
        models.CharField(max_length=24, choices=Eligibility.choices),
        verbose_name=_("conditions"),
        default=list,
        blank=True,
    )
    who_qualifies = models.TextField(_("who qualifies, in plain words"))
    amount_rule = models.CharField(_("amount"), max_length=20, choices=AmountRule)
    amount = models.DecimalField(
        _("amount (yuan) or share (%)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    level_amounts = models.JSONField(
        _("amounts by level"),
        default=dict,
        blank=True,
        help_text=_('E.g. {"五级": 1200, "四级": 1600}.'),
    )
    monthly_cap = models.DecimalField(
        _("monthly cap (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    max_months = models.PositiveSmallIntegerField(
        _("longest period (months)"), null=True, blank=True
    )
    max_times = models.PositiveSmallIntegerField(
        _("at most this many times per person"), null=True, blank=True
    )
    documents = models.TextField(_("what to bring, one per line"), blank=True)
    steps = ArrayField(
        models.CharField(max_length=12),
        verbose_name=_("approval steps (org levels)"),
        default=list,
        help_text=_("E.g. street, district, city: who reviews, in order."),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), default=5
    )
    amounts_are_examples = models.BooleanField(
        _("amounts are examples"),
        default=True,
        help_text=_(
            "Shown on the policy page until the city confirms its own amounts."
        ),
    )
    source = models.URLField(_("source"), max_length=300, blank=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["subsidy_type", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="policy_version_period_order",
            ),
            ExclusionConstraint(
                name="policy_versions_do_not_overlap",
                expressions=[(version_box(), "&&")],
                index_type="gist",
            ),
        ]

    def __str__(self):
        return f"{self.subsidy_type} · {self.label}"

    def amount_in_words(self) -> str:
        amount = f"{self.amount.normalize():f}" if self.amount is not None else ""
        if self.amount_rule == self.AmountRule.FIXED:
            return _("%(amount)s yuan, paid once") % {"amount": amount}
        if self.amount_rule == self.AmountRule.PER_LEVEL:
            levels = "、".join(f"{level} {value}" for level, value in self.levels())
            return _("By certificate level (yuan): %(levels)s") % {"levels": levels}
        if self.amount_rule == self.AmountRule.CONTRIBUTION_SHARE:
            return _("%(share)s%% of the social-insurance contributions paid") % {
                "share": amount
            }
        return _("%(share)s%% of the local minimum wage, per month") % {"share": amount}

    def levels(self) -> list[tuple[str, int]]:
        """Levels from the smallest amount up (jsonb does not keep key order)."""
        return sorted(self.level_amounts.items(), key=lambda item: item[1])

    def period_in_words(self) -> str:
        parts = []
        if self.max_months:
            parts.append(
                _("for at most %(months)d months") % {"months": self.max_months}
            )
        if self.max_times == 1:
            parts.append(_("once per person"))
        elif self.max_times:
            parts.append(
                _("at most %(times)d times per person") % {"times": self.max_times}
            )
        return "；".join(str(part) for part in parts)

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    def step_labels(self) -> list[str]:
        levels = dict(OrgUnit.Level.choices)
        return [str(levels.get(step, step)) for step in self.steps]

    def condition_labels(self) -> list[str]:
        return [Eligibility(code).label for code in self.eligibility]


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Application.OPEN_STATUSES)

    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_seeker:
            return self.filter(person__user=user)
        return self.none()


class Application(TimeStamped):
    """A person's subsidy application, pinned to the policy version in force when
    it was submitted; the amount is computed then and shown before submission."""

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
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
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
    level = models.CharField(_("certificate level"), max_length=20, blank=True)
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
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("what is missing"), blank=True)
    step = models.PositiveSmallIntegerField(
        _("review step"),
        default=0,
        help_text=_("Index of the next review in the version's steps."),
    )
    step_due = models.DateField(_("step due by"), null=True, blank=True)
    notice_ends = models.DateField(_("public notice until"), null=True, blank=True)

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
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="subsidy_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.subsidy_type}"

    def get_absolute_url(self):
        return reverse("subsidies:application_detail", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The days this application pays for: its months, or the day it was
        submitted for one-off subsidies."""
        if self.months and self.period_start:
            start = self.period_start.replace(day=1)
            month_index = start.year * 12 + start.month - 1 + self.months
            year, month = divmod(month_index, 12)
            return start, datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
        day = timezone.localdate(self.created_at)
        return day, day

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
            self.Status.APPROVED: 2 + len(reviews),
            self.Status.PAID: 3 + len(reviews),
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


def paid_period_box():
    """(person and type, first day)–(person and type, last day): paid periods of
    one person and one subsidy type never overlap. The x coordinate combines the
    two keys (type ids stay below 1000), exact in a double."""
    key = F("person_id") * 1000 + F("subsidy_type_id")
    return Func(
        Func(key, DayNumber(F("period_start")), function="point"),
        Func(key, DayNumber(F("period_end")), function="point"),
        function="box",
    )


class DisbursementBatch(TimeStamped):
    """Approved applications paid together: a CSV for the bank or the social-
    security card system; results come back row by row."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent to the bank")
        SETTLED = "settled", _("Settled")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SENT
    )
    total = models.DecimalField(_("total (yuan)"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("disbursement batch")
        verbose_name_plural = _("disbursement batches")
        ordering = ["-created_at"]

    def __str__(self):
        created = timezone.localtime(self.created_at)
        return f"{created:%Y-%m-%d %H:%M} · {self.total}"


class Payment(TimeStamped):
    """One payment of one application (the subsidy ledger): a paid period of a
    person and type can never be paid twice (exclusion constraint), an application
    is paid at most once (partial unique index)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(
        DisbursementBatch,
        verbose_name=_("disbursement batch"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("subsidy application"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    subsidy_type = models.ForeignKey(
        SubsidyType,
        verbose_name=_("subsidy type"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    failure_reason = models.CharField(_("why it failed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "paid"]),
                name="payment_once_per_application",
            ),
            ExclusionConstraint(
                name="paid_periods_do_not_overlap",
                expressions=[(paid_period_box(), "&&")],
                index_type="gist",
                condition=Q(status__in=["pending", "paid"]),
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.amount}"


class Outreach(models.Model):
    """政策找人: a person the registries show as eligible was told about a subsidy
    (once per person and type)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
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
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.subsidy_type}"


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
