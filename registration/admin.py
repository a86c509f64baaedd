"""The caseworkers' back office for registrations: review, cancel, recognise,
import insurance records. Every action calls a service."""

import datetime

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import DateField, ExpressionWrapper
from django.db.models.functions import TruncDate
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import casework
from portal.admin import (
    CityRulesAdmin,
    MaskedIdSearchMixin,
    PerCityRulesAdmin,
    ScopedAdmin,
    export_xlsx,
    is_city_staff,
    service_action,
)
from portal.forms import ReasonForm
from portal.models import OrgUnit, Person
from registration import services
from registration.errors import RegistrationError
from registration.forms import (
    CancellationForm,
    CounterUnemploymentForm,
    InsuranceImportForm,
    RecognitionExitForm,
)
from registration.models import (
    CancellationReason,
    DifficultyRecognition,
    EmploymentCertificate,
    EmploymentRegistration,
    InsuranceImport,
    LocalRules,
    UnemploymentRegistration,
)

PERSON_SEARCH = [
    "person__name",
    "=person__id_number",
    "=person__employment_certificate__number",
]
PERSON_SEARCH_HELP = _(
    "Name, full or masked ID number (4406**********1234), its last four "
    "characters, or certificate number."
)


class PersonColumnsMixin(MaskedIdSearchMixin):
    masked_id_field = "person__id_number"
    search_fields = PERSON_SEARCH
    search_help_text = PERSON_SEARCH_HELP

    @admin.display(description=_("person"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return obj.person.masked_id_number


# An application is registered within 10 working days: the employment
# certificate that registration issues is due by then; two weeks, weekends
# included (docs/registration.md, "Unemployment registration").
REVIEW_DAYS = 14
REVIEW_DUE = ExpressionWrapper(
    TruncDate("created_at") + REVIEW_DAYS, output_field=DateField()
)


def review_due(registration) -> datetime.date:
    return timezone.localdate(registration.created_at) + datetime.timedelta(
        days=REVIEW_DAYS
    )


def in_status(*statuses):
    def allowed(case, user):
        return case.status in statuses

    return allowed


@admin.register(UnemploymentRegistration)
class UnemploymentRegistrationAdmin(
    casework.CaseworkMixin, PersonColumnsMixin, ScopedAdmin
):
    # What a caseworker decides by, narrow enough for 1280 px without scrolling.
    list_display = [
        "person_name",
        "masked_id_number",
        "status",
        "case_area",
        "applied_on",
        "due",
    ]
    list_filter = [
        "status",
        "contact_review_due",
        "channel",
        "cause",
        "cancellation_reason",
        ("registered_on", admin.DateFieldListFilter),
        ("cancelled_on", admin.DateFieldListFilter),
    ]
    list_select_related = ["person", "org_unit"]
    ordering = ["-created_at"]
    show_full_result_count = False
    autocomplete_fields = ["person"]
    date_hierarchy = "created_at"
    view_on_site = False  # the page on the site is the applicant's own
    actions = [
        "accept_selected",
        "return_selected",
        "cancel_selected",
        "record_contact_selected",
        "export_selected",
    ]
    readonly_fields = [
        "person",
        "org_unit",
        "status",
        "channel",
        "submitted_by",
        "reviewed_by",
        "reviewed_at",
        "return_reason",
        "registered_on",
        "last_contact_on",
        "contact_review_due",
        "cancelled_on",
        "cancellation_reason",
        "cancellation_note",
        *CounterUnemploymentForm.Meta.fields[1:],
    ]

    def has_change_permission(self, request, obj=None):
        return False  # status changes go through the actions

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = CounterUnemploymentForm
        form = super().get_form(request, obj, **kwargs)
        if "person" in form.base_fields:  # the autocomplete only filters suggestions
            field = form.base_fields["person"]
            field.queryset = field.queryset & Person.objects.for_user(request.user)
        return form

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return CounterUnemploymentForm.Meta.fields
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.channel = UnemploymentRegistration.Channel.COUNTER
        try:
            services.apply_for_unemployment(obj, by=request.user)
        except services.RegistrationError as error:
            # The form checked eligibility; this is a race with another counter.
            transaction.set_rollback(True)
            self.message_user(request, str(error), messages.ERROR)

    accept_selected = service_action(
        services.accept_unemployment,
        description=_("Register the selected applicants"),
        permission="review",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d person registered.", "%(count)d people registered.", "count"
        ),
    )

    return_selected = service_action(
        services.return_unemployment,
        description=_("Return for more information (list everything missing)"),
        permission="review",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d application returned.",
            "%(count)d applications returned.",
            "count",
        ),
        ask={"title": _("Return applications for more information")},
    )

    cancel_selected = service_action(
        services.cancel_unemployment,
        description=_("Cancel the registration (注销)"),
        permission="review",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d registration cancelled.",
            "%(count)d registrations cancelled.",
            "count",
        ),
        ask={
            "title": _("Cancel unemployment registrations"),
            "intro": _(
                "These registrations will be cancelled with the reason you choose:"
            ),
            "form_class": CancellationForm,
        },
    )

    record_contact_selected = service_action(
        services.record_contact,
        description=_("Record a contact today"),
        permission="review",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d contact recorded.", "%(count)d contacts recorded.", "count"
        ),
    )

    def has_review_permission(self, request):
        return request.user.has_perm("registration.review_unemploymentregistration")

    @admin.display(description=_("applied"), ordering="created_at")
    def applied_on(self, obj):
        return casework.iso_date(obj.created_at)

    @admin.display(description=_("due by"))
    def due(self, obj):
        if obj.status != UnemploymentRegistration.Status.SUBMITTED:
            return "—"
        day = review_due(obj)
        if day < timezone.localdate():
            late = '<span class="casework-late">{} {}</span>'
            return format_html(late, day.isoformat(), _("overdue"))
        return day.isoformat()

    case_error = RegistrationError
    case_queues = [
        casework.Queue(
            name="review",
            label=_("Unemployment registrations to review"),
            pending=lambda queryset: queryset.filter(status="submitted"),
            permission="review",
            due=REVIEW_DUE,
        ),
        casework.Queue(
            name="contact",
            label=_("Registered people out of contact: confirm or record a contact"),
            pending=lambda queryset: queryset.filter(
                status="registered", contact_review_due=True
            ),
            permission="review",
            since="last_contact_on",
        ),
    ]
    case_decisions = [
        casework.Decision(
            name="accept",
            label=_("Register as unemployed"),
            service=services.accept_unemployment,
            permission="review",
            done=_("%(case)s: registered."),
            allowed=in_status("submitted"),
        ),
        casework.Decision(
            name="return",
            label=_("Return with what to fix"),
            service=services.return_unemployment,
            permission="review",
            done=_("%(case)s: returned to the applicant."),
            form_class=ReasonForm,
            allowed=in_status("submitted"),
        ),
        casework.Decision(
            name="contact",
            label=_("Record a contact today"),
            service=services.record_contact,
            permission="review",
            done=_("%(case)s: contact recorded."),
            allowed=in_status("registered"),
        ),
        casework.Decision(
            name="cancel",
            label=_("Cancel the registration (注销)"),
            service=services.cancel_unemployment,
            permission="review",
            done=_("%(case)s: cancelled."),
            form_class=CancellationForm,
            allowed=in_status("registered"),
            danger=True,
        ),
    ]

    def case_record(self, request, obj):
        return casework.person_record(obj.person, request.user)

    def case_checks(self, request, obj):
        """unemployment_refusals: working age, a current employment (also one
        from the insurance records), another open registration, the residence."""
        checks = []
        if obj.status in ("submitted", "returned"):
            refusals = services.unemployment_refusals(obj.person, pending=obj)
            checks += [casework.Check(refusal, False) for refusal in refusals]
            if not refusals:
                checks.append(
                    casework.Check(
                        gettext("May register as unemployed"),
                        True,
                        gettext(
                            "of working age, not registered as employed (insurance "
                            "records included), no other open registration"
                        ),
                    )
                )
        if obj.contact_review_due:
            last = obj.last_contact_on or obj.registered_on
            checks.append(
                casework.Check(
                    gettext("No contact for six months"),
                    False,
                    gettext("last contact on %(date)s") % {"date": date_format(last)},
                )
            )
        return checks

    def case_next_step(self, request, obj):
        if obj.status == "submitted":
            text = gettext(
                "Review in the person's community or street, or above; register "
                "by %(date)s."
            ) % {"date": date_format(review_due(obj))}
        elif obj.status == "returned":
            return casework.NextStep(
                gettext("The applicant fixes it and sends it again.")
            )
        elif obj.status == "registered" and obj.contact_review_due:
            text = gettext("Confirm the cancellation, or record a contact.")
        elif obj.status == "registered":
            return casework.NextStep(
                gettext("None until the registration ends; record each contact.")
            )
        else:
            return casework.NextStep(gettext("None: the registration is closed."))
        refusal = (
            ""
            if self.has_review_permission(request)
            else gettext("You may not review unemployment registrations.")
        )
        return casework.NextStep(text, refusal)

    export_selected = export_xlsx(
        "unemployment-registrations",
        [
            (_("real name"), lambda r: r.person.name),
            (_("ID number"), lambda r: r.person.masked_id_number),
            (_("status"), lambda r: r.get_status_display()),
            (_("registered at"), lambda r: r.org_unit.name),
            (_("reason for unemployment"), lambda r: r.get_cause_display()),
            (_("applied"), lambda r: timezone.localdate(r.created_at)),
            (_("registered on"), lambda r: r.registered_on),
            (_("last contact"), lambda r: r.last_contact_on),
            (_("cancelled on"), lambda r: r.cancelled_on),
            (_("cancellation reason"), lambda r: r.cancellation_reason or ""),
        ],
    )


