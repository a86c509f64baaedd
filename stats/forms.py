from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import OrgUnit
from stats.models import PERIOD_KINDS
from stats.periods import Period


class ReportForm(forms.Form):
    """Kind, period and area of a report: the province, a city or a district of
    the user's own area."""

    kind = forms.ChoiceField(label=_("kind of report"), choices=PERIOD_KINDS)
    period = forms.CharField(
        label=_("period"),
        max_length=7,
        help_text=_(
            "E.g. 2026-10 for a month, 2026-Q3 for a quarter, 2025 for a year."
        ),
    )
    unit = forms.ModelChoiceField(label=_("area"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            OrgUnit.objects.for_user(user)
            .current()
            .filter(level__in=["province", "city", "district"])
        )
        self.fields["unit"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        try:
            period = Period.parse(cleaned.get("period", ""))
        except ValueError:
            raise forms.ValidationError(
                {"period": _("Write the period as 2026-10, 2026-Q3 or 2025.")}
            ) from None
        if period.kind != cleaned.get("kind"):
            raise forms.ValidationError(
                {"period": _("This period does not match the kind of report chosen.")}
            )
        cleaned["period"] = period
        return cleaned
