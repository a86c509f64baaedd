import functools
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from jobs.models import (
    MAX_INTERVIEWERS,
    JobPosting,
    JobType,
    OccupationGroup,
    Resume,
    ResumeEducation,
    ResumeExperience,
    VideoRoom,
)
from portal.forms import StreetChoiceField
from portal.models import Employer, OrgUnit, Person, User, current_districts

# What a machine can check of the rules for online postings
# (docs/postings-and-fairs.md, "Job postings"); the rest is for the caseworker who
# moderates. Each pattern comes with the reason shown.
# (?<![不无]) keeps 不限户籍 and 无限 from matching 限….
_UNTIL_PUNCTUATION = r"[^，。,.；;、\s]{0,6}"
FORBIDDEN_PATTERNS = [
    (
        r"(?<![不无])(仅限|只招|只要|限)[男女]|[男女](性|士)?优先|不招[男女]",
        _("Postings may not restrict or prefer a sex."),
    ),
    (
        rf"(?<![不无])(仅限|只招|只要|限){_UNTIL_PUNCTUATION}族|不招{_UNTIL_PUNCTUATION}族",
        _("Postings may not restrict ethnicity."),
    ),
    (
        rf"(?<![不无])(仅限|只招|只要|限){_UNTIL_PUNCTUATION}(户籍|户口|本地人|籍)"
        rf"|不招{_UNTIL_PUNCTUATION}(外地|外省|籍|户口)|(本地|本市)(户籍|户口)优先",
        _("Postings may not restrict hukou or home region."),
    ),
    (r"信仰|宗教|教徒", _("Postings may not ask about religion.")),
    (
        r"押金|保证金|培训费|服装费|报名费|介绍费|先交|收取.{0,4}费",
        _("Employers may not charge job seekers deposits or fees."),
    ),
    (
        r"高薪|保录|包录|包过|包分配|轻松月入|日赚|稳赚",
        _("Postings may not use bait such as “high pay” or “guaranteed hiring”."),
    ),
]
# "No deposit", "free of any fees": reassurances, not violations.
NEGATED_FEES = re.compile(
    r"(不|无|免|无需|不需|不用|不收|绝不|拒绝|杜绝)[^，。,.；;\s]{0,4}?"
    r"(押金|保证金|培训费|服装费|报名费|介绍费|任何费用|费用|收费)"
)


def rule_violations(text: str) -> list[str]:
    """The reasons why this posting text breaks a machine-checkable rule."""
    text = NEGATED_FEES.sub("", text)
    return [
        str(reason)
        for pattern, reason in FORBIDDEN_PATTERNS
        if re.search(pattern, text)
    ]