@admin.register(EmploymentRegistration)
class EmploymentRegistrationAdmin(PersonColumnsMixin, ScopedAdmin):
    list_display = [
        "person_name",
        "masked_id_number",
        "where",
        "kind",
        "source",
        "start_date",
        "end_date",
        "is_late",
        "is_end_late",
    ]
    list_filter = [
        "kind",
        "source",
        "is_late",
        "is_end_late",
        ("start_date", admin.DateFieldListFilter),
        ("end_date", admin.DateFieldListFilter),
    ]
    search_fields = [*PERSON_SEARCH, "employer__name", "=employer__uscc"]
    search_help_text = _(
        "Name, full or masked ID number, certificate number, employer name or "
        "credit code."
    )
    list_select_related = ["person", "employer"]
    ordering = ["-start_date"]
    show_full_result_count = False  # millions of rows: skip the second count
    date_hierarchy = "start_date"
    actions = ["export_selected"]

    def has_add_permission(self, request):
        return False  # filed by employers and people, or imported

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("employer or business"))
    def where(self, obj):
        return obj.where

    export_selected = export_xlsx(
        "employment-registrations",
        [
            (_("real name"), lambda r: r.person.name),
            (_("ID number"), lambda r: r.person.masked_id_number),
            (_("employer or business"), lambda r: r.where),
            (_("type of employment"), lambda r: r.get_kind_display()),
            (_("source"), lambda r: r.get_source_display()),
            (_("employed from"), lambda r: r.start_date),
            (_("employed until"), lambda r: r.end_date),
            (_("reason for ending"), lambda r: r.get_end_reason_display()),
            (_("filed late"), lambda r: r.is_late),
        ],
    )


