import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import models
from django.db.models import Count, F, Func, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Employer, Person, TimeStamped
from registration.models.employment import DayNumber
from subsidies.models.accounts import PayeeAccount
from subsidies.models.applications import Application
from subsidies.models.catalogue import SubsidyType


def paid_period_box():
    """(person and type, first day)–(person and type, last day): paid periods of
    one person and one subsidy type never overlap; for an employer's own subsidy
    (no person) the key is the negative employer id. The x coordinate combines
    the two keys (type ids stay below 1000), exact in a double."""
    key = Coalesce(F("person_id"), -F("employer_id")) * 1000 + F("subsidy_type_id")
    return Func(
        Func(key, DayNumber(F("period_start")), function="point"),
        Func(key, DayNumber(F("period_end")), function="point"),
        function="box",
    )


def claimed_months_box():
    """(person, first day)–(person, last day), as registration.period_box."""
    return Func(
        Func(F("person_id"), DayNumber(F("period_start")), function="point"),
        Func(F("person_id"), DayNumber(F("period_end")), function="point"),
        function="box",
    )


def item_range():
    """The item as a one-value text range: ranges have a core gist operator class,
    text equality has none without btree_gist (the type is created in migration
    0020)."""
    return Func(
        F("item"),
        F("item"),
        Value("[]"),
        function="subsidies_textrange",
        output_field=models.TextField(),
    )


class ClaimedPeriod(models.Model):
    """The ledger of months granted per person and benefit item: written when an
    application is approved, it keeps a month of one item from being approved or
    paid twice for a person, whichever type, fund or application claims it
    (docs/subsidies.md, "Double claims")."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("subsidy application"),
        on_delete=models.PROTECT,
        related_name="claimed_period",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.SlugField(_("benefit item"), max_length=40)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))

    class Meta:
        verbose_name = _("claimed period")
        verbose_name_plural = _("claimed periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="claimed_period_order",
            ),
            ExclusionConstraint(
                name="claimed_months_once_per_person_and_item",
                expressions=[(claimed_months_box(), "&&"), (item_range(), "&&")],
                index_type="gist",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.item} · {self.period_start}–{self.period_end}"


REFERENCE_PREFIX = "BT"


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

    @property
    def file_name(self) -> str:
        """The bank file's name: the day the batch was made and its code's start."""
        created = timezone.localtime(self.created_at)
        return f"subsidy-batch-{created:%Y%m%d}-{str(self.code)[:8]}.csv"

    def totals_by_status(self) -> list[dict]:
        """Count and amount of the payments in each state, every state listed."""
        found = {
            row["status"]: row
            for row in self.payments.values("status").annotate(
                count=Count("pk"), amount=Sum("amount")
            )
        }
        return [
            {
                "status": status,
                "label": label,
                "count": found.get(status, {}).get("count", 0),
                "amount": found.get(status, {}).get("amount") or Decimal("0.00"),
            }
            for status, label in Payment.Status.choices
        ]


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
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("paid to employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subsidy_type = models.ForeignKey(
        SubsidyType,
        verbose_name=_("subsidy type"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    account = models.ForeignKey(
        PayeeAccount,
        verbose_name=_("paid into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for payments made before accounts were recorded."),
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    failure_reason = models.CharField(_("why it failed"), max_length=200, blank=True)
    paid_on = models.DateField(
        _("paid by the bank on"),
        null=True,
        blank=True,
        help_text=_("The bank's payment date: paid figures count it in this month."),
    )

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
            models.CheckConstraint(
                condition=Q(status="paid", paid_on__isnull=False)
                | (~Q(status="paid") & Q(paid_on__isnull=True)),
                name="payment_paid_on_when_paid",
            ),
        ]

    def __str__(self):
        return f"{self.payee_name} · {self.amount}"

    @property
    def payee_name(self) -> str:
        return self.employer.name if self.employer_id else self.person.name

    @property
    def payee_number(self) -> str:
        """The ID number of a person, the credit code of an employer."""
        return self.employer.uscc if self.employer_id else self.person.id_number

    @property
    def reference(self) -> str:
        """付款流水号: the payment's own reference, which the bank echoes back in
        its result file. Letters first, so that a spreadsheet keeps it as text."""
        return f"{REFERENCE_PREFIX}{self.pk:010d}"

    @staticmethod
    def pk_from_reference(reference: str) -> int | None:
        """The id a reference names, None for text that is no reference."""
        if not reference.startswith(REFERENCE_PREFIX):
            return None
        digits = reference.removeprefix(REFERENCE_PREFIX)
        if len(digits) == 10 and digits.isascii() and digits.isdigit():
            return int(digits)
        return None
