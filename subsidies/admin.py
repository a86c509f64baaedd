"""The subsidy catalogue in the back office: city staff edit types and versions."""

from functools import partial

from django.contrib import admin, messages
from django.db import models
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from portal.admin import (
    CityRulesAdmin,
    MaskedIdSearchMixin,
    RelatedThroughService,
    ScopedAdmin,
    is_city_staff,
    service_action,
)
from portal.models import OrgUnit, scope_filter
from subsidies import services
from subsidies.errors import SubsidyError
from subsidies.forms import BankPaidForm, ObjectionFindingForm
from subsidies.models import (
    Application,
    Decision,
    DisbursementBatch,
    DuplicateSuspect,
    InsuranceYear,
    Objection,
    Payment,
    PolicyVersion,
    SubsidyType,
)
from subsidies.services import chain, duplicates, payments, refunds


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
        "max_per_year",
        "documents",
        "steps",
        "review_days",
        "notice_days",
        "amounts_are_examples",
        "source",
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # applications will point at versions: end one instead


@admin.register(SubsidyType)
class SubsidyTypeAdmin(RelatedThroughService, CityRulesAdmin):
    list_display = ["name", "code", "applicant", "fund", "is_active", "position"]
    list_filter = ["applicant", "fund", "is_active"]
    search_fields = ["name", "code"]
    fields = [
        "code",
        "name",
        "applicant",
        "fund",
        "summary",
        "excludes",
        "same_item",
        "item",
        "cap_group",
        "cap_months",
        "is_active",
        "position",
    ]
    filter_horizontal = ["excludes", "same_item"]
    inlines = [PolicyVersionInline]

    def save_model(self, request, obj, form, change):
        services.save_catalogue_entry(
            obj,
            by=request.user,
            changed_fields=form.changed_data,
            related=self.related(form),
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


class AtMyLevelFilter(admin.SimpleListFilter):
    """Applications waiting for a decision at the caseworker's own org level."""

    title = _("waiting for")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("me", _("my level")), ("notice", _("approval after notice"))]

    def queryset(self, request, queryset):
        if self.value() == "notice":
            return queryset.filter(status="on_notice")
        if self.value() == "me":
            level = request.user.org_unit.level if request.user.org_unit_id else ""
            current = RawSQL(
                "SELECT v.steps[subsidies_application.step + 1] "
                "FROM subsidies_policyversion v "
                "WHERE v.id = subsidies_application.version_id",
                [],
            )
            return (
                queryset.filter(status__in=["submitted", "in_review"])
                .annotate(level_now=current)
                .filter(level_now=level)
            )
        return queryset


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = [
        "step_number",
        "level_label",
        "kind",
        "reason",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    can_delete = False

    @admin.display(description=_("step"))
    def step_number(self, obj):
        return obj.step + 1

    @admin.display(description=_("org level"))
    def level_label(self, obj):
        return dict(OrgUnit.Level.choices).get(obj.level, "—")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(MaskedIdSearchMixin, ScopedAdmin):
    """Applications of the caseworker's area; the actions move them along the
    version's steps (separation of duties is checked by subsidies/services/chain.py)."""

    masked_id_field = "person__id_number"
    list_display = [
        "applicant",
        "person",
        "subsidy_type",
        "amount",
        "status",
        "current_level_label",
        "step_due",
        "overdue",
    ]
    list_filter = [AtMyLevelFilter, "status", "subsidy_type"]
    search_fields = [
        "person__name",
        "=person__id_number",
        "employer__name",
        "=employer__uscc",
    ]
    list_select_related = ["person", "employer", "subsidy_type", "version"]
    ordering = ["step_due", "-created_at"]
    view_on_site = False
    inlines = [DecisionInline]
    actions = [
        "accept_selected",
        "pass_selected",
        "return_selected",
        "refuse_selected",
        "approve_selected",
        "pay_selected",
    ]
    fields = [
        "employer",
        "person",
        "subsidy_type",
        "version",
        "amount",
        "insurance_year",
        "level",
        "occupation",
        "certificate_number",
        "months",
        "period_start",
        "monthly_base",
        "statement",
        "status",
        "org_unit",
        "submitted_by",
        "step_due",
        "notice_ends",
        "return_reason",
        "rating",
        "rating_comment",
    ]
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("subsidy", "applicant"))
    def applicant(self, obj):
        return obj.applicant_name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn or refused, never deleted: decisions point at it

    def has_decide_permission(self, request):
        return request.user.has_perm("subsidies.decide_application")

    @admin.display(description=_("waiting for"))
    def current_level_label(self, obj):
        return dict(OrgUnit.Level.choices).get(obj.current_level, "")

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    accept_selected = service_action(
        chain.accept_application,
        description=_("Accept for review"),
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d application accepted.",
            "%(count)d applications accepted.",
            "count",
        ),
    )

    pass_selected = service_action(
        chain.pass_step,
        description=_("Pass this review step"),
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d application passed the step.",
            "%(count)d applications passed the step.",
            "count",
        ),
    )

    approve_selected = service_action(
        chain.approve_application,
        description=_("Approve after the public notice"),
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d application approved.",
            "%(count)d applications approved.",
            "count",
        ),
    )

    def has_pay_permission(self, request):
        return is_city_staff(request.user) and request.user.has_perm(
            "subsidies.decide_application"
        )

    @admin.action(
        description=_("Pay the selected approved applications (bank file)"),
        permissions=["pay"],
    )
    def pay_selected(self, request, queryset):
        try:
            batch, held = payments.create_batch(list(queryset), by=request.user)
        except SubsidyError as error:
            self.message_user(request, str(error), messages.WARNING)
            return None
        for application, reason in held.items():
            self.message_user(request, f"{application}: {reason}", messages.WARNING)
        response = HttpResponse(payments.batch_csv(batch), content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="disbursement-{batch.code}.csv"'
        )
        return response

    return_selected = service_action(
        chain.return_application,
        description=_("Return for more information"),
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d application returned.",
            "%(count)d applications returned.",
            "count",
        ),
        ask={"title": _("Return subsidy applications")},
    )

    refuse_selected = service_action(
        chain.refuse_application,
        description=_("Refuse the application"),
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d application refused.", "%(count)d applications refused.", "count"
        ),
        ask={
            "title": _("Refuse subsidy applications"),
            "intro": _(
                "These applications will be refused, and the applicants told "
                "your reason:"
            ),
        },
    )