@admin.register(EmploymentCertificate)
class EmploymentCertificateAdmin(PersonColumnsMixin, ScopedAdmin):
    list_display = [
        "number",
        "person_name",
        "masked_id_number",
        "issued_on",
        "issued_by",
    ]
    search_fields = ["=number", "person__name", "=person__id_number"]
    list_select_related = ["person", "issued_by"]
    list_filter = [("issued_on", admin.DateFieldListFilter)]
    ordering = ["-issued_on"]
    fields = [
        "number",
        "person",
        "issued_on",
        "issued_by",
        "issued_by_user",
        "verification_link",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # issued by the registration services

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("public check page"))
    def verification_link(self, obj):
        url = obj.get_verification_url()
        return format_html('<a href="{}">{}</a>', url, url)


def recognition_decider_refusal(recognition, user) -> str:
    """Why the user may not take the district's decision (the level, or they
    did the first review)."""
    try:
        services.check_recognition_decider(recognition, user)
    except RegistrationError as refusal:
        return str(refusal)
    return ""


def notice_over(recognition) -> bool:
    return (
        recognition.status == "on_notice"
        and recognition.notice_ends < timezone.localdate()
    )


def recognition_decidable(recognition, user) -> bool:
    return notice_over(recognition) and not recognition_decider_refusal(
        recognition, user
    )


def recognition_refusable(recognition, user) -> bool:
    return recognition.status == "submitted" or (
        recognition.status == "on_notice"
        and not recognition_decider_refusal(recognition, user)
    )


def at_deciding_level(queryset, user):
    """Recognitions are decided at district level (or above it)."""
    unit = user.org_unit if user.org_unit_id else None
    if user.is_administrator or (
        unit is not None and unit.is_at_least(OrgUnit.Level.DISTRICT)
    ):
        return queryset
    return queryset.none()


