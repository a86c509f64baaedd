"""The caseworkers' back office for graduates: process reports, decide receiving
applications, follow up unemployed graduates, import education lists."""

from functools import partial

from django.contrib import admin, messages
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from graduates import services
from graduates.errors import GraduateError
from graduates.forms import ContactForm, GraduateImportForm, ReceivingForm
from graduates.models import CohortTarget, Graduate, Leaver, ReceivingApplication
from graduates.queries import referral_suggestions
from portal import casework
from portal import services as portal_services
from portal.admin import (
    MaskedIdSearchMixin,
    PerCityRulesAdmin,
    ScopedAdmin,
    export_xlsx,
    is_city_staff,
    service_action,
)
from portal.forms import ReasonForm


def report_awaiting(graduate, user) -> bool:
    return graduate.report_status == Graduate.Report.SUBMITTED


class GraduatePersonMixin(MaskedIdSearchMixin):
    @admin.display(description=_("person"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return obj.person.masked_id_number


@admin.register(Graduate)
class GraduateAdmin(casework.CaseworkMixin, GraduatePersonMixin, ScopedAdmin):
    masked_id_field = "person__id_number"
    # The report's status and area first: they fit at 1280 px without scrolling.
    list_display = [
        "person_name",
        "masked_id_number",
        "report_status",
        "case_area",
        "graduation_year",
        "school",
    ]
    list_filter = [
        "graduation_year",
        "report_status",
        "destination",
        "degree",
        "source",
        "archive_transfer",
        "hukou_transfer",
    ]
    search_fields = ["person__name", "=person__id_number", "school", "major"]
    search_help_text = _(
        "Name, full or masked ID number or its last four characters, school, major."
    )
    list_select_related = ["person", "org_unit"]
    ordering = ["-graduation_year", "-created_at"]
    change_list_template = "admin/graduates/graduate/change_list.html"
    view_on_site = False  # the page on the site is the graduate's own
    actions = ["receive_selected", "return_selected", "export_selected"]
    fields = [
        "person",
        "graduation_year",
        "graduation_date",
        "school",
        "major",
        "degree",
        "origin_code",
        "origin_name",
        "org_unit",
        "destination",
        "employer",
        "employer_name",
        "archive_transfer",
        "hukou_transfer",
        "source",
        "report_status",
        "reported_at",
        "return_reason",
        "processed_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # graduates report online or arrive on an imported list

    def has_change_permission(self, request, obj=None):
        return False

    def has_process_permission(self, request):
        return request.user.has_perm("graduates.change_graduate")

    case_error = GraduateError
    case_queues = [
        casework.Queue(
            name="report",
            label=_("Graduate reports to process"),
            pending=lambda queryset: queryset.filter(report_status="submitted"),
            permission="process",
            since="reported_at",
        )
    ]
    case_decisions = [
        casework.Decision(
            name="receive",
            label=_("Receive the report"),
            service=services.receive_report,
            permission="process",
            done=_("%(case)s: report received."),
            allowed=report_awaiting,
        ),
        casework.Decision(
            name="return",
            label=_("Return with what to fix"),
            service=services.return_report,
            permission="process",
            done=_("%(case)s: returned to the graduate."),
            form_class=ReasonForm,
            allowed=report_awaiting,
        ),
    ]

    def case_record(self, request, obj):
        return casework.person_record(obj.person, request.user)

    def case_checks(self, request, obj):
        """What the report service worked out: the home region (local or not) and
        whether the employer named is a verified employer on file."""
        local = gettext("local") if obj.is_local else gettext("not local")
        region = f"{obj.origin_label}（{local}）"
        checks = [casework.Check(gettext("Home region"), None, region)]
        if obj.employer_name:
            checks.append(
                casework.Check(
                    gettext("Employer found among verified employers"),
                    obj.employer_id is not None,
                    obj.employer_name,
                )
            )
        if obj.destination:
            checks.append(
                casework.Check(
                    gettext("Destination"), None, obj.get_destination_display()
                )
            )
        return checks

    def case_next_step(self, request, obj):
        if obj.report_status == Graduate.Report.SUBMITTED:
            refusal = (
                ""
                if self.has_process_permission(request)
                else gettext("You may not process graduate reports.")
            )
            return casework.NextStep(
                gettext("Receive the report, or return it with what to fix."), refusal
            )
        if obj.report_status == Graduate.Report.RETURNED:
            return casework.NextStep(
                gettext("The graduate fixes it and sends it again.")
            )
        if obj.report_status == Graduate.Report.NONE:
            return casework.NextStep(gettext("None: the graduate has not reported."))
        return casework.NextStep(gettext("None: the report is received."))

    receive_selected = service_action(
        services.receive_report,
        description=_("Receive the selected reports"),
        permission="process",
        error=GraduateError,
        done=ngettext_lazy(
            "%(count)d report received.", "%(count)d reports received.", "count"
        ),
    )

    return_selected = service_action(
        services.return_report,
        description=_("Return for more information"),
        permission="process",
        error=GraduateError,
        done=ngettext_lazy(
            "%(count)d report returned.", "%(count)d reports returned.", "count"
        ),
        ask={"title": _("Return graduate reports")},
    )

    export_selected = export_xlsx(
        "graduates",
        [
            (_("real name"), lambda g: g.person.name),
            (_("ID number"), lambda g: g.person.masked_id_number),
            (_("graduation year"), lambda g: g.graduation_year),
            (_("school"), lambda g: g.school),
            (_("major"), lambda g: g.major),
            (_("degree"), lambda g: g.get_degree_display()),
            (_("home region code"), lambda g: g.origin_code),
            (_("destination"), lambda g: g.get_destination_display()),
            (_("employer"), lambda g: g.where_employed),
            (_("report"), lambda g: g.get_report_status_display()),
        ],
    )

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="graduates_graduate_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not request.user.has_perm("graduates.add_graduate"):
            return redirect("admin:index")
        form = GraduateImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = services.import_graduates(form.rows, by=request.user)
            refused = {**form.row_errors, **result["refused"]}
            result["refused"] = sorted(refused.items())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a list of graduates"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(
            request, "admin/graduates/graduate_import.html", context
        )


@admin.register(ReceivingApplication)
class ReceivingApplicationAdmin(ScopedAdmin):
    list_display = ["graduate", "receiver", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["graduate__person__name", "=graduate__person__id_number"]
    list_select_related = ["graduate__person", "employer"]
    ordering = ["-created_at"]
    actions = ["approve_selected", "refuse_selected"]
    fields = [
        "graduate",
        "employer",
        "kind",
        "reason",
        "status",
        "submitted_by",
        "decided_by",
        "decided_at",
        "refusal_reason",
    ]
    readonly_fields = fields

    change_list_template = "admin/graduates/receivingapplication/change_list.html"

    def has_add_permission(self, request):
        return False  # employers apply online; the talent centre below

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.talent_centre_view)
        return [
            path("talent-centre/", view, name="graduates_receiving_talent_centre"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "files_for_talent_centre": self.has_talent_centre_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def has_talent_centre_permission(self, request):
        # The form finds any graduate of the city by name and ID number.
        return is_city_staff(request.user) and self.has_decide_permission(request)

    def talent_centre_view(self, request):
        """The city talent centre asks to receive a graduate itself."""
        if not self.has_talent_centre_permission(request):
            return redirect("admin:graduates_receivingapplication_changelist")
        form = ReceivingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.apply_to_receive(
                    employer=None, by=request.user, **form.cleaned_data
                )
            except services.GraduateError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Application filed."), messages.SUCCESS)
                return redirect("admin:graduates_receivingapplication_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("The talent centre receives a graduate"),
            "form": form,
        }
        return TemplateResponse(
            request, "admin/graduates/receiving_talent_centre.html", context
        )

    def has_decide_permission(self, request):
        return request.user.has_perm("graduates.decide_receivingapplication")

    @admin.display(description=_("receiver"))
    def receiver(self, obj):
        return obj.receiver

    approve_selected = service_action(
        services.approve_receiving,
        description=_("Approve"),
        permission="decide",
        error=GraduateError,
        done=ngettext_lazy(
            "%(count)d application approved.",
            "%(count)d applications approved.",
            "count",
        ),
    )

    refuse_selected = service_action(
        services.refuse_receiving,
        description=_("Do not approve"),
        permission="decide",
        error=GraduateError,
        done=ngettext_lazy(
            "%(count)d application refused.", "%(count)d applications refused.", "count"
        ),
        ask={"title": _("Refuse receiving applications")},
    )


@admin.register(Leaver)
class LeaverAdmin(MaskedIdSearchMixin, ScopedAdmin):
    masked_id_field = "graduate__person__id_number"
    list_display = [
        "graduate",
        "status",
        "job_wishes",
        "contact_count",
        "last_contact",
        "contact_link",
    ]
    list_filter = ["status", "graduate__graduation_year"]
    view_on_site = False
    search_fields = ["graduate__person__name", "=graduate__person__id_number"]
    list_select_related = ["graduate__person"]
    ordering = ["-created_at"]
    actions = ["mark_employed", "mark_not_seeking", "export_selected"]
    fields = [
        "graduate",
        "job_wishes",
        "service_needs",
        "status",
        "status_changed_on",
        "registered_by",
        "contact_link",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_follow_up_permission(self, request):
        return request.user.has_perm("graduates.follow_up_leaver")

    def get_list_display(self, request):
        if self.has_follow_up_permission(request):
            return self.list_display
        return [column for column in self.list_display if column != "contact_link"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                contact_total=Count("contacts"), last=Max("contacts__contacted_on")
            )
        )

    @admin.display(description=_("contacts"), ordering="contact_total")
    def contact_count(self, obj):
        return obj.contact_total

    @admin.display(description=_("last contact"), ordering="last")
    def last_contact(self, obj):
        return obj.last

    @admin.display(description=_("follow-up"))
    def contact_link(self, obj):
        url = reverse("admin:graduates_leaver_contact", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">{}</a>', url, _("Log a contact")
        )

    mark_employed = service_action(
        partial(services.set_leaver_status, status=Leaver.Status.EMPLOYED),
        description=_("Mark as found work"),
        permission="follow_up",
        error=GraduateError,
        done=ngettext_lazy(
            "%(count)d graduate updated.", "%(count)d graduates updated.", "count"
        ),
    )

    mark_not_seeking = service_action(
        partial(services.set_leaver_status, status=Leaver.Status.NOT_SEEKING),
        description=_("Mark as no wish to work for now"),
        permission="follow_up",
        error=GraduateError,
        done=ngettext_lazy(
            "%(count)d graduate updated.", "%(count)d graduates updated.", "count"
        ),
    )

    export_selected = export_xlsx(
        "unemployed-graduates",
        [
            (_("real name"), lambda x: x.graduate.person.name),
            (_("ID number"), lambda x: x.graduate.person.masked_id_number),
            (_("graduation year"), lambda x: x.graduate.graduation_year),
            (_("status"), lambda x: x.get_status_display()),
            (_("work wanted"), lambda x: x.job_wishes),
            (_("contacts"), lambda x: x.contact_total),
            (_("last contact"), lambda x: x.last),
        ],
    )

    def get_urls(self):
        view = self.admin_site.admin_view(self.contact_view)
        return [
            path("<int:pk>/contact/", view, name="graduates_leaver_contact"),
            *super().get_urls(),
        ]

    def contact_view(self, request, pk):
        leaver = get_object_or_404(
            self.get_queryset(request).select_related("graduate__person"), pk=pk
        )
        if not self.has_follow_up_permission(request):
            return redirect("admin:graduates_leaver_changelist")
        suggestions = referral_suggestions(leaver)
        form = ContactForm(request.POST or None, suggestions=suggestions)
        if request.method == "POST" and form.is_valid():
            services.log_contact(
                leaver,
                by=request.user,
                contacted_on=form.cleaned_data["contacted_on"],
                channel=form.cleaned_data["channel"],
                services=form.cleaned_data["services"],
                note=form.cleaned_data["note"],
                postings=list(form.cleaned_data["referred_postings"]),
            )
            self.message_user(request, _("Contact logged."), messages.SUCCESS)
            return redirect("admin:graduates_leaver_changelist")
        # The number to call, full for staff who may see phones (each view audited).
        person = leaver.graduate.person
        full_phone = person.phone and request.user.has_perm("portal.view_full_identity")
        if full_phone:
            portal_services.reveal_identity(person, by=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Log a contact with %(name)s")
            % {"name": leaver.graduate.person.name},
            "leaver": leaver,
            "phone": person.phone if full_phone else person.masked_phone,
            "full_phone": full_phone,
            "contacts": leaver.contacts.all(),
            "form": form,
        }
        return TemplateResponse(request, "admin/graduates/leaver_contact.html", context)


@admin.register(CohortTarget)
class CohortTargetAdmin(PerCityRulesAdmin):
    service_error = GraduateError
    list_display = [
        "graduation_year",
        "city_or_every",
        "contact_rate",
        "employment_rate",
    ]
    fields = ["city", "graduation_year", "contact_rate", "employment_rate"]

    def save_model(self, request, obj, form, change):
        services.save_cohort_target(
            obj, by=request.user, changed_fields=form.changed_data
        )