class JobPostingForm(forms.ModelForm):
    org_unit = StreetChoiceField(label=_("Workplace street or town"))

    class Meta:
        model = JobPosting
        fields = [
            "title",
            "occupation_group",
            "occupation_name",
            "job_type",
            "headcount",
            "salary_min",
            "salary_max",
            "education",
            "experience_years",
            "description",
            "org_unit",
            "address",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "valid_until",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "latitude": forms.HiddenInput(),
            "longitude": forms.HiddenInput(),
        }
        help_texts = {
            "salary_min": _("Leave both salary fields empty for “negotiable” (面议)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation_group"].choices = [
            ("", _("Please choose")),
            *OccupationGroup.choices,
        ]
        self.fields["education"].choices = [
            ("", _("Any education")),
            *Person.Education.choices,
        ]

    def clean_valid_until(self):
        valid_until = self.cleaned_data["valid_until"]
        today = timezone.localdate()
        if valid_until < today:
            raise ValidationError(_("The closing date cannot be in the past."))
        if (valid_until - today).days > 180:
            raise ValidationError(_("A posting can stay open for at most 180 days."))
        return valid_until

    def clean_latitude(self):
        return self._coordinate("latitude", 18, 54)

    def clean_longitude(self):
        return self._coordinate("longitude", 73, 136)

    def _coordinate(self, name, low, high):
        value = self.cleaned_data.get(name)
        if value is not None and not low <= value <= high:
            raise ValidationError(_("Pick the workplace on the map again."))
        return value

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("salary_min"), cleaned.get("salary_max")
        if (low is None) != (high is None):
            self.add_error(
                "salary_max",
                _("Give both ends of the salary range, or neither for “negotiable”."),
            )
        elif low is not None and low > high:
            self.add_error("salary_max", _("The upper salary is below the lower one."))
        text = " ".join(
            str(cleaned.get(field) or "")
            for field in ("title", "occupation_name", "description")
        )
        for reason in rule_violations(text):
            self.add_error(None, reason)
        return cleaned


class JobMapForm(forms.Form):
    """Where to look on the job map: a point and a radius."""

    RADII = [(1, "1 km"), (3, "3 km"), (5, "5 km"), (10, "10 km")]

    lat = forms.FloatField(min_value=18, max_value=54, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=73, max_value=136, widget=forms.HiddenInput)
    km = forms.TypedChoiceField(
        label=_("Radius"), choices=RADII, coerce=int, initial=3, required=False
    )

    def clean_km(self):
        return self.cleaned_data["km"] or 3


class JobSearchForm(forms.Form):
    """The job search's GET parameters; an invalid one is ignored, never an error."""

    SORTS = [
        ("newest", _("Newest")),
        ("relevance", _("Best match")),
        ("salary", _("Highest salary")),
        ("distance", _("Nearest")),
    ]
    POSTED_WITHIN = [
        ("", _("Any time")),
        ("1", _("Today")),
        ("3", _("Last 3 days")),
        ("7", _("Last week")),
        ("30", _("Last month")),
    ]

    q = forms.CharField(label=_("Keywords"), required=False, max_length=60)
    district = forms.ChoiceField(label=_("District"), required=False)
    occupation = forms.ChoiceField(
        label=_("Occupation group"),
        choices=[("", _("All occupations")), *OccupationGroup.choices],
        required=False,
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        choices=[("", _("All industries")), *Employer.Industry.choices],
        required=False,
    )
    salary_min = forms.IntegerField(
        label=_("Monthly salary at least"), required=False, min_value=0, max_value=10**6
    )
    education = forms.ChoiceField(
        label=_("My education"),
        choices=[("", _("Any education")), *Person.Education.choices],
        required=False,
    )
    job_type = forms.ChoiceField(
        label=_("Job type"),
        choices=[("", _("All job types")), *JobType.choices],
        required=False,
    )
    posted_within = forms.ChoiceField(
        label=_("Posted"), choices=POSTED_WITHIN, required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    lat = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lng = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the choices, the check of the chosen district and the
        # district names among the keywords.
        self.districts = current_districts()
        self.fields["district"].choices = [
            ("", _("All districts")),
            *((unit.code, unit.name) for unit in self.districts),
        ]

    def clean_district(self):
        code = self.cleaned_data["district"]
        return next((unit for unit in self.districts if unit.code == code), None)

    def valid_data(self) -> dict:
        """The parameters that passed their checks; the others are dropped."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def filter_controls(self) -> list[tuple[str, str, str]]:
        """(id, label, HTML) of each filter's control, the same markup as the
        widgets' but joined here: rendering ten widgets through Django's form
        templates took longer than the search's SQL (docs/technical-choices.md,
        "Search at real traffic")."""
        controls = []
        for name, field in self.fields.items():
            if name == "q" or field.widget.is_hidden:
                continue
            controls.append((f"id_{name}", field.label, self.control(name)))
        return controls

    def hidden_controls(self) -> str:
        return mark_safe(
            "".join(
                self.control(name)
                for name, field in self.fields.items()
                if field.widget.is_hidden
            )
        )

    def control(self, name: str) -> str:
        field = self.fields[name]
        value = self.data.get(name)
        value = "" if value is None else str(value)
        invalid = mark_safe(' aria-invalid="true"') if name in self.errors else ""
        if field.widget.is_hidden:
            return format_html(
                '<input type="hidden" name="{0}" id="id_{0}"{1}{2}>',
                name,
                format_html(' value="{}"', value) if value else "",
                invalid,
            )
        if isinstance(field, forms.IntegerField):
            return format_html(
                '<input type="number" name="{0}" min="{1}" max="{2}" id="id_{0}"'
                "{3}{4}>",
                name,
                field.min_value,
                field.max_value,
                format_html(' value="{}"', value) if value else "",
                invalid,
            )
        options = _options(
            tuple((str(code), str(label)) for code, label in field.choices)
        )
        if value:
            option = format_html('<option value="{}"', value)
            options = options.replace(f"{option}>", f"{option} selected>", 1)
        return format_html(
            '<select name="{0}" id="id_{0}"{1}>{2}</select>',
            name,
            invalid,
            mark_safe(options),
        )


@functools.lru_cache(maxsize=64)
def _options(choices: tuple[tuple[str, str], ...]) -> str:
    """The <option>s of a select's (code, label) pairs, none selected: the same few
    lists on every search, in each language."""
    return format_html_join("", '<option value="{}">{}</option>', choices)


class ResumeForm(forms.ModelForm):
    intended_occupation_groups = forms.MultipleChoiceField(
        label=_("Occupation groups wanted"),
        choices=OccupationGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    job_types = forms.MultipleChoiceField(
        label=_("Job types wanted"),
        choices=JobType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Resume
        fields = [
            "intended_occupations",
            "intended_occupation_groups",
            "intended_districts",
            "job_types",
            "expected_salary_min",
            "expected_salary_max",
            "experience_years",
            "skills",
            "certificates",
            "self_introduction",
            "is_public",
        ]
        widgets = {
            "intended_districts": forms.CheckboxSelectMultiple,
            "skills": forms.Textarea(attrs={"rows": 3}),
            "certificates": forms.Textarea(attrs={"rows": 2}),
            "self_introduction": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intended_districts"].queryset = OrgUnit.objects.current().filter(
            level=OrgUnit.Level.DISTRICT
        )

    def clean(self):
        cleaned = super().clean()
        low = cleaned.get("expected_salary_min")
        high = cleaned.get("expected_salary_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "expected_salary_max", _("The upper salary is below the lower one.")
            )
        return cleaned


class DatedEntryForm(forms.ModelForm):
    """A work or education entry: the end, if given, is not before the start."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end is before the start."))
        if start and start > timezone.localdate():
            self.add_error("start_date", _("The start cannot be in the future."))
        return cleaned


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ExperienceFormSet = forms.inlineformset_factory(
    Resume,
    ResumeExperience,
    form=DatedEntryForm,
    fields=["employer_name", "position", "start_date", "end_date", "description"],
    widgets={
        "start_date": DATE_WIDGET,
        "end_date": DATE_WIDGET,
        "description": forms.Textarea(attrs={"rows": 2}),
    },
    extra=1,
    max_num=20,
    can_delete=True,
)
EducationFormSet = forms.inlineformset_factory(
    Resume,
    ResumeEducation,
    form=DatedEntryForm,
    fields=["school", "major", "level", "start_date", "end_date"],
    widgets={"start_date": DATE_WIDGET, "end_date": DATE_WIDGET},
    extra=1,
    max_num=10,
    can_delete=True,
)


