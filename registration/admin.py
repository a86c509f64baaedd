"""The caseworkers' back office for registrations: review, cancel, recognise,
import insurance records. Every action calls a service."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.admin import (
    CityRulesAdmin,
    MaskedIdSearchMixin,
    ScopedAdmin,
    export_xlsx,
    is_city_staff,
    service_action,
)
from portal.models import Person
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


@admin.register(UnemploymentRegistration)
class UnemploymentRegistrationAdmin(PersonColumnsMixin, ScopedAdmin):
    list_display = [
        "person_name",
        "masked_id_number",
        "status",
        "org_unit",
        "created_at",
        "registered_on",
        "last_contact_on",
        "contact_review_due",
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


@admin.register(DifficultyRecognition)
class DifficultyRecognitionAdmin(PersonColumnsMixin, ScopedAdmin):
    list_display = [
        "person_name",
        "masked_id_number",
        "category",
        "status",
        "org_unit",
        "notice_ends",
        "approved_on",
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


class LocalRulesForm(forms.ModelForm):
    class Meta:
        model = LocalRules
        fields = [
            "hire_filing_days",
            "separation_filing_days",
            "self_filing_days",
            "no_contact_months",
            "notice_days",
        ]


@admin.register(LocalRules)
class LocalRulesAdmin(RegistrationRulesAdmin):
    form = LocalRulesForm

    def has_add_permission(self, request):
        return False
