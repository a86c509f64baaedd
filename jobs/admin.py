"""Moderation of job postings in the back office."""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from jobs import services
from jobs.errors import JobError
from jobs.forms import rule_violations
from jobs.models import JobPosting, PostingInterval
from portal import casework
from portal.admin import ScopedAdmin, service_action
from portal.forms import ReasonForm


def pending(posting, user) -> bool:
    return posting.status == JobPosting.Status.PENDING


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
class JobPostingAdmin(casework.CaseworkMixin, ScopedAdmin):
    # What a moderator decides by, narrow enough for 1280 px without scrolling.
    list_display = [
        "title",
        "employer",
        "status",
        "case_area",
        "submitted_on",
        "open_until",
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

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted_on(self, obj):
        return casework.iso_date(obj.submitted_at)

    @admin.display(description=_("open until"), ordering="valid_until")
    def open_until(self, obj):
        return casework.iso_date(obj.valid_until)

    def view_on_site(self, obj):
        # A posting has a public page only while it is published.
        return obj.get_absolute_url() if obj.is_public else None

    case_error = JobError
    case_queues = [
        casework.Queue(
            name="review",
            label=_("Job postings to review"),
            pending=lambda queryset: queryset.filter(status="pending"),
            permission="moderate",
            since="submitted_at",
        )
    ]
    case_decisions = [
        casework.Decision(
            name="approve",
            label=_("Approve and publish"),
            service=services.approve_posting,
            permission="moderate",
            done=_("%(case)s: published."),
            allowed=pending,
        ),
        casework.Decision(
            name="reject",
            label=_("Return with what to change"),
            service=services.reject_posting,
            permission="moderate",
            done=_("%(case)s: returned to the employer."),
            form_class=ReasonForm,
            allowed=pending,
        ),
    ]

    def case_record(self, request, obj):
        return casework.employer_record(obj.employer, request.user)

    def case_checks(self, request, obj):
        """The posting rules the employer's form checks (they may have changed
        since), and whether the employer is verified."""
        text = " ".join([obj.title, obj.occupation_name, obj.description])
        violations = rule_violations(text)
        checks = [casework.Check(violation, False) for violation in violations]
        if not violations:
            checks.append(casework.Check(gettext("Posting rules"), True))
        checks.append(
            casework.Check(
                gettext("Employer verified"),
                obj.employer.is_verified,
                obj.employer.get_verification_status_display(),
            )
        )
        return checks

    def case_next_step(self, request, obj):
        if obj.status == JobPosting.Status.PENDING:
            refusal = (
                ""
                if self.has_moderate_permission(request)
                else gettext("You may not moderate job postings.")
            )
            return casework.NextStep(
                gettext("Publish it, or return it with what to change."), refusal
            )
        if obj.status == JobPosting.Status.REJECTED:
            return casework.NextStep(
                gettext("The employer changes it and sends it again.")
            )
        if obj.is_public:
            return casework.NextStep(
                gettext("None: published until %(date)s.")
                % {"date": date_format(obj.valid_until)}
            )
        return casework.NextStep(gettext("None: the posting is not on the site."))

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
