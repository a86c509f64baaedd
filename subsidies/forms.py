from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import check_scanned_document
from subsidies.models import Application, PolicyVersion


class ApplicationForm(forms.ModelForm):
    """What the amount rule of the version needs, a note, and up to three scans."""

    documents = [f"document{number}" for number in (1, 2, 3)]

    class Meta:
        model = Application
        fields = ["level", "months", "period_start", "monthly_base", "statement"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        rule = version.amount_rule
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
