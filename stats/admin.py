from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from portal.admin import PerCityRulesAdmin
from portal.models import OrgUnit, scope_filter
from stats import services
from stats.errors import StatsError
from stats.models import ClosedPeriod, EmployedPopulation, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(PerCityRulesAdmin):
    service_error = StatsError
    list_display = ["indicator", "direction", "threshold", "city_or_every", "is_active"]
    list_filter = ["is_active"]
    fields = ["city", "indicator", "direction", "threshold", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead: the record stays

    def save_model(self, request, obj, form, change):
        services.save_warning_rule(
            obj, by=request.user, changed_fields=form.changed_data
        )


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(admin.ModelAdmin):
    """Closed on the dashboard by a city leader; never reopened."""

    list_display = ["__str__", "closed_by", "closed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EmployedPopulationForm(forms.ModelForm):
    class Meta:
        model = EmployedPopulation
        fields = ["org_unit", "year", "employed", "source"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        instance = self.instance
        row = EmployedPopulation(
            org_unit=cleaned["org_unit"]
            if "org_unit" in cleaned
            else instance.org_unit,
            year=cleaned.get("year", instance.year),
            employed=cleaned.get("employed", instance.employed),
            source=cleaned.get("source", instance.source),
        )
        problem = services.employed_population_problem(row)
        if problem:
            raise ValidationError(problem)
        return cleaned


@admin.register(EmployedPopulation)
class EmployedPopulationAdmin(admin.ModelAdmin):
    """城镇从业人员 from the statistics bureau: city staff enter it for the city,
    its districts and streets; district staff read their own area's."""

    form = EmployedPopulationForm
    list_display = [
        "org_unit",
        "year",
        "employed",
        "source",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["year"]
    list_select_related = ["org_unit", "entered_by"]
    search_fields = ["org_unit__name", "source"]

    def get_queryset(self, request):
        scope = scope_filter(request.user, "org_unit")
        queryset = super().get_queryset(request)
        return queryset.filter(scope) if scope is not None else queryset.none()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a figure is corrected, not moved to another unit or year
            return ["org_unit", "year", "entered_by", "entered_at"]
        return ["entered_by", "entered_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "org_unit":
            kwargs["queryset"] = (
                OrgUnit.objects.current()
                .for_user(request.user)
                .filter(level__in=services.employed_population.LEVELS)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return services.may_enter_employed_population(
            request.user
        ) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return services.may_enter_employed_population(
            request.user
        ) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # correct the figure instead: the record stays

    def save_model(self, request, obj, form, change):
        services.save_employed_population(
            obj, by=request.user, changed_fields=form.changed_data
        )