@admin.register(DifficultyRecognition)
class DifficultyRecognitionAdmin(
    casework.CaseworkMixin, PersonColumnsMixin, ScopedAdmin
):
    list_display = [
        "person_name",
        "masked_id_number",
        "status",
        "category",
        "case_area",
        "notice_until",
    ]
    list_filter = [
        "status",
        "category",
        "exit_reason",
        ("approved_on", admin.DateFieldListFilter),
    ]
    list_select_related = ["person", "category", "org_unit"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    view_on_site = False
    actions = [
        "start_notice_selected",
        "return_selected",
        "approve_selected",
        "refuse_selected",
        "exit_selected",
        "export_selected",
    ]
    fields = [
        "person",
        "category",
        "org_unit",
        "status",
        "statement",
        "submitted_by",
        "return_reason",
        "reviewed_by",
        "notice_starts",
        "notice_ends",
        "decided_by",
        "approved_on",
        "refusal_reason",
        "exited_on",
        "exit_reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("registration.review_difficultyrecognition")

    def has_decide_permission(self, request):
        return request.user.has_perm("registration.decide_difficultyrecognition")

    @admin.display(description=_("notice until"), ordering="notice_ends")
    def notice_until(self, obj):
        return casework.iso_date(obj.notice_ends)

    case_error = RegistrationError
    case_queues = [
        casework.Queue(
            name="review",
            label=_("Employment-difficulty recognitions for first review"),
            pending=lambda queryset: queryset.filter(status="submitted"),
            permission="review",
        ),
        casework.Queue(
            name="decide",
            label=_("Employment-difficulty recognitions to decide after the notice"),
            pending=lambda queryset: queryset.filter(
                status="on_notice", notice_ends__lt=timezone.localdate()
            ),
            at_level=at_deciding_level,
            permission="decide",
            since="notice_ends",
        ),
    ]
    case_decisions = [
        casework.Decision(
            name="notice",
            label=_("First review passed: put on public notice"),
            service=services.start_recognition_notice,
            permission="review",
            done=_("%(case)s: on public notice."),
            allowed=in_status("submitted"),
        ),
        casework.Decision(
            name="approve",
            label=_("Recognise (district decision)"),
            service=services.approve_recognition,
            permission="decide",
            done=_("%(case)s: recognised."),
            allowed=recognition_decidable,
        ),
        casework.Decision(
            name="return",
            label=_("Return with what to fix"),
            service=services.return_recognition,
            permission="review",
            done=_("%(case)s: returned to the applicant."),
            form_class=ReasonForm,
            allowed=in_status("submitted"),
        ),
        casework.Decision(
            name="refuse",
            label=_("Refuse with a reason"),
            service=services.refuse_recognition,
            permission="decide",
            done=_("%(case)s: refused."),
            form_class=ReasonForm,
            allowed=recognition_refusable,
            danger=True,
        ),
    ]

    def case_record(self, request, obj):
        return casework.person_record(obj.person, request.user)

    def case_checks(self, request, obj):
        """The working age and the category's conditions the registry can check
        (category_refusals); the rest the caseworker sees in the papers."""
        today = timezone.localdate()
        problem = obj.person.working_age_problem(today)
        checks = [
            casework.Check(gettext("Working age"), problem is None, problem or "")
        ]
        refusals = services.category_refusals(obj.person, obj.category, day=today)
        checks += [casework.Check(refusal, False) for refusal in refusals]
        if not refusals:
            checks.append(
                casework.Check(
                    gettext("Age and months of unemployment the category asks"), True
                )
            )
        checks.append(
            casework.Check(
                obj.category.name,
                None,
                gettext("Check the documents the applicant shows."),
            )
        )
        return checks

    def case_next_step(self, request, obj):
        if obj.status == "submitted":
            refusal = (
                ""
                if self.has_review_permission(request)
                else gettext("You may not review recognitions.")
            )
            return casework.NextStep(
                gettext("First review by the street or community, or above."),
                refusal,
            )
        if obj.status == "on_notice" and not notice_over(obj):
            return casework.NextStep(
                gettext("District decision once the public notice ends (%(date)s).")
                % {"date": date_format(obj.notice_ends)}
            )
        if obj.status == "on_notice":
            refusal = recognition_decider_refusal(obj, request.user)
            if not self.has_decide_permission(request):
                refusal = gettext("You may not decide recognitions.")
            return casework.NextStep(
                gettext("District decision: the public notice is over."), refusal
            )
        if obj.status == "returned":
            return casework.NextStep(
                gettext("The applicant fixes it and sends it again.")
            )
        if obj.status == "approved":
            return casework.NextStep(
                gettext("None until the person leaves the register.")
            )
        return casework.NextStep(gettext("None: the application is closed."))

    start_notice_selected = service_action(
        services.start_recognition_notice,
        description=_("First review passed: put on public notice"),
        permission="review",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d application put on public notice.",
            "%(count)d applications put on public notice.",
            "count",
        ),
    )

    return_selected = service_action(
        services.return_recognition,
        description=_("Return for more information"),
        permission="review",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d application returned.",
            "%(count)d applications returned.",
            "count",
        ),
        ask={"title": _("Return applications for more information")},
    )

    approve_selected = service_action(
        services.approve_recognition,
        description=_("Approve (district)"),
        permission="decide",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d person recognised.", "%(count)d people recognised.", "count"
        ),
    )

    refuse_selected = service_action(
        services.refuse_recognition,
        description=_("Refuse"),
        permission="decide",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d application refused.", "%(count)d applications refused.", "count"
        ),
        ask={
            "title": _("Refuse recognition"),
            "intro": _(
                "These applications will be refused, and the applicants told "
                "your reason:"
            ),
        },
    )

    exit_selected = service_action(
        services.exit_recognition,
        description=_("Leave the register (exit)"),
        permission="decide",
        error=RegistrationError,
        done=ngettext_lazy(
            "%(count)d person left the register.",
            "%(count)d people left the register.",
            "count",
        ),
        ask={
            "title": _("Leave the employment-difficulty register"),
            "intro": _("These people leave the register under the rule you choose:"),
            "form_class": RecognitionExitForm,
        },
    )

    export_selected = export_xlsx(
        "difficulty-recognitions",
        [
            (_("real name"), lambda r: r.person.name),
            (_("ID number"), lambda r: r.person.masked_id_number),
            (_("category"), lambda r: r.category.name),
            (_("status"), lambda r: r.get_status_display()),
            (_("applied at"), lambda r: r.org_unit.name),
            (_("recognised on"), lambda r: r.approved_on),
            (_("left on"), lambda r: r.exited_on),
            (_("reason for leaving"), lambda r: r.get_exit_reason_display()),
        ],
    )


