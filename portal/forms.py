import csv
import io
import itertools

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.backends import login_name
from portal.models import OrgUnit, Person
from portal.throttling import lock_login
from portal.validators import (
    validate_id_number,
    validate_phone,
    validate_uscc,
    validate_working_age,
)

LICENCE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


MAX_SPREADSHEET_BYTES = 10 * 1024 * 1024


def rows_from_upload(upload, *, max_rows: int) -> list[tuple[int, list]]:
    """The data rows of an uploaded .xlsx or .csv (UTF-8 or GB18030) below its
    column names, each with its line number as a spreadsheet shows it; blank
    lines are skipped. Raises ValidationError for a file that cannot be read."""
    if upload.size > MAX_SPREADSHEET_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(upload, max_rows)
    elif name.endswith(".csv"):
        rows = _csv_rows(upload)
    else:
        raise ValidationError(_("Upload an .xlsx or .csv file."))
    numbered = [
        (line, row)
        for line, row in enumerate(rows[1:], start=2)
        if any(str(cell or "").strip() for cell in row)
    ]
    if not numbered:
        raise ValidationError(_("The file has no rows below the column names."))
    if len(numbered) > max_rows:
        raise ValidationError(
            _("At most %(count)d rows per file."), params={"count": max_rows}
        )
    return numbered


def _xlsx_rows(upload, max_rows: int) -> list[list]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).active
        # Stop reading a sheet that is too long: the caller refuses it anyway.
        rows = itertools.islice(sheet.iter_rows(values_only=True), max_rows + 2)
        return [list(row) for row in rows]
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise ValidationError(_("This is not a readable .xlsx file.")) from error


def _csv_rows(upload) -> list[list]:
    data = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(data.decode(encoding))))
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor GB18030 text."))


def check_scanned_document(upload, message=None):
    """An uploaded scan must be a real PDF, JPG or PNG of at most MAX_UPLOAD_BYTES:
    the extension must match the file's first bytes."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    signatures = LICENCE_SIGNATURES.get(extension)
    head = upload.read(8)
    upload.seek(0)
    if not signatures or not head.startswith(signatures):
        raise ValidationError(message or _("Upload a PDF, JPG or PNG file."))
    return upload


def check_licence_file(licence):
    return check_scanned_document(
        licence, _("Upload the licence as a PDF, JPG or PNG file.")
    )


class StreetChoiceField(forms.ModelChoiceField):
    """A current street or town (or, with include_communities, a community),
    labelled with the units above it up to the district."""

    def __init__(self, *, include_communities=False, **kwargs):
        levels = [OrgUnit.Level.STREET]
        if include_communities:
            levels.append(OrgUnit.Level.COMMUNITY)
        queryset = (
            OrgUnit.objects.current()
            .filter(level__in=levels)
            .select_related("parent__parent")
        )
        kwargs.setdefault("empty_label", _("Please choose"))
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        names = [obj.parent.name, obj.name]
        if obj.level == OrgUnit.Level.COMMUNITY:
            names.insert(0, obj.parent.parent.name)
        return " · ".join(names)


class PasswordPairForm(forms.Form):
    """Two password fields, last in the form, checked by Django's validators."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Lazy: the validators' help is translated per request, not at import.
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("Repeat password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([f for f in self.fields if not f.startswith("password")])

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(_("The two passwords do not match."))
        if password2:
            password_validation.validate_password(password2)
        return password2


class SeekerSignupForm(PasswordPairForm):
    name = forms.CharField(label=_("Real name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        help_text=_("18 characters, as on your resident ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    residence = StreetChoiceField(
        label=_("Street or town where you live"),
        help_text=_(
            "Services are provided where you usually live; hukou does not matter."
        ),
    )

    def clean_name(self):
        name = "".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise ValidationError(_("Enter your full name as on your ID card."))
        return name

    def clean_id_number(self):
        number = validate_id_number(self.cleaned_data["id_number"])
        validate_working_age(number)
        return number

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])


class ClaimCodeForm(forms.Form):
    """The code from the SMS that opens a seeker account."""

    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class CounterActivationForm(PasswordPairForm):
    """Opening an account with the activation code a service counter handed out."""

    id_number = forms.CharField(label=_("ID number"), max_length=20)
    code = forms.CharField(
        label=_("Activation code"),
        max_length=8,
        min_length=8,
        help_text=_("8 characters, on the slip from the service counter."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=16,
        required=False,
        help_text=_("Only kept if your record has no phone number yet."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return validate_phone(phone) if phone else phone


class EmployerSignupForm(PasswordPairForm):
    name = forms.CharField(
        label=_("Employer name"),
        max_length=200,
        help_text=_("Exactly as on the business licence."),
    )
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=24)
    org_unit = StreetChoiceField(label=_("Street or town of the workplace"))
    address = forms.CharField(label=_("Address"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Contact mobile phone"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        help_text=_("Review results and password resets are sent here."),
    )
    licence = forms.FileField(
        label=_("Business licence"),
        help_text=_("A scan or photo: PDF, JPG or PNG, at most 5 MB."),
    )

    def clean_uscc(self):
        return validate_uscc(self.cleaned_data["uscc"])

    def clean_contact_phone(self):
        return validate_phone(self.cleaned_data["contact_phone"])

    def clean_licence(self):
        return check_licence_file(self.cleaned_data["licence"])


class OneAttemptAtATimeMixin:
    """For login forms: django-axes refuses a paused login and counts each failure
    (portal/throttling.py); here the attempts at one user name wait for each other,
    so that each one sees the failures of those before it."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username:
            return super().clean()
        with transaction.atomic():
            lock_login(login_name(username))
            try:
                return super().clean()
            except ValidationError as error:
                # Leave the block normally: the failure axes counted is committed.
                refusal = error
        raise refusal


class LoginForm(OneAttemptAtATimeMixin, AuthenticationForm):
    """The site's login: seekers, employers and staff."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The account or password is wrong. Seekers log in with their ID "
            "number, employers with their credit code."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("ID number, credit code or user name")

    def clean_username(self):
        return login_name(self.cleaned_data["username"])

    def get_invalid_login_error(self):
        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login"
        )


class AdminLoginForm(OneAttemptAtATimeMixin, AdminAuthenticationForm):
    """The back office's login (admin.site.login_form)."""


class ProfileForm(forms.ModelForm):
    """What a seeker may complete or correct in their own record."""

    residence = StreetChoiceField(
        label=_("Street, town or community where you live"), include_communities=True
    )
    sms_opt_in = forms.BooleanField(
        label=_("Also tell me by SMS"),
        required=False,
        help_text=_(
            "Decisions, interview invitations and fair bookings also reach your "
            "mobile phone, never between 22:00 and 08:00."
        ),
    )

    class Meta:
        model = Person
        fields = [
            "phone",
            "residence",
            "address",
            "hukou_place",
            "hukou_type",
            "education",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["sms_opt_in"].initial = self.instance.user.sms_opt_in

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])


class ReasonForm(forms.Form):
    """The reason an applicant reads when a caseworker turns something down."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The employer or applicant reads this; say what to correct."),
    )
