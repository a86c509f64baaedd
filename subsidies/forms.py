import datetime

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from jobs.models import Application as JobApplication
from portal.forms import check_scanned_document
from portal.models import Employer, Person
from portal.validators import validate_id_number
from registration.models import EmploymentRegistration
from subsidies import bank_files
from subsidies.models import (
    Application,
    Bank,
    PayeeAccount,
    PolicyVersion,
    clean_account_number,
)

ON_FILE = "on_file"


class AccountFields:
    """Where the subsidy is paid: the account on file, or another one typed here
    (a person's bank card or social-security card, an employer's basic deposit
    account). `account` is then the one to use, unsaved when new."""

    def add_account_fields(self, *, employer: bool, on_file: PayeeAccount | None):
        choices = []
        if on_file is not None:
            choices.append(
                (ON_FILE, _("The account on file: %(account)s") % {"account": on_file})
            )
        if employer:
            choices.append((PayeeAccount.Kind.BASIC_ACCOUNT, _("Our basic account")))
        else:
            choices += [
                (PayeeAccount.Kind.SOCIAL_SECURITY_CARD, _("My social-security card")),
                (PayeeAccount.Kind.BANK_CARD, _("A bank card in my name")),
            ]
        self.on_file = on_file
        self.fields["account_choice"] = forms.ChoiceField(
            label=_("Pay the subsidy into"),
            choices=choices,
            initial=choices[0][0],
            widget=forms.RadioSelect,
        )
        self.fields["bank"] = forms.ChoiceField(
            label=_("bank"),
            choices=[("", _("Please choose")), *Bank.choices],
            required=False,
            help_text=_("For another account: the bank that holds it."),
        )
        self.fields["account_number"] = forms.CharField(
            label=(
                _("basic deposit account number")
                if employer
                else _("card number (the financial account)")
            ),
            max_length=40,
            required=False,
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
            help_text=(
                _("As on the account licence: 8 to 32 digits.")
                if employer
                else _(
                    "The 16 to 19 digits on the card; spaces are fine. The account "
                    "must be in your own name."
                )
            ),
        )

    def clean_account(self, cleaned: dict) -> None:
        choice = cleaned.get("account_choice")
        self.account = None
        if not choice:
            return
        if choice == ON_FILE:
            self.account = self.on_file
            return
        if not cleaned.get("bank"):
            self.add_error("bank", _("Choose the bank."))
        number = cleaned.get("account_number", "")
        if not number:
            self.add_error("account_number", _("Give the account number."))
            return
        try:
            number = clean_account_number(
                number, card=choice in PayeeAccount.CARD_KINDS
            )
        except forms.ValidationError as error:
            self.add_error("account_number", error)
            return
        cleaned["account_number"] = number
        if cleaned.get("bank"):
            self.account = PayeeAccount(
                kind=choice, bank=cleaned["bank"], number=number
            )


