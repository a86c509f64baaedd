"""The subsidy catalogue in the back office: city staff edit types and versions."""

import datetime
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import casework, city_rules
from portal.admin import (
    CityRulesAdmin,
    MaskedIdSearchMixin,
    PerCityRulesAdmin,
    PerCityRulesForm,
    RelatedThroughService,
    ScopedAdmin,
    is_city_staff,
    service_action,
)
from portal.forms import ReasonForm
from portal.models import AuditEntry, OrgUnit, scope_filter
from subsidies import services
from subsidies.eligibility import eligibility_checks
from subsidies.errors import SubsidyError
from subsidies.forms import BankPaidForm, BankResultForm, ObjectionFindingForm
from subsidies.models import (
    Application,
    Decision,
    DisbursementBatch,
    DuplicateSuspect,
    InsuranceYear,
    Objection,
    PayeeAccount,
    Payment,
    PolicyVersion,
    SubsidyType,
)
from subsidies.services import chain, duplicates, payments, refunds

MAX_MESSAGES = 50


def may_pay(user) -> bool:
    """Who makes batches, downloads the bank file and sees whole account numbers:
    city staff who decide applications and may see full ID numbers."""
    return (
        is_city_staff(user)
        and user.has_perm("subsidies.decide_application")
        and user.has_perm("portal.view_full_identity")
    )


def shown_account(account, *, full: bool) -> str:
    """An account as a page shows it: the last four digits, the whole number
    only to those who pay."""
    if account is None:
        return "—"
    if full:
        return f"{account.get_bank_display()} {account.number}"
    return str(account)


