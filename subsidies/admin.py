"""The subsidy catalogue in the back office: city staff edit types and versions."""

from django.contrib import admin
from django.db import models

from portal.admin import CityRulesAdmin, MaskedIdSearchMixin, ScopedAdmin
from subsidies import services
from subsidies.models import Application, PolicyVersion, SubsidyType


class PolicyVersionInline(admin.StackedInline):
    model = PolicyVersion
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "label",
        "effective_from",
        "effective_to",
        "eligibility",
        "who_qualifies",
        "amount_rule",
        "amount",
        "level_amounts",
        "monthly_cap",
        "max_months",
        "max_times",
        "documents",
        "steps",
        "notice_days",
        "amounts_are_examples",
        "source",
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # applications will point at versions: end one instead


@admin.register(SubsidyType)
class SubsidyTypeAdmin(CityRulesAdmin):
    list_display = ["name", "code", "applicant", "fund", "is_active", "position"]
    list_filter = ["applicant", "fund", "is_active"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "applicant", "fund", "summary", "excludes",
              "is_active", "position"]  # fmt: skip
    filter_horizontal = ["excludes"]
    inlines = [PolicyVersionInline]

    def save_model(self, request, obj, form, change):
        services.save_catalogue_entry(
            obj, by=request.user, changed_fields=form.changed_data
        )

    def save_formset(self, request, form, formset, change):
        for version_form in formset.forms:
            if version_form.has_changed() and version_form.is_valid():
                version_form.instance.subsidy_type = form.instance
                services.save_catalogue_entry(
                    version_form.instance,
                    by=request.user,
                    changed_fields=version_form.changed_data,
                )


@admin.register(Application)
class ApplicationAdmin(MaskedIdSearchMixin, ScopedAdmin):
    """Incoming applications, scoped to the caseworker's area (the approval chain
    comes with the next step)."""

    masked_id_field = "person__id_number"
    list_display = [
        "person",
        "subsidy_type",
        "amount",
        "status",
        "org_unit",
        "created_at",
    ]
    list_filter = ["status", "subsidy_type"]
    search_fields = ["person__name", "=person__id_number"]
    list_select_related = ["person", "subsidy_type", "org_unit"]
    ordering = ["-created_at"]
    view_on_site = False
    fields = [
        "person",
        "subsidy_type",
        "version",
        "amount",
        "level",
        "months",
        "monthly_base",
        "statement",
        "status",
        "org_unit",
        "submitted_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