class PayeeAccountForm(AccountFields, forms.Form):
    """Another account for an application not yet paid."""

    def __init__(self, *args, employer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_account_fields(employer=employer, on_file=None)

    def clean(self):
        cleaned = super().clean()
        self.clean_account(cleaned)
        return cleaned


class ApplicationForm(AccountFields, forms.ModelForm):
    """What the amount rule of the version needs, a note, and up to three scans;
    an employer also names the person the subsidy is for (a trainee, the holder of
    a public-welfare post), who must be in the person registry."""

    documents = [f"document{number}" for number in (1, 2, 3)]

    class Meta:
        model = Application
        fields = [
            "level",
            "occupation",
            "certificate_number",
            "months",
            "period_start",
            "monthly_base",
            "statement",
        ]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(
        self,
        *args,
        version: PolicyVersion,
        employer: Employer | None = None,
        account_on_file: PayeeAccount | None = None,
        preview: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.employer = employer
        self.preview = preview
        rule = version.amount_rule
        if employer is not None:
            self.fields["person_name"] = forms.CharField(
                label=_("name of the person"), max_length=50
            )
            self.fields["person_id_number"] = forms.CharField(
                label=_("their ID number"),
                validators=[validate_id_number],
                help_text=_("The person must be in the registry (registered here)."),
            )
            self.order_fields(["person_name", "person_id_number"])
        if rule == PolicyVersion.AmountRule.PER_LEVEL:
            self.fields["occupation"].required = True
            self.fields["certificate_number"].required = True
        else:
            del self.fields["occupation"]
            del self.fields["certificate_number"]
        if rule == PolicyVersion.AmountRule.PER_LEVEL:
            self.fields["level"] = forms.ChoiceField(
                label=_("certificate level"),
                choices=[("", _("Please choose"))]
                + [
                    (level, f"{level}（{amount} 元）")
                    for level, amount in version.levels()
                ],
            )
        else:
            del self.fields["level"]
        if rule in (
            PolicyVersion.AmountRule.FIXED,
            PolicyVersion.AmountRule.PER_LEVEL,
        ):
            del self.fields["months"]
            del self.fields["period_start"]
        else:
            self.fields["months"].required = True
            self.fields["period_start"].required = True
            if version.max_months:
                self.fields["months"].max_value = version.max_months
                self.fields["months"].help_text = _("At most %(months)d.") % {
                    "months": version.max_months
                }
        if rule != PolicyVersion.AmountRule.CONTRIBUTION_SHARE:
            del self.fields["monthly_base"]
        else:
            self.fields["monthly_base"].required = True
        needed = version.document_list()
        for index, name in enumerate(self.documents):
            self.fields[name] = forms.FileField(
                label=needed[index] if index < len(needed) else _("scanned document"),
                required=False,
                validators=[check_scanned_document],
                help_text=_("PDF, JPG or PNG, at most 5 MB."),
            )
        self.add_account_fields(employer=employer is not None, on_file=account_on_file)
        # Working out the amount needs no account yet.
        self.fields["account_choice"].required = not preview

    def clean_period_start(self):
        """Months are claimed once paid for or about to be: a first month after
        the end of next year is a typing error (and 9999-12-31 would run the
        period past the last date there is)."""
        start = self.cleaned_data["period_start"]
        latest = datetime.date(timezone.localdate().year + 1, 12, 31)
        if start and start > latest:
            raise forms.ValidationError(
                _("The first month covered can be %(date)s at the latest."),
                params={"date": date_format(latest, "YEAR_MONTH_FORMAT")},
            )
        return start

    def clean(self):
        cleaned = super().clean()
        id_number = cleaned.get("person_id_number", "").upper()
        if id_number:
            # Only people the employer already knows through the registry: its
            # staff and those who applied to its postings (no lookups of others).
            known = Q(
                Exists(
                    EmploymentRegistration.objects.filter(
                        person=OuterRef("pk"), employer=self.employer
                    )
                )
            ) | Q(
                Exists(
                    JobApplication.objects.filter(
                        person=OuterRef("pk"), posting__employer=self.employer
                    )
                )
            )
            person = (
                Person.objects.filter(known, id_number=id_number)
                .filter(name=cleaned.get("person_name", "").strip())
                .first()
            )
            if person is None:
                raise forms.ValidationError(
                    _(
                        "Nobody with this name and ID number works for your unit or "
                        "has applied to its postings; check both."
                    )
                )
            self.instance.person = person
        if not self.preview:
            self.clean_account(cleaned)
        return cleaned

    def uploads(self) -> list:
        return [
            self.cleaned_data[name]
            for name in self.documents
            if self.cleaned_data.get(name)
        ]


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("objection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("What you know that speaks against this subsidy."),
    )
    contact = forms.CharField(
        label=_("contact (optional)"),
        max_length=100,
        required=False,
        help_text=_("A phone number if you agree to be asked about it."),
    )


class RatingForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["rating", "rating_comment"]
        widgets = {"rating": forms.RadioSelect}
        labels = {
            "rating": _("How satisfied are you with how it was handled?"),
            "rating_comment": _("Anything to tell us (optional)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].required = True
        self.fields["rating"].choices = [
            (stars, "★" * stars) for stars in range(5, 0, -1)
        ]


class ResubmitForm(forms.Form):
    """What the applicant fixes before sending a returned application again."""

    statement = forms.CharField(
        label=_("note to the caseworker"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ApplicationForm.documents:
            self.fields[name] = forms.FileField(
                label=_("scanned document"),
                required=False,
                validators=[check_scanned_document],
                help_text=_("PDF, JPG or PNG, at most 5 MB."),
            )

    def uploads(self) -> list:
        return [
            self.cleaned_data[name]
            for name in ApplicationForm.documents
            if self.cleaned_data.get(name)
        ]


class ObjectionFindingForm(forms.Form):
    """What a caseworker's check of an objection found, kept with the objection."""

    resolution = forms.CharField(
        label=_("Finding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the check found."),
    )


class BankPaidForm(forms.Form):
    """The day the bank paid, as its answer says; paid figures count it then."""

    paid_on = forms.DateField(
        label=_("Paid by the bank on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The bank cannot have paid in the future."))
        return paid_on


class BankResultForm(forms.Form):
    """The bank's result file for a batch (回盘文件), read and checked line by
    line: `result` holds the lines that read well and the problems of the
    others."""

    file = forms.FileField(
        label=_("The bank's result file (.csv or .xlsx)"),
        help_text=_(
            "With the columns 付款流水号, 金额, 状态 (成功 or 失败), 失败原因 and "
            "交易日期; nothing is recorded unless every line fits the batch."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.result = bank_files.read_result_file(upload)
        return upload
