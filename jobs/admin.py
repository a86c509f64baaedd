"""Moderation of job postings in the back office."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from jobs import services
from jobs.errors import JobError
from jobs.models import JobPosting, PostingInterval
from portal.admin import ScopedAdmin, service_action


class PostingIntervalInline(admin.TabularInline):
    """The days the posting was public, as the statistics count them; written by
    the services only."""

    model = PostingInterval
    extra = 0
    fields = [
        "starts_on",
        "ends_on",
        "is_current",
        "org_unit",
        "headcount",
        "occupation_group",
        "industry",
        "ownership",
        "education",
        "salary_min",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("jobs.view_jobposting")


@admin.register(JobPosting)
class JobPostingAdmin(ScopedAdmin):
    list_display = [
        "title",
        "employer",
        "occupation_name",
        "org_unit",
        "status",
        "submitted_at",
        "valid_until",
    ]
    list_filter = ["status", "occupation_group", "job_type", "industry"]
    search_fields = ["title", "occupation_name", "employer__name", "=employer__uscc"]
    list_select_related = ["employer", "org_unit"]
    ordering = ["-submitted_at"]
    actions = ["approve_selected", "reject_selected"]
    inlines = [PostingIntervalInline]
    fields = [
        "employer",
        "title",
        "occupation_group",
        "occupation_name",
        "job_type",
        "industry",
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
        "status",
        "rejection_reason",
        "submitted_at",
        "published_at",
        "reviewed_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # employers post; caseworkers review

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("jobs.moderate_jobposting")

    approve_selected = service_action(
        services.approve_posting,
        description=_("Approve and publish"),
        permission="moderate",
        error=JobError,
        done=ngettext_lazy(
            "%(count)d posting published.", "%(count)d postings published.", "count"
        ),
    )

    reject_selected = service_action(
        services.reject_posting,
        description=_("Return for changes…"),
        permission="moderate",
        error=JobError,
        done=ngettext_lazy(
            "%(count)d posting returned.", "%(count)d postings returned.", "count"
        ),
        ask={"title": _("Return postings for changes")},
    )