@admin.register(InsuranceImport)
class InsuranceImportAdmin(admin.ModelAdmin):
    """City-wide data: only city staff import and read the results."""

    def has_module_permission(self, request):
        return is_city_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_city_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_city_staff(request.user) and super().has_add_permission(request)

    list_display = [
        "created_at",
        "status",
        "requested_by",
        "row_count",
        "registered_count",
        "ended_count",
        "unchanged_count",
        "error_count",
    ]
    list_filter = ["status"]
    ordering = ["-created_at"]
    change_form_template = "admin/registration/insuranceimport/change_form.html"
    add_form_template = "admin/registration/insuranceimport/add_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InsuranceImportForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["file"] if obj is None else []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the progress page.
        return HttpResponseRedirect(
            reverse("admin:registration_insuranceimport_change", args=[obj.pk])
        )

    def save_model(self, request, obj, form, change):
        services.queue_insurance_import(obj, by=request.user)


class RegistrationRulesAdmin(CityRulesAdmin):
    def save_model(self, request, obj, form, change):
        services.save_local_setting(
            obj, by=request.user, changed_fields=form.changed_data
        )


@admin.register(CancellationReason)
class CancellationReasonAdmin(RegistrationRulesAdmin):
    list_display = ["name", "code", "counts_as_reemployment", "is_active", "position"]
    list_editable = ["is_active", "position"]
    ordering = ["position"]


@admin.register(LocalRules)
class LocalRulesAdmin(PerCityRulesAdmin):
    """The top unit's staff edit every city's rules; a city's staff (in a
    province) add their own city's once and edit it."""

    one_per_city = True
    service_error = RegistrationError
    fields = [
        "city",
        "hire_filing_days",
        "separation_filing_days",
        "self_filing_days",
        "no_contact_months",
        "notice_days",
    ]
    list_display = [
        "__str__",
        "hire_filing_days",
        "separation_filing_days",
        "self_filing_days",
        "no_contact_months",
        "notice_days",
    ]

    def save_model(self, request, obj, form, change):
        services.save_local_setting(
            obj, by=request.user, changed_fields=form.changed_data
        )