class ApplicationTaskAdmin(admin.ModelAdmin):
    """Tasks on applications (objections, look-alikes): those of the caseworker's
    area, decided through actions only."""

    def get_queryset(self, request):
        scoped = Application.objects.for_user(request.user)
        return super().get_queryset(request).filter(application__in=scoped)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger and its decisions stay

    def has_decide_permission(self, request):
        return request.user.has_perm("subsidies.decide_application")


def resolve_objections(*, upheld: bool, description):
    """The two ways to close objections differ only in the outcome."""
    return service_action(
        partial(chain.resolve_objection, upheld=upheld),
        description=description,
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d objection resolved.", "%(count)d objections resolved.", "count"
        ),
        ask={
            "title": _("Resolve objections"),
            "intro": _("Your finding is recorded with each objection:"),
            "form_class": ObjectionFindingForm,
        },
    )


@admin.register(Objection)
class ObjectionAdmin(ApplicationTaskAdmin):
    list_display = ["application", "raised_at", "upheld"]
    list_filter = ["upheld"]
    list_select_related = ["application__person", "application__subsidy_type"]
    actions = ["uphold_selected", "dismiss_selected"]
    fields = ["application", "text", "contact", "raised_at", "upheld", "resolution"]
    readonly_fields = fields

    uphold_selected = resolve_objections(
        upheld=True, description=_("Uphold: refuse the application")
    )
    dismiss_selected = resolve_objections(
        upheld=False, description=_("Dismiss the objection")
    )