class AccountColumns:
    """Admins that show an account: "account_masked" in their fields and list
    becomes "account_full" for those who pay (as EmployerAdmin masks phones)."""

    def _unmasked(self, request, names):
        if not may_pay(request.user):
            return names
        return ["account_full" if n == "account_masked" else n for n in names]

    def get_list_display(self, request):
        return self._unmasked(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._unmasked(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return self._unmasked(request, readonly)


class PolicyVersionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Versions entered together may not overlap each other either: each form
        checks itself against the stored versions only."""
        super().clean()
        periods = []
        for form in self.forms:
            start = form.cleaned_data.get("effective_from")
            if start is None or "effective_to" in form.errors:
                continue
            end = form.cleaned_data.get("effective_to") or datetime.date.max
            if any(start <= other_end and other_start <= end
                   for other_start, other_end in periods):  # fmt: skip
                raise ValidationError(
                    _("Two versions of this subsidy are in force on the same days.")
                )
            periods.append((start, end))


class PolicyVersionInline(admin.StackedInline):
    model = PolicyVersion
    formset = PolicyVersionFormSet
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


class SubsidyTypeForm(PerCityRulesForm):
    def clean(self):
        data = super().clean()
        city = data.get("city") if "city" in self.fields else self.instance.city
        for name in ("excludes", "same_item"):
            rows = data.get(name) or []
            if city is not None and any(
                row.city_id not in (None, city.pk) for row in rows
            ):
                self.add_error(
                    name,
                    _("A city's subsidy is linked only to subsidies offered there."),
                )
        return data


@admin.register(SubsidyType)
class SubsidyTypeAdmin(RelatedThroughService, PerCityRulesAdmin):
    form = SubsidyTypeForm
    service_error = SubsidyError
    list_display = [
        "name",
        "code",
        "city_or_every",
        "applicant",
        "fund",
        "is_active",
        "position",
    ]
    list_filter = ["applicant", "fund", "is_active"]
    search_fields = ["name", "code"]
    fields = [
        "city",
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("excludes", "same_item"):
            scope = city_rules.readable(request.user)
            types = SubsidyType.objects.all()
            kwargs["queryset"] = types if scope is None else types.filter(scope)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_catalogue_entry(
            obj,
            by=request.user,
            changed_fields=form.changed_data,
            related=self.related(form),
        )

    def save_formset(self, request, form, formset, change):
        edited = [
            version_form
            for version_form in formset.forms
            if version_form.has_changed() and version_form.is_valid()
        ]
        # What formset.save() would list, read by the admin's change message.
        formset.new_objects = [f.instance for f in edited if f.instance._state.adding]
        formset.changed_objects = [
            (f.instance, f.changed_data) for f in edited if not f.instance._state.adding
        ]
        formset.deleted_objects = []
        for version_form in edited:
            version_form.instance.subsidy_type = form.instance
        services.save_versions(
            [(f.instance, f.changed_data) for f in edited], by=request.user
        )


def waiting_at_level(queryset, user):
    """Applications to accept or review whose current step is at the user's org
    level (administrators decide at every level)."""
    queryset = queryset.filter(status__in=["submitted", "in_review"])
    if user.is_administrator:
        return queryset
    level = user.org_unit.level if user.org_unit_id else ""
    current = RawSQL(
        "SELECT v.steps[subsidies_application.step + 1] "
        "FROM subsidies_policyversion v "
        "WHERE v.id = subsidies_application.version_id",
        [],
    )
    return queryset.annotate(level_now=current).filter(level_now=level)


def notice_over(queryset):
    return queryset.filter(status="on_notice", notice_ends__lt=timezone.localdate())


def to_pay(queryset):
    """Approved and not with the bank: never paid, or the payment failed."""
    return queryset.filter(status="approved").exclude(payments__status="pending")


class AtMyLevelFilter(admin.SimpleListFilter):
    """Applications waiting for a decision at the caseworker's own org level."""

    title = _("waiting for")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [
            ("me", _("my level")),
            ("notice", _("approval after notice")),
            ("pay", _("payment (approved, not with the bank)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "notice":
            return queryset.filter(status="on_notice")
        if self.value() == "pay":
            return to_pay(queryset)
        if self.value() == "me":
            return waiting_at_level(queryset, request.user)
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


def decider_refusal(application, user, *, level) -> str:
    """Why the user may not decide the application's step (chain.check_decider:
    scope, level, own or a relative's application, separation of duties)."""
    try:
        chain.check_decider(application, user, level=level)
    except SubsidyError as refusal:
        return str(refusal)
    return ""


def at_step(*statuses):
    """A decision open while the application is in one of `statuses` and the
    user may decide its current step."""

    def allowed(application, user):
        return application.status in statuses and not decider_refusal(
            application, user, level=application.current_level
        )

    return allowed


def approvable(application, user):
    return (
        application.status == Application.Status.ON_NOTICE
        and application.notice_ends < timezone.localdate()
        and not application.objections.filter(upheld__isnull=True).exists()
        and not decider_refusal(application, user, level="")
    )


@admin.register(Application)
class ApplicationAdmin(
    AccountColumns, casework.CaseworkMixin, MaskedIdSearchMixin, ScopedAdmin
):
    """Applications of the caseworker's area; the actions move them along the
    version's steps (separation of duties is checked by subsidies/services/chain.py)."""

    masked_id_field = "person__id_number"
    # What a caseworker decides by, narrow enough for 1280 px without scrolling.
    list_display = [
        "applicant",
        "subsidy_type",
        "status",
        "current_level_label",
        "due",
        "case_area",
        "amount",
    ]
    list_filter = [AtMyLevelFilter, "status", "subsidy_type"]
    search_fields = [
        "person__name",
        "=person__id_number",
        "employer__name",
        "=employer__uscc",
    ]
    list_select_related = ["person", "employer", "subsidy_type", "version", "org_unit"]
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
        "account_masked",
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

    @admin.display(description=_("account to pay into"))
    def account_masked(self, obj):
        return shown_account(self._account(obj), full=False)

    @admin.display(description=_("account to pay into"))
    def account_full(self, obj):
        return shown_account(self._account(obj), full=True)

    def _account(self, obj):
        return obj.payee_account or PayeeAccount.objects.on_file(obj)

    @admin.display(description=_("waiting for"))
    def current_level_label(self, obj):
        return dict(OrgUnit.Level.choices).get(obj.current_level, "")

    @admin.display(description=_("due by"), ordering="step_due")
    def due(self, obj):
        if obj.step_due is None:
            return "—"
        if obj.is_overdue:
            return format_html(
                '<span class="casework-late">{} {}</span>',
                obj.step_due.isoformat(),
                _("overdue"),
            )
        return obj.step_due.isoformat()

    case_error = SubsidyError
    case_queues = [
        casework.Queue(
            name="review",
            label=_("Subsidy applications to accept or review"),
            pending=lambda queryset: queryset.filter(
                status__in=["submitted", "in_review"]
            ),
            at_level=waiting_at_level,
            permission="decide",
            due=F("step_due"),
        ),
        casework.Queue(
            name="notice",
            label=_("Subsidy applications whose public notice is over"),
            pending=notice_over,
            permission="decide",
            since="notice_ends",
        ),
        # Paid many at once, in a batch made by the list's action.
        casework.Queue(
            name="pay",
            label=_("Approved subsidy applications to pay"),
            pending=to_pay,
            permission="pay",
            since="updated_at",
            list_query="waiting=pay",
        ),
    ]
    case_decisions = [
        casework.Decision(
            name="accept",
            label=_("Accept for review"),
            service=chain.accept_application,
            permission="decide",
            done=_("%(case)s: accepted for review."),
            allowed=at_step(Application.Status.SUBMITTED),
        ),
        casework.Decision(
            name="pass",
            label=_("Pass this review step"),
            service=chain.pass_step,
            permission="decide",
            done=_("%(case)s: review step passed."),
            allowed=at_step(Application.Status.IN_REVIEW),
        ),
        casework.Decision(
            name="approve",
            label=_("Approve after the public notice"),
            service=chain.approve_application,
            permission="decide",
            done=_("%(case)s: approved."),
            allowed=approvable,
        ),
        casework.Decision(
            name="return",
            label=_("Return with what to fix"),
            service=chain.return_application,
            permission="decide",
            done=_("%(case)s: returned to the applicant."),
            form_class=ReasonForm,
            allowed=at_step(Application.Status.SUBMITTED, Application.Status.IN_REVIEW),
        ),
        casework.Decision(
            name="refuse",
            label=_("Refuse with a reason"),
            service=chain.refuse_application,
            permission="decide",
            done=_("%(case)s: refused."),
            form_class=ReasonForm,
            allowed=at_step(Application.Status.IN_REVIEW, Application.Status.ON_NOTICE),
            danger=True,
        ),
    ]

    def case_record(self, request, obj):
        record = []
        if obj.employer_id is not None:
            record += casework.employer_record(obj.employer, request.user)
        if obj.person_id is not None:
            record += casework.person_record(obj.person, request.user)
        return record

    def case_checks(self, request, obj):
        """The conditions met, then every rule the application breaks today
        (checked again: records change while it waits), look-alikes, open
        objections and, once approved, the checks before paying."""
        checks = [
            casework.Check(check.condition, True, check.reason)
            for check in eligibility_checks(
                obj.version, obj.person, employer=obj.employer
            )
            if check.met
        ]
        refusals = services.submission_refusals(obj)
        checks += [casework.Check(refusal, False) for refusal in refusals]
        if not refusals:
            checks.append(
                casework.Check(gettext("Conditions and double-claim rules"), True)
            )
        for suspect in obj.duplicate_suspects.select_related(
            "other_application__person"
        ):
            checks.append(
                casework.Check(
                    gettext("Looks like %(other)s")
                    % {"other": suspect.other_application},
                    None if suspect.is_duplicate is None else not suspect.is_duplicate,
                    suspect.reason,
                    url=reverse(
                        "admin:subsidies_duplicatesuspect_change", args=[suspect.pk]
                    ),
                )
            )
        for objection in obj.objections.filter(upheld__isnull=True):
            checks.append(
                casework.Check(
                    gettext("Objection still open"),
                    False,
                    objection.text,
                    url=reverse(
                        "admin:subsidies_objection_change", args=[objection.pk]
                    ),
                )
            )
        if obj.status == Application.Status.APPROVED:
            checks += [
                casework.Check(gettext("Before paying"), False, refusal)
                for refusal in services.payment_refusals(obj)
            ]
        return checks

    def case_documents(self, request, obj):
        if not request.user.has_perm("subsidies.view_applicationdocument"):
            return None
        return [
            casework.Document(
                document.name,
                reverse("subsidies:document_download", args=[document.pk]),
            )
            for document in obj.documents.all()
        ]

    def case_next_step(self, request, obj):
        status, user = obj.status, request.user
        level = dict(OrgUnit.Level.choices).get(obj.current_level, "")
        if status == Application.Status.SUBMITTED:
            text = gettext("Acceptance at %(level)s level.") % {"level": level}
        elif status == Application.Status.IN_REVIEW:
            text = gettext("Review at %(level)s level, due by %(date)s.") % {
                "level": level,
                "date": date_format(obj.step_due) if obj.step_due else "—",
            }
        elif status == Application.Status.ON_NOTICE:
            if obj.notice_ends >= timezone.localdate():
                text = gettext(
                    "Approval once the public notice is over (on %(date)s)."
                ) % {"date": date_format(obj.notice_ends)}
            else:
                text = gettext("Approval: the public notice is over.")
        elif status == Application.Status.APPROVED:
            return casework.NextStep(
                gettext("Payment by city staff, in a disbursement batch.")
            )
        elif status == Application.Status.RETURNED:
            return casework.NextStep(
                gettext("The applicant fixes it and sends it again.")
            )
        else:
            return casework.NextStep(gettext("None: the application is closed."))
        level_code = "" if status == Application.Status.ON_NOTICE else obj.current_level
        return casework.NextStep(text, decider_refusal(obj, user, level=level_code))

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
        return may_pay(request.user)

    @admin.action(
        description=_("Pay the selected approved applications (bank file)"),
        permissions=["pay"],
    )
    def pay_selected(self, request, queryset):
        """A batch of those that may be paid; its page lists the payments and
        gives the bank file."""
        try:
            batch, held = payments.create_batch(list(queryset), by=request.user)
        except SubsidyError as error:
            self.message_user(request, str(error), messages.WARNING)
            return None
        for application, reason in held.items():
            self.message_user(request, f"{application}: {reason}", messages.WARNING)
        count = batch.payments.count()
        self.message_user(
            request,
            ngettext(
                "Batch made: %(count)d payment, %(total)s yuan in all. Download "
                "the bank file on this page.",
                "Batch made: %(count)d payments, %(total)s yuan in all. Download "
                "the bank file on this page.",
                count,
            )
            % {"count": count, "total": batch.total},
            messages.SUCCESS,
        )
        return redirect("admin:subsidies_disbursementbatch_change", batch.pk)

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


def application_facts(application, user) -> list[casework.Fact]:
    """An application as a side section shows it: the person masked, and a link
    to its own case page when it is in the user's area."""
    person = application.person
    facts = [
        casework.Fact(
            pgettext_lazy("subsidy", "applicant"),
            f"{application.applicant_name} ({person.masked_id_number})"
            if person is not None
            else application.applicant_name,
        )
    ]
    if person is not None:
        facts += [
            casework.Fact(_("born"), person.birth_date.isoformat()),
            casework.Fact(_("mobile phone"), person.masked_phone or "—"),
        ]
    facts += [
        casework.Fact(_("subsidy type"), str(application.subsidy_type)),
        casework.Fact(_("status"), application.get_status_display()),
        casework.Fact(_("applied at"), str(application.org_unit)),
        casework.Fact(_("submitted on"), casework.iso_date(application.created_at)),
        casework.Fact(_("amount (yuan)"), str(application.amount)),
    ]
    if Application.objects.for_user(user).filter(pk=application.pk).exists():
        facts.append(
            casework.Fact(
                _("case page"),
                str(application),
                url=reverse(
                    "admin:subsidies_application_change", args=[application.pk]
                ),
                link_text=gettext("Open the application"),
            )
        )
    return facts


def unsettled(field: str):
    """A decision open while the task's `field` is unset and the user may decide
    on its application (scope, own or a relative's application, another step
    decided: chain.check_decider)."""

    def allowed(task, user) -> bool:
        if getattr(task, field) is not None:
            return False
        return not decider_refusal(task.application, user, level="")

    return allowed


class ApplicationTaskAdmin(casework.CaseworkMixin, admin.ModelAdmin):
    """Tasks on applications (objections, look-alikes): those of the caseworker's
    area, each settled on its own case page (or many at once by the list's
    actions), through the service."""

    case_error = SubsidyError
    resolution_field = ""  # the field that settles the task
    list_select_related = [
        "application__person",
        "application__employer",
        "application__subsidy_type",
        "application__org_unit",
    ]

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

    @admin.display(description=_("area"), ordering="application__org_unit__code")
    def case_area(self, obj):
        return obj.application.org_unit.name

    def case_version(self, obj):
        state = getattr(obj, self.resolution_field)
        return f"{state}:{obj.application.updated_at.isoformat()}"

    def case_record(self, request, obj):
        application = obj.application
        record = [
            casework.Fact(
                _("subsidy application"),
                str(application),
                url=reverse(
                    "admin:subsidies_application_change", args=[application.pk]
                ),
                link_text=gettext("Open the application"),
            ),
            casework.Fact(_("status"), application.get_status_display()),
        ]
        if application.employer_id is not None:
            record += casework.employer_record(application.employer, request.user)
        if application.person_id is not None:
            record += casework.person_record(application.person, request.user)
        return record

    def case_history(self, request, obj):
        return casework.audit_history(obj.application)

    def case_next_step(self, request, obj):
        if getattr(obj, self.resolution_field) is not None:
            return casework.NextStep(gettext("None: settled."))
        refusal = decider_refusal(obj.application, request.user, level="")
        return casework.NextStep(self.next_step_text, refusal)


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


def open_objections(queryset):
    """Objections not yet settled on applications still on notice (an upheld
    one refuses the application: the others on it have nothing left to stop)."""
    return queryset.filter(
        upheld__isnull=True, application__status=Application.Status.ON_NOTICE
    )


@admin.register(Objection)
class ObjectionAdmin(ApplicationTaskAdmin):
    list_display = ["application", "case_area", "raised_at", "notice_until", "upheld"]
    list_filter = ["upheld"]
    actions = ["uphold_selected", "dismiss_selected"]
    fields = ["application", "text", "contact", "raised_at", "upheld", "resolution"]
    readonly_fields = fields
    resolution_field = "upheld"
    next_step_text = _(
        "Check what the objection says, then dismiss it (the approval goes on) "
        "or uphold it (the application is refused), with your finding."
    )

    uphold_selected = resolve_objections(
        upheld=True, description=_("Uphold: refuse the application")
    )
    dismiss_selected = resolve_objections(
        upheld=False, description=_("Dismiss the objection")
    )

    @admin.display(
        description=_("public notice until"), ordering="application__notice_ends"
    )
    def notice_until(self, obj):
        return casework.iso_date(obj.application.notice_ends)

    # The approval waits on an open objection: it is due by the notice's end.
    case_queues = [
        casework.Queue(
            name="objections",
            label=_("Objections to subsidy notices to check"),
            pending=open_objections,
            permission="decide",
            due=F("application__notice_ends"),
            since="raised_at",
        )
    ]
    case_decisions = [
        casework.Decision(
            name="dismiss",
            label=_("Dismiss the objection"),
            service=partial(chain.resolve_objection, upheld=False),
            permission="decide",
            done=_("%(case)s: objection dismissed."),
            form_class=ObjectionFindingForm,
            allowed=unsettled("upheld"),
        ),
        casework.Decision(
            name="uphold",
            label=_("Uphold: refuse the application"),
            service=partial(chain.resolve_objection, upheld=True),
            permission="decide",
            done=_("%(case)s: objection upheld, the application refused."),
            form_class=ObjectionFindingForm,
            allowed=unsettled("upheld"),
            danger=True,
        ),
    ]

    def case_sections(self, request, obj):
        facts = [
            casework.Fact(_("objection"), obj.text),
            casework.Fact(_("raised at"), date_format(obj.raised_at, "DATE_FORMAT")),
            casework.Fact(_("contact (optional)"), obj.contact or "—"),
            casework.Fact(
                _("public notice until"), casework.iso_date(obj.application.notice_ends)
            ),
        ]
        if obj.upheld is not None:
            facts += [
                casework.Fact(
                    _("outcome"),
                    gettext("upheld") if obj.upheld else gettext("dismissed"),
                ),
                casework.Fact(_("resolution"), obj.resolution),
            ]
        return [casework.Section(gettext("The objection"), facts)]

    def case_checks(self, request, obj):
        others = obj.application.objections.exclude(pk=obj.pk)
        return [
            casework.Check(
                gettext("Other objection to the same application"),
                None if other.upheld is None else not other.upheld,
                other.text,
                url=reverse("admin:subsidies_objection_change", args=[other.pk]),
            )
            for other in others
        ]


@admin.register(DisbursementBatch)
class DisbursementBatchAdmin(admin.ModelAdmin):
    """A batch's page lists its payments and their states, gives the bank file
    (each download audited) and takes the bank's result file."""

    list_display = ["created_at", "total", "payment_count", "status", "created_by"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    fields = ["total", "status", "created_by", "created_at"]
    readonly_fields = fields
    change_form_template = "admin/subsidies/disbursementbatch/change_form.html"

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

    def has_settle_permission(self, request):
        return may_pay(request.user)

    @admin.display(description=_("payments"))
    def payment_count(self, obj):
        return obj.payments.count()

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path(
                "<int:pk>/bank-file/",
                view(self.bank_file_view),
                name="subsidies_disbursementbatch_bank_file",
            ),
            path(
                "<int:pk>/bank-result/",
                view(self.bank_result_view),
                name="subsidies_disbursementbatch_bank_result",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, object_id)
        if batch is None or not self.has_view_permission(request, batch):
            return super().change_view(request, object_id, form_url, extra_context)
        batch_payments = batch.payments.select_related(
            "person", "employer", "subsidy_type", "application", "account"
        ).order_by("pk")
        downloads = AuditEntry.objects.filter(
            action="subsidies.batch.file_downloaded",
            content_type=ContentType.objects.get_for_model(DisbursementBatch),
            object_id=str(batch.pk),
        ).select_related("actor")
        full = may_pay(request.user)
        context = {
            **(extra_context or {}),
            "payments": [
                (payment, shown_account(payment.account, full=full))
                for payment in batch_payments
            ],
            "totals": batch.totals_by_status(),
            "downloads": downloads.order_by("-created_at"),
            "may_download": full,
            "may_import": self.has_settle_permission(request)
            and batch.payments.filter(status=Payment.Status.PENDING).exists(),
            "result_form": BankResultForm(),
        }
        return super().change_view(request, object_id, form_url, context)

    def _batch(self, request, pk) -> DisbursementBatch:
        batch = get_object_or_404(self.get_queryset(request), pk=pk)
        if not (self.has_view_permission(request, batch) and may_pay(request.user)):
            raise PermissionDenied
        return batch

    def bank_file_view(self, request, pk):
        batch = self._batch(request, pk)
        if request.method != "POST":  # every download is recorded
            return HttpResponseNotAllowed(["POST"])
        try:
            name, content = payments.download_bank_file(batch, by=request.user)
        except SubsidyError as error:
            self.message_user(request, str(error), messages.WARNING)
            return redirect("admin:subsidies_disbursementbatch_change", batch.pk)
        response = HttpResponse(content, content_type="text/csv; charset=gb18030")
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def bank_result_view(self, request, pk):
        batch = self._batch(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = BankResultForm(request.POST, request.FILES)
        if not form.is_valid():
            problems = [error for errors in form.errors.values() for error in errors]
            self._report(request, _("Nothing was recorded."), problems)
        else:
            try:
                counts = payments.settle_from_bank_file(
                    batch,
                    form.result,
                    by=request.user,
                    file_name=form.cleaned_data["file"].name[:200],
                )
            except SubsidyError as error:
                self._report(request, str(error), error.problems)
            else:
                self.message_user(
                    request,
                    _(
                        "The bank's result is recorded: %(paid)d paid, %(failed)d "
                        "failed (back in the queue for the next batch)."
                    )
                    % counts,
                    messages.SUCCESS,
                )
        return redirect("admin:subsidies_disbursementbatch_change", batch.pk)

    def _report(self, request, summary, problems):
        self.message_user(request, summary, messages.ERROR)
        for problem in problems[:MAX_MESSAGES]:
            self.message_user(request, problem, messages.ERROR)
        if len(problems) > MAX_MESSAGES:
            more = len(problems) - MAX_MESSAGES
            self.message_user(
                request,
                _("… and %(count)d more problems.") % {"count": more},
                messages.ERROR,
            )


@admin.register(Payment)
class PaymentAdmin(AccountColumns, admin.ModelAdmin):
    list_display = [
        "reference",
        "payee",
        "account_masked",
        "subsidy_type",
        "amount",
        "period_start",
        "period_end",
        "status",
        "paid_on",
        "batch",
    ]
    list_filter = ["status", "subsidy_type"]
    list_select_related = ["person", "employer", "subsidy_type", "batch", "account"]
    search_fields = ["person__name", "employer__name"]
    search_help_text = _("The payee's name, or the payment's reference (付款流水号).")
    actions = ["mark_paid", "mark_failed"]
    fields = [
        "reference",
        "batch",
        "application",
        "employer",
        "person",
        "account_masked",
        "subsidy_type",
        "amount",
        "period_start",
        "period_end",
        "status",
        "paid_on",
        "failure_reason",
    ]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        pk = Payment.pk_from_reference(search_term.strip().upper())
        if pk is not None:
            return queryset.filter(pk=pk), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("reference (付款流水号)"))
    def reference(self, obj):
        return obj.reference

    @admin.display(description=_("paid into"))
    def account_masked(self, obj):
        return shown_account(obj.account, full=False)

    @admin.display(description=_("paid into"))
    def account_full(self, obj):
        return shown_account(obj.account, full=True)

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


def open_suspects(queryset):
    """Look-alikes not yet checked, on applications still going (a refused or
    withdrawn one will never be paid)."""
    return queryset.filter(is_duplicate__isnull=True).exclude(
        application__status__in=[
            Application.Status.REFUSED,
            Application.Status.WITHDRAWN,
        ]
    )


@admin.register(DuplicateSuspect)
class DuplicateSuspectAdmin(ApplicationTaskAdmin):
    """Review tasks: an application is held from payment until decided."""

    list_display = [
        "application",
        "other_application",
        "reason",
        "case_area",
        "created_at",
        "is_duplicate",
    ]
    list_filter = ["is_duplicate"]
    list_select_related = [
        *ApplicationTaskAdmin.list_select_related,
        "other_application__person",
        "other_application__subsidy_type",
    ]
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
    resolution_field = "is_duplicate"
    next_step_text = _(
        "Compare the two applications, then release this one for payment or "
        "confirm the duplicate (held), with your finding."
    )

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

    case_queues = [
        casework.Queue(
            name="duplicates",
            label=_("Look-alike subsidy applications to check"),
            pending=open_suspects,
            permission="decide",
        )
    ]
    case_decisions = [
        casework.Decision(
            name="release",
            label=_("Not a duplicate: release"),
            service=partial(duplicates.resolve_suspect, duplicate=False),
            permission="decide",
            done=_("%(case)s: not a duplicate, released."),
            form_class=ObjectionFindingForm,
            allowed=unsettled("is_duplicate"),
        ),
        casework.Decision(
            name="confirm",
            label=_("A duplicate: keep held"),
            service=partial(duplicates.resolve_suspect, duplicate=True),
            permission="decide",
            done=_("%(case)s: confirmed as a duplicate, held from payment."),
            form_class=ObjectionFindingForm,
            allowed=unsettled("is_duplicate"),
            danger=True,
        ),
    ]

    def case_sections(self, request, obj):
        others = [obj.other_application]
        # Further look-alikes of the same application, open or settled.
        others += [
            suspect.other_application
            for suspect in obj.application.duplicate_suspects.exclude(pk=obj.pk)
            .select_related("other_application__person")
            .order_by("pk")
        ]
        return [
            casework.Section(
                gettext("The similar application")
                if index == 0
                else gettext("Another similar application"),
                application_facts(other, request.user),
            )
            for index, other in enumerate(others)
        ]

    def case_checks(self, request, obj):
        """What the two have in common, for the caseworker to weigh."""
        mine, other = obj.application.person, obj.other_application.person
        if mine is None or other is None:
            return [casework.Check(obj.reason, None)]

        def same(label, a, b):
            return casework.Check(
                label, None, gettext("the same") if a and a == b else gettext("differs")
            )

        return [
            casework.Check(gettext("Why it was flagged"), None, obj.reason),
            same(gettext("Name"), mine.name, other.name),
            same(gettext("Birth date"), mine.birth_date, other.birth_date),
            same(gettext("Mobile phone"), mine.phone, other.phone),
            same(gettext("ID number"), mine.id_number, other.id_number),
        ]


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
