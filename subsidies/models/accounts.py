import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

from portal.models import Employer, Person


class Bank(models.TextChoices):
    """The banks a subsidy is paid through: the large state banks and the city's
    rural commercial banks (docs/subsidy-disbursement.md, "The payee's account")."""

    ICBC = "icbc", _("Industrial and Commercial Bank of China")
    ABC = "abc", _("Agricultural Bank of China")
    BOC = "boc", _("Bank of China")
    CCB = "ccb", _("China Construction Bank")
    BOCOM = "bocom", _("Bank of Communications")
    PSBC = "psbc", _("Postal Savings Bank of China")
    SHUNDE_RCB = "shunde_rcb", _("Guangdong Shunde Rural Commercial Bank")
    NANHAI_RCB = "nanhai_rcb", _("Guangdong Nanhai Rural Commercial Bank")
    FOSHAN_RCB = "foshan_rcb", _("Foshan Rural Commercial Bank")


# The names the banks are registered under, written in the bank file whatever the
# language of the page that made it.
BANK_NAMES = {
    Bank.ICBC: "中国工商银行",
    Bank.ABC: "中国农业银行",
    Bank.BOC: "中国银行",
    Bank.CCB: "中国建设银行",
    Bank.BOCOM: "交通银行",
    Bank.PSBC: "中国邮政储蓄银行",
    Bank.SHUNDE_RCB: "广东顺德农村商业银行",
    Bank.NANHAI_RCB: "广东南海农村商业银行",
    Bank.FOSHAN_RCB: "佛山农村商业银行",
}

CARD_DIGITS = (16, 19)
ACCOUNT_DIGITS = (8, 32)


def mask_account(number: str) -> str:
    """****1234: the last four digits, as a bank's own messages show a card."""
    return "****" + number[-4:] if number else ""


def clean_account_number(text: str, *, card: bool) -> str:
    """The number as typed, digits only: spaces (also full-width ones, and the
    full-width digits of a Chinese input method) are dropped; anything else is
    refused. A card number has 16 to 19 digits and a valid check digit (Luhn);
    an employer's account 8 to 32 digits, no check digit."""
    number = "".join(unicodedata.normalize("NFKC", text).split())
    if not (number.isascii() and number.isdigit()):
        raise ValidationError(
            _("An account number has digits only."), code="not_digits"
        )
    low, high = CARD_DIGITS if card else ACCOUNT_DIGITS
    if not low <= len(number) <= high:
        message = (
            _("A bank card number has %(low)d to %(high)d digits, not %(count)d.")
            if card
            else _("An account number has %(low)d to %(high)d digits, not %(count)d.")
        )
        raise ValidationError(
            message,
            code="length",
            params={"low": low, "high": high, "count": len(number)},
        )
    if card and not luhn.is_valid(number):
        raise ValidationError(
            _(
                "This card number is mistyped: its last digit does not match the "
                "others (check digit). Copy it again from the card."
            ),
            code="check_digit",
        )
    return number


class PayeeAccountQuerySet(models.QuerySet):
    def of_payee(self, application):
        """The accounts of whoever an application pays: the employer when an
        employer applied, else the person."""
        if application.employer_id:
            return self.filter(employer=application.employer_id)
        return self.filter(person=application.person_id)

    def on_file(self, application):
        """The account the payee gave last, or None."""
        return self.of_payee(application).order_by("-created_at", "-pk").first()


class PayeeAccount(models.Model):
    """An account a subsidy is paid into, as its holder gave it: a person's bank
    card or social-security card (its financial account), an employer's basic
    deposit account. Rows are never changed: another account is another row, and
    the newest of a payee's is the one on file. Applications and payments point at
    the row they use, so a bank file made again is the same file."""

    class Kind(models.TextChoices):
        BANK_CARD = "bank_card", _("Bank card")
        SOCIAL_SECURITY_CARD = (
            "ss_card",
            _("Social-security card (its financial account)"),
        )
        BASIC_ACCOUNT = "basic", _("Basic deposit account of the employer")

    CARD_KINDS = [Kind.BANK_CARD, Kind.SOCIAL_SECURITY_CARD]

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
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind of account"), max_length=10, choices=Kind)
    bank = models.CharField(_("bank"), max_length=12, choices=Bank)
    number = models.CharField(_("account number"), max_length=32)
    holder = models.CharField(
        _("account holder"),
        max_length=200,
        help_text=_("The payee's name when the account was given (户名)."),
    )
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PayeeAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("payee account")
        verbose_name_plural = _("payee accounts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="payee_account_person"),
            models.Index(
                fields=["employer", "-created_at"], name="payee_account_employer"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, employer__isnull=True)
                | Q(person__isnull=True, employer__isnull=False),
                name="payee_account_of_person_or_employer",
            ),
            # A person is paid into a card, an employer into its basic account.
            models.CheckConstraint(
                condition=Q(employer__isnull=True, kind__in=["bank_card", "ss_card"])
                | Q(employer__isnull=False, kind="basic"),
                name="payee_account_kind_fits_payee",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{16,19}$")
                | Q(kind="basic", number__regex=r"^[0-9]{8,32}$"),
                name="payee_account_number_digits",
            ),
        ]

    def __str__(self):
        return f"{self.get_bank_display()} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask_account(self.number)

    @property
    def bank_name(self) -> str:
        """The bank's registered Chinese name, for the bank file."""
        return BANK_NAMES[self.bank]

    def same_as(self, other: "PayeeAccount") -> bool:
        fields = ("kind", "bank", "number", "holder")
        return all(getattr(self, f) == getattr(other, f) for f in fields)

    def clean(self):
        if self.number:
            self.number = clean_account_number(
                self.number, card=self.kind in self.CARD_KINDS
            )
