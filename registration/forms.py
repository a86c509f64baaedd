import datetime

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import rows_from_upload
from portal.models import DifficultyCategory, Person
from portal.validators import validate_id_number
from registration import services
from registration.models import (
    CancellationReason,
    DifficultyRecognition,
    EmploymentRegistration,
    InsuranceImport,
    UnemploymentRegistration,
)
from registration.services import Hire

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_HIRE_ROWS = 500


def not_in_future(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise ValidationError(_("This date cannot be later than today."))
    return day


class UnemploymentForm(forms.ModelForm):
    class Meta:
        model = UnemploymentRegistration
        fields = [
            "cause",
            "unemployed_since",
            "last_employer",
            "last_job",
            "job_wishes",
            "wants_training",
        ]
        widgets = {"unemployed_since": DATE_INPUT}
        help_texts = {
            "job_wishes": _("The kind of work, area and hours you are looking for."),
            "last_employer": _("Leave empty if you have not worked before."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause"].choices = [
            ("", _("Please choose")),
            *UnemploymentRegistration.Cause.choices,
        ]

    def clean_unemployed_since(self):
        return not_in_future(self.cleaned_data["unemployed_since"])


class CounterUnemploymentForm(UnemploymentForm):
    """A caseworker registers someone at the counter (the admin's add form)."""

    class Meta(UnemploymentForm.Meta):
        fields = ["person", *UnemploymentForm.Meta.fields]

    def clean_person(self):
        person = self.cleaned_data["person"]
        refusals = services.unemployment_refusals(person)
        if refusals:
            raise ValidationError(refusals)
        return person


class SelfEmploymentForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("type of employment"),
        choices=[
            (
                EmploymentRegistration.Kind.SELF_EMPLOYED.value,
                EmploymentRegistration.Kind.SELF_EMPLOYED.label,
            ),
            (
                EmploymentRegistration.Kind.FLEXIBLE.value,
                EmploymentRegistration.Kind.FLEXIBLE.label,
            ),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = EmploymentRegistration
        fields = ["kind", "business_name", "start_date"]
        widgets = {"start_date": DATE_INPUT}
        labels = {"business_name": _("Business name or kind of work")}
        help_texts = {
            "business_name": _("E.g. the shop's name, or 网约车司机, 外卖骑手.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_name"].required = True


class EndEmploymentForm(forms.Form):
    end_date = forms.DateField(label=_("last day of work"), widget=DATE_INPUT)
    end_reason = forms.ChoiceField(
        label=_("reason"),
        choices=[
            ("", _("Please choose")),
            *(
                choice
                for choice in EmploymentRegistration.EndReason.choices
                if choice[0] != EmploymentRegistration.EndReason.INSURANCE_ENDED
            ),
        ],
    )


class SeparationForm(EndEmploymentForm):
    """An employer ends several of its current employees' registrations at once."""

    registrations = forms.ModelMultipleChoiceField(
        label=_("employees"),
        queryset=EmploymentRegistration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one employee.")},
    )

    def __init__(self, *args, employer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].queryset = EmploymentRegistration.objects.filter(
            employer=employer, end_date__isnull=True
        ).select_related("person")
        self.fields["registrations"].label_from_instance = lambda r: (
            f"{r.person.name}（{r.person.masked_id_number}）{r.job_title}"
        )


class RecognitionForm(forms.ModelForm):
    class Meta:
        model = DifficultyRecognition
        fields = ["category", "statement"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = DifficultyCategory.objects.filter(
            is_active=True
        )
        self.fields["category"].empty_label = _("Please choose")


# Signed by the jobs app's application page (jobs/views/applications.py) for the
# employer that marked the application hired; read here.
HIRE_PREFILL_SALT = "registration.hire.prefill"
HIRE_PREFILL_DAYS = 7


def hire_prefill(token: str, *, employer_id: int | None) -> dict | None:
    """The row a hired application fills in: the person (whose ID number the
    employer sees masked) and the job, when the token is this employer's."""
    try:
        data = signing.loads(
            token, salt=HIRE_PREFILL_SALT, max_age=HIRE_PREFILL_DAYS * 86400
        )
    except signing.BadSignature:  # also raised when expired
        return None
    if not isinstance(data, dict) or data.get("employer") != employer_id:
        return None
    person = Person.objects.filter(pk=data.get("person")).first()
    if person is None:
        return None
    return {
        "person_ref": token,
        "person": person,
        "name": person.name,
        "id_number": person.masked_id_number,
        "start_date": timezone.localdate(),
        "job_title": str(data.get("job", ""))[:100],
    }


class HireForm(forms.Form):
    name = forms.CharField(label=_("real name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    start_date = forms.DateField(label=_("Date of hire"), widget=DATE_INPUT)
    job_title = forms.CharField(label=_("job"), max_length=100, required=False)
    contract_term = forms.ChoiceField(
        label=_("labour contract"),
        choices=[("", "—"), *EmploymentRegistration.ContractTerm.choices],
        required=False,
    )
    # A row filled in from a hired application: the ID number stays masked on
    # the page and is taken from the registry.
    person_ref = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, employer_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.employer_id = employer_id

    def clean_id_number(self):
        typed = self.cleaned_data["id_number"].strip()
        token = self.data.get(self.add_prefix("person_ref"), "")
        prefill = hire_prefill(token, employer_id=self.employer_id) if token else None
        if prefill and typed == prefill["id_number"]:
            return prefill["person"].id_number
        return validate_id_number(typed)

    def hire(self) -> Hire:
        fields = {k: v for k, v in self.cleaned_data.items() if k != "person_ref"}
        return Hire(**fields)


HireFormSet = forms.formset_factory(
    HireForm, extra=3, max_num=50, validate_max=True, min_num=1, validate_min=True
)


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date like 2026-11-01."), params={"value": text}
    )


class HireUploadForm(forms.Form):
    """A spreadsheet of hires: name, ID number, start date, job, labour contract
    (the first row holds the column names). Each row is checked for shape here;
    the service then checks it against the registry."""

    file = forms.FileField(label=_("spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        rows = rows_from_upload(upload, max_rows=MAX_HIRE_ROWS)
        self.hires, self.lines, self.row_errors = self._read(rows)
        return upload

    @staticmethod
    def _read(rows) -> tuple[list[Hire], list[int], dict[int, list[str]]]:
        contract_terms = {
            str(label): value
            for value, label in EmploymentRegistration.ContractTerm.choices
        }
        hires, lines, errors = [], [], {}
        for line, row in rows:
            cells = [*row, "", "", "", "", ""][:5]
            name, id_number, start, job, term = (
                c if isinstance(c, datetime.date) else str(c or "").strip()
                for c in cells
            )
            problems = []
            if not name:
                problems.append(str(_("The name is missing.")))
            try:
                id_number = validate_id_number(id_number)
            except ValidationError as error:
                problems += error.messages
            try:
                start = _parse_date(start)
            except ValidationError as error:
                problems += error.messages
            if (
                term
                and term not in contract_terms
                and term not in contract_terms.values()
            ):
                problems.append(
                    str(_("Unknown kind of labour contract: %(term)s")) % {"term": term}
                )
            if problems:
                errors[line] = problems
                continue
            lines.append(line)
            hires.append(
                Hire(
                    name=name,
                    id_number=id_number,
                    start_date=start,
                    job_title=job[:100],
                    contract_term=contract_terms.get(term, term),
                )
            )
        return hires, lines, errors


class InsuranceImportForm(forms.ModelForm):
    class Meta:
        model = InsuranceImport
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(_("Upload the enrolment records as a .csv file."))
        return upload


class CancellationForm(forms.Form):
    """The caseworker's reason code for cancelling unemployment registrations."""

    reason = forms.ModelChoiceField(
        label=_("cancellation reason"),
        queryset=CancellationReason.objects.filter(is_active=True),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class RecognitionExitForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("reason for leaving"), choices=DifficultyRecognition.ExitReason.choices
    )