@admin.register(DisbursementBatch)
class DisbursementBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "total", "status", "created_by"]
    list_filter = ["status"]
    fields = ["total", "status", "created_by", "created_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return is_city_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        # A batch pays every district: only city staff make and read batches.
        return is_city_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False  # made from approved applications

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger and its decisions stay


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "payee",
        "subsidy_type",
        "amount",
        "period_start",
        "period_end",
        "status",
        "paid_on",
        "batch",
    ]
    list_filter = ["status", "subsidy_type"]
    list_select_related = ["person", "employer", "subsidy_type", "batch"]
    actions = ["mark_paid", "mark_failed"]
    fields = [
        "batch",
        "application",
        "employer",
        "person",
        "subsidy_type",
        "amount",
        "period_start",
        "period_end",
        "status",
        "paid_on",
        "failure_reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("payee"))
    def payee(self, obj):
        return obj.payee_name

    def has_module_permission(self, request):
        return is_city_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        # City staff pay and settle; districts follow payment on the application.
        return is_city_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger and its decisions stay

    def has_settle_permission(self, request):
        return is_city_staff(request.user) and request.user.has_perm(
            "subsidies.decide_application"
        )

    mark_paid = service_action(
        partial(payments.settle_payment, paid=True),
        description=_("The bank paid these"),
        permission="settle",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d payment settled.", "%(count)d payments settled.", "count"
        ),
        ask={
            "title": _("Paid by the bank"),
            "intro": _("The bank paid these payments:"),
            "form_class": BankPaidForm,
            "help": _("The payment date in the bank's answer."),
        },
    )

    mark_failed = service_action(
        partial(payments.settle_payment, paid=False),
        description=_("The bank could not pay these (back to the queue)"),
        permission="settle",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d payment settled.", "%(count)d payments settled.", "count"
        ),
        ask={
            "title": _("Failed payments"),
            "intro": _("These payments failed and go back to the queue:"),
            "help": _("What the bank answered, e.g. the account is closed."),
        },
    )


@admin.register(DuplicateSuspect)
class DuplicateSuspectAdmin(ApplicationTaskAdmin):
    """Review tasks: an application is held from payment until decided."""

    list_display = ["application", "other_application", "reason", "is_duplicate"]
    list_filter = ["is_duplicate"]
    list_select_related = ["application__person", "other_application__person"]
    actions = ["not_duplicate", "confirm_duplicate"]
    fields = [
        "application",
        "other_application",
        "reason",
        "created_at",
        "is_duplicate",
        "resolved_by",
    ]
    readonly_fields = fields

    not_duplicate = service_action(
        partial(duplicates.resolve_suspect, duplicate=False),
        description=_("Not a duplicate: release"),
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d review task resolved.",
            "%(count)d review tasks resolved.",
            "count",
        ),
    )

    confirm_duplicate = service_action(
        partial(duplicates.resolve_suspect, duplicate=True),
        description=_("A duplicate: keep held"),
        permission="decide",
        error=SubsidyError,
        done=ngettext_lazy(
            "%(count)d review task resolved.",
            "%(count)d review tasks resolved.",
            "count",
        ),
    )


@admin.register(InsuranceYear)
class InsuranceYearAdmin(CityRulesAdmin):
    """Employers' unemployment-insurance years from the social-insurance agency;
    job-stabilisation refunds are computed from them (nightly, or at once with the
    action)."""

    list_display = [
        "employer",
        "year",
        "contributions",
        "months_paid",
        "layoff_rate_label",
        "refusals",
        "refund",
    ]
    list_filter = ["year", "is_seriously_dishonest"]
    search_fields = ["employer__name", "=employer__uscc"]
    list_select_related = ["employer", "refund"]
    autocomplete_fields = ["employer"]
    actions = ["compute_refunds"]

    def get_queryset(self, request):
        """Caseworkers see the employers of their own area."""
        queryset = super().get_queryset(request)
        scope = scope_filter(request.user, "employer__org_unit")
        return queryset.filter(scope) if scope is not None else queryset.none()

    @admin.display(description=_("layoff rate"))
    def layoff_rate_label(self, obj):
        return f"{obj.layoff_rate()}%"

    @admin.display(description=_("why no refund"))
    def refusals(self, obj):
        return " ".join(refunds.refund_refusals(obj)) or "—"

    def save_model(self, request, obj, form, change):
        services.save_catalogue_entry(
            obj, by=request.user, changed_fields=form.changed_data
        )

    def has_compute_permission(self, request):
        return self.has_change_permission(request)

    @admin.action(
        description=_("Compute the refunds of the selected years now"),
        permissions=["compute"],
    )
    def compute_refunds(self, request, queryset):
        made = sum(
            refunds.compute_refunds(year=year, by=request.user)
            for year in queryset.values_list("year", flat=True).distinct()
        )
        self.message_user(
            request,
            ngettext_lazy(
                "%(count)d refund put into the approval chain.",
                "%(count)d refunds put into the approval chain.",
                "count",
            )
            % {"count": made},
        )
