import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from graduates.models import Contact, Graduate, ReceivingApplication, Service
from graduates.services import GraduateRow
from graduates.services.reports import REPORT_FIELDS
from portal.forms import rows_from_upload
from portal.validators import validate_id_number
from registration.forms import DATE_INPUT

MAX_IMPORT_ROWS = 20_000


def year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 6, -1)]


def this_year() -> int:
    return timezone.localdate().year


FIRST_GRADUATION_YEAR = 2000


def is_graduation_year(text: str) -> bool:
    """Four ASCII digits from 2000 to next year: the cohorts the portal records
    (imports and the flows page refuse or ignore any other year)."""
    return bool(re.fullmatch(r"[0-9]{4}", text)) and (
        FIRST_GRADUATION_YEAR <= int(text) <= this_year() + 1
    )


class GraduateReportForm(forms.ModelForm):
    graduation_year = forms.TypedChoiceField(
        label=_("graduation year"), coerce=int, choices=year_choices, initial=this_year
    )

    class Meta:
        model = Graduate
        fields = ["graduation_year", *REPORT_FIELDS]
        widgets = {"graduation_date": DATE_INPUT}
        help_texts = {
            "origin_code": _(
                "Usually the first six digits of your ID number, unless your hukou "
                "moved before university."
            ),
            "employer_name": _("If you have a job: the employer's full name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].required = True
        if self.instance.pk:
            # The year identifies the record; a new year is a new report.
            self.fields["graduation_year"].disabled = True

    def clean_origin_code(self):
        code = self.cleaned_data["origin_code"].strip()
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(_("Enter the six digits of the division code."))
        return code

    def clean(self):
        data = super().clean()
        group = Graduate(destination=data.get("destination", "")).destination_group
        if group in ("agreement_contract", "flexible") and not data.get(
            "employer_name"
        ):
            if data.get("destination") not in ("entrepreneur", "freelance", "military"):
                self.add_error("employer_name", _("Name the employer."))
        return data


class LeaverForm(forms.Form):
    job_wishes = forms.CharField(
        label=_("work wanted"),
        max_length=300,
        help_text=_("The kind of work, area and salary you are looking for."),
    )
    service_needs = forms.MultipleChoiceField(
        label=_("services wanted"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ReceivingForm(forms.ModelForm):
    name = forms.CharField(label=_("graduate's real name"), max_length=50)
    id_number = forms.CharField(label=_("graduate's ID number"), max_length=18)
    graduation_year = forms.TypedChoiceField(
        label=_("graduation year"), coerce=int, choices=year_choices, initial=this_year
    )

    class Meta:
        model = ReceivingApplication
        fields = ["kind", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    field_order = ["name", "id_number", "graduation_year", "kind", "reason"]

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])


class ContactForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("services given"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Contact
        fields = ["contacted_on", "channel", "services", "referred_postings", "note"]
        widgets = {
            "contacted_on": DATE_INPUT,
            "referred_postings": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = timezone.localdate()
        self.fields["referred_postings"].queryset = suggestions
        self.fields["referred_postings"].help_text = _(
            "From the jobs matching for the graduate's resume and from the words of "
            "their wishes and major."
        )
        self.fields["referred_postings"].label_from_instance = lambda p: (
            f"{p.title} · {p.employer.name} · {p.salary_label}"
        )

    def clean_contacted_on(self):
        day = self.cleaned_data["contacted_on"]
        if day > timezone.localdate():
            raise ValidationError(_("This date cannot be later than today."))
        return day


DEGREES = {str(label): value for value, label in Graduate.Degree.choices}
DEGREES.update(
    {
        "专科": "college",
        "大专": "college",
        "本科": "bachelor",
        "硕士": "master",
        "研究生": "master",
        "博士": "doctorate",
    }
)
DESTINATIONS = {str(label): value for value, label in Graduate.Destination.choices}
DESTINATIONS.update(
    {
        "待就业": "seeking",
        "暂不就业": "not_seeking",
        "签就业协议": "agreement",
        "签劳动合同": "contract",
        "升学": "further_study",
        "出国出境": "study_abroad",
        "自主创业": "entrepreneur",
        "自由职业": "freelance",
    }
)


class GraduateImportForm(forms.Form):
    """An education department's list: name, ID number, graduation year, school,
    major, degree, home region code, destination (first row: column names)."""

    file = forms.FileField(label=_("spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        rows = rows_from_upload(upload, max_rows=MAX_IMPORT_ROWS)
        self.rows, self.row_errors = [], {}
        for line, row in rows:
            cells = [str(c if c is not None else "").strip() for c in [*row, *[""] * 8]]
            name, id_number, year, school, major, degree, origin, destination = cells[
                :8
            ]
            problems = []
            try:
                id_number = validate_id_number(id_number)
            except ValidationError as error:
                problems += error.messages
            year = year.removesuffix(".0")
            if not is_graduation_year(year):
                problems.append(str(_("The graduation year is not a year.")))
            if not (name and school and major):
                problems.append(str(_("Name, school and major are required.")))
            if degree not in DEGREES:
                problems.append(str(_("Unknown degree: %(value)s")) % {"value": degree})
            if not (len(origin) == 6 and origin.isdigit()):
                problems.append(str(_("The home region code must be six digits.")))
            if destination and destination not in DESTINATIONS:
                problems.append(
                    str(_("Unknown destination: %(value)s")) % {"value": destination}
                )
            if problems:
                self.row_errors[line] = problems
                continue
            self.rows.append(
                GraduateRow(
                    line=line,
                    name=name,
                    id_number=id_number,
                    graduation_year=int(year),
                    school=school,
                    major=major,
                    degree=DEGREES[degree],
                    origin_code=origin,
                    destination=DESTINATIONS.get(destination, ""),
                )
            )
        return upload