class ApplicationForm(forms.Form):
    message = forms.CharField(
        label=_("Note to the employer (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResumeSearchForm(forms.Form):
    occupation = forms.ChoiceField(
        label=_("Occupation group"),
        choices=[("", _("All occupations")), *OccupationGroup.choices],
        required=False,
    )
    q = forms.CharField(label=_("Jobs wanted or skills"), max_length=40, required=False)
    education = forms.ChoiceField(
        label=_("Education at least"),
        choices=[("", _("Any education")), *Person.Education.choices],
        required=False,
    )

    def valid_data(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


class InvitationForm(forms.Form):
    posting = forms.ModelChoiceField(
        label=_("For the job"), queryset=JobPosting.objects.none(), empty_label=None
    )
    scheduled_at = forms.DateTimeField(
        label=_("Interview time"), widget=DATETIME_WIDGET
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video meeting link"),
        required=False,
        assume_scheme="https",
        help_text=_("Give a place, a video meeting link, or both."),
    )
    portal_video = forms.BooleanField(
        label=_("Video interview in the portal"),
        required=False,
        help_text=_(
            "Both sides meet in the portal's video room at the agreed time, "
            "from a computer or a phone browser. Nothing is recorded."
        ),
    )
    interviewers = forms.ModelMultipleChoiceField(
        label=_("Interviewers in the video room"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Up to three of your staff; you when none is chosen."),
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, employer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = JobPosting.objects.published().filter(
            employer=employer
        )
        self.fields["interviewers"].queryset = employer.staff.filter(
            is_active=True
        ).order_by("pk")
        self.fields["interviewers"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

    def clean_interviewers(self):
        interviewers = list(self.cleaned_data["interviewers"])
        if len(interviewers) > MAX_INTERVIEWERS:
            raise ValidationError(
                _("At most %(count)d interviewers.") % {"count": MAX_INTERVIEWERS}
            )
        return interviewers

    def clean_scheduled_at(self):
        moment = self.cleaned_data["scheduled_at"]
        if moment <= timezone.now():
            raise ValidationError(_("Choose a time in the future."))
        return moment

    def clean(self):
        cleaned = super().clean()
        if not (
            cleaned.get("place")
            or cleaned.get("video_url")
            or cleaned.get("portal_video")
        ):
            self.add_error("place", _("Give a place or a video meeting link."))
        return cleaned


class ProposeTimeForm(forms.Form):
    proposed_at = forms.DateTimeField(
        label=_("A time that suits me"), widget=DATETIME_WIDGET
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_proposed_at(self):
        moment = self.cleaned_data["proposed_at"]
        if moment <= timezone.now():
            raise ValidationError(_("Choose a time in the future."))
        return moment


class RescheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("New interview time"), widget=DATETIME_WIDGET
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_scheduled_at(self):
        moment = self.cleaned_data["scheduled_at"]
        if moment <= timezone.now():
            raise ValidationError(_("Choose a time in the future."))
        return moment


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class VideoOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=VideoRoom.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note to the seeker"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VideoRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How good were sound and picture?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
