from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fairs.models import JobFair
from fairs.services import layout_problems
from jobs.models import JobPosting


class JobFairForm(forms.ModelForm):
    """The back office's form for a fair."""

    class Meta:
        model = JobFair
        fields = [
            "name",
            "kind",
            "industry",
            "description",
            "date",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "latitude",
            "longitude",
            "org_unit",
            "booking_opens",
            "booking_closes",
            "cancel_deadline",
            "checkin_starts",
            "checkin_ends",
            "seeker_capacity",
            "verified_only",
            "max_postings",
            "layout",
            "zone_labels",
        ]
        widgets = {"layout": forms.Textarea(attrs={"rows": 8, "class": "fair-layout"})}

    def clean_layout(self):
        layout = self.cleaned_data["layout"]
        problems = layout_problems(layout)
        if problems:
            raise ValidationError(problems)
        booked = self.instance.pk and self.instance.bookings.exists()
        if booked and layout.upper() != self.instance.layout:
            raise ValidationError(
                _("Booths are booked: the layout can no longer change.")
            )
        return layout.upper()

    def clean(self):
        data = super().clean()
        if data.get("kind") == JobFair.Kind.INDUSTRY and not data.get("industry"):
            self.add_error("industry", _("Name the industry of an industry fair."))
        if data.get("kind") != JobFair.Kind.INDUSTRY and data.get("industry"):
            self.add_error("industry", _("Only an industry fair has an industry."))
        opens, closes = data.get("booking_opens"), data.get("booking_closes")
        if opens and closes and opens >= closes:
            self.add_error("booking_closes", _("Booking must close after it opens."))
        starts, ends = data.get("checkin_starts"), data.get("checkin_ends")
        if starts and ends and starts >= ends:
            self.add_error("checkin_ends", _("Check-in must end after it starts."))
        return data


class BookingForm(forms.Form):
    postings = forms.ModelMultipleChoiceField(
        label=_("job postings to show"),
        queryset=JobPosting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, employer, fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fair = fair
        field = self.fields["postings"]
        field.queryset = JobPosting.objects.published().filter(employer=employer)
        field.label_from_instance = lambda posting: (
            f"{posting.title} · {posting.salary_label}"
        )
        field.help_text = _("At most %(count)d.") % {"count": fair.max_postings}

    def clean_postings(self):
        postings = self.cleaned_data["postings"]
        if postings.query.is_empty():  # none ticked: no query to compile
            return []
        if len(postings) > self.fair.max_postings:
            raise ValidationError(
                _("Choose at most %(count)d job postings."),
                params={"count": self.fair.max_postings},
            )
        return list(postings)
