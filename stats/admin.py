from django.contrib import admin

from portal.admin import CityRulesAdmin
from stats import services
from stats.models import ClosedPeriod, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(CityRulesAdmin):
    list_display = ["indicator", "direction", "threshold", "is_active"]
    list_filter = ["is_active"]

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
