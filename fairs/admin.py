"""The caseworkers' back office for job fairs: set up, publish, watch and manage
bookings."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from fairs import services
from fairs.errors import FairError
from fairs.forms import JobFairForm
from fairs.models import (
    BoothBooking,
    Hall,
    JobFair,
    PointsEntry,
    PointsRules,
    Scan,
    Terminal,
    booked_count,
    booth_count,
)
from fairs.services import gate
from fairs.services.points import save_points_rules
from portal.admin import PerCityRulesAdmin, ScopedAdmin, export_xlsx, service_action


@admin.register(JobFair)
class JobFairAdmin(ScopedAdmin):
    form = JobFairForm
    list_display = ["name", "date", "status", "booked", "booth_total", "kind"]
    list_filter = ["status", "kind", ("date", admin.DateFieldListFilter)]
    search_fields = ["name", "venue"]
    list_select_related = ["org_unit"]
    ordering = ["-date"]
    readonly_fields = ["status"]
    actions = ["publish_selected"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "industry", "description", "status"]}),
        (
            _("When and where"),
            {
                "fields": [
                    "date",
                    "starts_at",
                    "ends_at",
                    "venue",
                    "address",
                    "latitude",
                    "longitude",
                    "org_unit",
                ]
            },
        ),
        (
            _("Booking"),
            {
                "fields": [
                    "booking_opens",
                    "booking_closes",
                    "cancel_deadline",
                    "checkin_starts",
                    "checkin_ends",
                ]
            },
        ),
        (_("Rules"), {"fields": ["seeker_capacity", "verified_only", "max_postings"]}),
        (_("Booth layout"), {"fields": ["layout", "zone_labels"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(booked_total=booked_count(), booths_total=booth_count())
        )

    @admin.display(description=_("booked"), ordering="booked_total")
    def booked(self, obj):
        return obj.booked_total

    @admin.display(description=_("booths"), ordering="booths_total")
    def booth_total(self, obj):
        return obj.booths_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "org_unit":  # fairs are run by the city or a district
            field.queryset = field.queryset.filter(level__in=["city", "district"])
        return field

    def save_model(self, request, obj, form, change):
        try:
            services.save_fair(obj, by=request.user, changed_fields=form.changed_data)
        except FairError as error:
            # Nothing of this edit is kept; the caseworker reads why.
            transaction.set_rollback(True)
            self.message_user(request, str(error), messages.ERROR)

    publish_selected = service_action(
        services.publish_fair,
        description=_("Publish the selected fairs"),
        permission="change",
        error=FairError,
        done=ngettext_lazy(
            "%(count)d fair published.", "%(count)d fairs published.", "count"
        ),
    )


@admin.register(BoothBooking)
class BoothBookingAdmin(ScopedAdmin):
    list_display = ["booth", "employer", "status", "is_late_cancel", "signed_in_at"]
    list_filter = ["status", ("fair", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "employer__name",
        "=employer__uscc",
        "booth__number",
        "=short_code",
    ]
    list_select_related = ["fair", "booth", "employer"]
    ordering = ["fair", "booth__number"]
    actions = ["cancel_selected", "export_selected"]
    fields = [
        "fair",
        "booth",
        "employer",
        "status",
        "booked_by",
        "created_at",
        "cancelled_at",
        "cancelled_by",
        "cancel_reason",
        "is_late_cancel",
        "signed_in_at",
        "signed_out_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # employers book online

    def has_change_permission(self, request, obj=None):
        return False  # bookings change through the actions only

    def has_cancel_permission(self, request):
        return request.user.has_perm("fairs.change_boothbooking")

    cancel_selected = service_action(
        services.cancel_booking,
        description=_("Cancel with a reason"),
        permission="cancel",
        error=FairError,
        done=ngettext_lazy(
            "%(count)d booking cancelled.", "%(count)d bookings cancelled.", "count"
        ),
        ask={
            "title": _("Cancel booth bookings"),
            "intro": _("These bookings will be cancelled, and the employers told why:"),
            "help": _(
                "The employer receives this reason; say why the booking is cancelled."
            ),
        },
    )

    export_selected = export_xlsx(
        "booth-bookings",
        [
            (_("job fair"), lambda b: b.fair.name),
            (_("booth number"), lambda b: b.booth.number),
            (_("employer"), lambda b: b.employer.name),
            (_("unified social credit code"), lambda b: b.employer.uscc),
            (_("contact person"), lambda b: b.employer.contact_name),
            (_("contact phone"), lambda b: b.employer.contact_phone),
            (_("status"), lambda b: b.get_status_display()),
            (_("booked at"), lambda b: localtime(b.created_at).replace(tzinfo=None)),
            (
                _("signed in at"),
                lambda b: (
                    localtime(b.signed_in_at).replace(tzinfo=None)
                    if b.signed_in_at
                    else None
                ),
            ),
            (_("reason for cancelling"), lambda b: b.cancel_reason),
        ],
    )


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["scanned_at", "result", "direction", "scanned_by", "annulled_at"]
    list_filter = ["result", "direction", ("fair", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["fair", "scanned_by"]
    ordering = ["-scanned_at"]
    actions = ["annul_selected"]
    fields = [
        "fair",
        "raw",
        "result",
        "direction",
        "scanned_by",
        "scanned_at",
        "booking",
        "seeker_pass",
        "annulled_at",
        "annulled_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        scoped = JobFair.objects.for_user(request.user)
        return super().get_queryset(request).filter(fair__in=scoped)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # wrong scans are annulled, never deleted

    def has_annul_permission(self, request):
        return request.user.has_perm("fairs.annul_scan")

    annul_selected = service_action(
        gate.annul_scan,
        description=_("Annul the selected scans"),
        permission="annul",
        error=FairError,
        done=ngettext_lazy(
            "%(count)d scan annulled.", "%(count)d scans annulled.", "count"
        ),
    )


@admin.register(PointsEntry)
class PointsEntryAdmin(ScopedAdmin):
    list_display = ["created_at", "employer", "reason", "points", "booking"]
    list_filter = ["reason"]
    search_fields = ["employer__name", "=employer__uscc"]
    list_select_related = ["employer", "booking__fair", "booking__booth"]
    readonly_fields = ["employer", "booking", "reason", "points", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointsRules)
class PointsRulesAdmin(PerCityRulesAdmin):
    one_per_city = True
    service_error = FairError
    list_display = ["__str__", "attended", "hired", "late_cancel", "no_show"]
    fields = [
        "city",
        "attended",
        "hired",
        "late_cancel",
        "no_show",
        "no_show_limit",
        "no_show_months",
        "block_days",
    ]

    def save_model(self, request, obj, form, change):
        save_points_rules(obj, by=request.user, changed_fields=form.changed_data)


@admin.register(Hall)
class HallAdmin(ScopedAdmin):
    list_display = ["name", "org_unit", "address", "opening_hours", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["name", "address"]
    list_select_related = ["org_unit"]
    fields = ["name", "org_unit", "address", "opening_hours", "closes_at", "is_open"]

    def save_model(self, request, obj, form, change):
        services.save_hall(obj, by=request.user, fields=form.changed_data)


@admin.register(Terminal)
class TerminalAdmin(ScopedAdmin):
    """Terminals of the halls; a lost or stolen device is revoked in one click."""

    list_display = [
        "name",
        "hall",
        "kind",
        "booth",
        "enrolled",
        "last_seen_at",
        "enrol_link",
        "revoke_button",
    ]
    list_filter = ["kind", ("hall", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "hall__name", "booth"]
    list_select_related = ["hall"]
    fields = [
        "hall",
        "kind",
        "name",
        "booth",
        "enrolled_at",
        "enrolled_by",
        "revoked_at",
        "last_seen_at",
    ]
    readonly_fields = ["enrolled_at", "enrolled_by", "revoked_at", "last_seen_at"]
    actions = ["revoke_selected"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hall":
            kwargs["queryset"] = Hall.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_terminal(obj, by=request.user, fields=form.changed_data)

    @admin.display(description=_("device enrolled"), boolean=True)
    def enrolled(self, obj):
        return obj.is_enrolled

    @admin.display(description=_("enrol"))
    def enrol_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("fairs:terminal_enrol", args=[obj.pk]),
            _("Enrol a device"),
        )

    @admin.display(description=_("revoke"))
    def revoke_button(self, obj):
        if not obj.is_enrolled:
            return "—"
        # Posts the change list's form (with its CSRF token) to the revoke URL.
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post"'
            " formnovalidate>{}</button>",
            reverse("admin:fairs_terminal_revoke", args=[obj.pk]),
            _("Revoke now"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="fairs_terminal_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk):
        terminal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, terminal):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            services.revoke_terminal(terminal, by=request.user)
        except FairError as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            self.message_user(
                request,
                _("%(terminal)s is revoked: its device token no longer works.")
                % {"terminal": terminal},
                messages.SUCCESS,
            )
        return redirect("admin:fairs_terminal_changelist")

    revoke_selected = service_action(
        services.revoke_terminal,
        description=_("Revoke the selected terminals' device tokens"),
        permission="change",
        error=FairError,
        done=ngettext_lazy(
            "%(count)d terminal revoked.", "%(count)d terminals revoked.", "count"
        ),
    )
