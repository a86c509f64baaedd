"""The caseworkers' back office for the core registries."""

import datetime
import io
import re

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import (
    AdminFileWidget,
    AdminSplitDateTime,
    AutocompleteSelect,
)
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import BLANK_CHOICE_DASH
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django_q.admin import ScheduleAdmin as DjangoQScheduleAdmin
from django_q.models import Schedule

from portal import city_rules, replicas, services
from portal.casework import EmployerCasework
from portal.errors import PortalError
from portal.exports import xlsx_row
from portal.forms import AdminLoginForm, ReasonForm, check_licence_file
from portal.models import (
    AccountClaim,
    AuditEntry,
    DifficultyCategory,
    Employer,
    OrgUnit,
    Person,
    Recusal,
    SmsMessage,
    User,
)
from portal.privacy import mask_id_number, mask_phone
from portal.validators import validate_id_number, validate_phone, validate_uscc

MASKED_ID_PATTERN = re.compile(r"^\d{4}\*{6,10}\d{3}[\dX]$")
ID_NUMBER_PATTERN = re.compile(r"^\d{17}[\dX]$")
LAST_FOUR_PATTERN = re.compile(r"^\d{3}[\dX]$")

admin.site.site_header = _("Public Employment Service Platform · Back Office")
admin.site.site_title = _("Back Office")
admin.site.index_title = _("Caseworker back office")
# Throttled like the site's login (portal/throttling.py).
admin.site.login_form = AdminLoginForm


def service_action(service, *, description, permission, error, done, ask=None):
    """An admin action built from a service, a permission and a message.

    It calls `service(row, by=<the user>)` on each selected row, reports each
    refusal (`error`, the app's exception) and then `done`, an ngettext_lazy with
    "count" as its number. With `ask` (title, and optionally intro, help and
    form_class; ReasonForm by default) it first shows a form whose fields the
    service receives as keyword arguments.
    """

    @admin.action(description=description, permissions=[permission])
    def action(model_admin, request, queryset):
        def run(obj, **fields):
            return service(obj, by=request.user, **fields)

        if ask is None:
            return run_on_selected(model_admin, request, queryset, run, error, done)
        return _ask_then_run(model_admin, request, queryset, run, error, done, **ask)

    return action


def run_on_selected(model_admin, request, queryset, run, error, done) -> None:
    """Run on each selected row; report refusals one by one, then a total."""
    count = 0
    for obj in queryset:
        try:
            run(obj)
            count += 1
        except error as refusal:
            model_admin.message_user(request, str(refusal), messages.WARNING)
    if count:
        model_admin.message_user(request, done % {"count": count}, messages.SUCCESS)


def _ask_then_run(model_admin, request, queryset, run, error, done, **ask):
    form_class = ask.get("form_class", ReasonForm)
    first_field = next(iter(form_class.base_fields))
    form = form_class(request.POST if first_field in request.POST else None)
    if "help" in ask:
        form.fields[first_field].help_text = ask["help"]
    if form.is_bound and form.is_valid():
        fields = form.cleaned_data
        run_on_selected(
            model_admin, request, queryset, lambda obj: run(obj, **fields), error, done
        )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "objects": queryset,
        "action": request.POST.get("action"),
        "title": ask["title"],
        "intro": ask.get(
            "intro", _("These will be returned, and their owners told your reason:")
        ),
    }
    return render(request, "admin/reject_with_reason.html", context)


def export_xlsx(filename: str, columns: list[tuple[str, object]]):
    """An admin action that downloads the selected rows as an .xlsx workbook.

    `columns` holds (heading, function of a row) pairs; ID numbers stay masked.
    """

    @admin.action(description=_("Export the selected rows to Excel (.xlsx)"))
    def action(model_admin, request, queryset):
        from openpyxl import Workbook

        def workbook_bytes() -> bytes:
            workbook = Workbook(write_only=True)
            title = str(model_admin.model._meta.verbose_name_plural)
            sheet = workbook.create_sheet(title)
            sheet.append(xlsx_row(sheet, [heading for heading, _value in columns]))
            for obj in queryset:
                row = [value(obj) for _heading, value in columns]
                sheet.append(xlsx_row(sheet, row))
            buffer = io.BytesIO()
            workbook.save(buffer)
            return buffer.getvalue()

        response = HttpResponse(
            replicas.read_from_replica(workbook_bytes),
            content_type="application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response

    return action


class RelatedThroughService:
    """For admins whose form edits many-to-many fields: save_model hands their new
    values to the service (`self.related(form)`), which sets and audits them with
    the row; only inline formsets are saved afterwards."""

    def related(self, form) -> dict:
        names = {field.name for field in form.instance._meta.many_to_many}
        return {
            name: form.cleaned_data[name] for name in form.changed_data if name in names
        }

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's, shown again after a posted value that is no id of the related
    table (the form already says "select a valid choice"): Django would look the
    value up and fail on it."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, [v for v in value if self._is_id(v)], attr)
        # Valid HTML for the select the script replaces: an empty first option
        # with text, also when a value is required (the script offers no blank).
        options = groups[0][1]
        if not options or options[0]["value"] != "":
            options.insert(0, self.create_option(name, "", "", False, 0))
        options[0]["label"] = BLANK_CHOICE_DASH[0][1]
        for index, option in enumerate(options):
            option["index"] = str(index)
        return groups

    def _is_id(self, value) -> bool:
        target = self.field.target_field
        try:
            target.run_validators(target.to_python(value))
        except ValidationError:
            return False
        return True


class CheckedInputMixin:
    """Junk in a change list's query string or in an add form's related ids gets
    the admin's own answers instead of a 500. config/admin.py gives it to every
    registered admin, ours and those of the packages we use."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            # Django checks a filter's value when it builds the query, but a year
            # no date can have (?created_at__year=-1, a date hierarchy's 9999)
            # fails only when the list is counted: the same "invalid lookup".
            raise IncorrectLookupParameters(error) from error

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, AdminSplitDateTime):
            # Django shows "Date:" and "Time:" as bare text: each box gets a name.
            label = capfirst(db_field.verbose_name)
            date, time = field.widget.widgets
            date.attrs["aria-label"] = _("%(field)s: date") % {"field": label}
            time.attrs["aria-label"] = _("%(field)s: time") % {"field": label}
        return field

    def get_changelist_form(self, request, **kwargs):
        """Boxes edited in a change list are named by their column and their row."""
        form_class = super().get_changelist_form(request, **kwargs)

        class LabelledForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    field.widget.attrs.setdefault(
                        "aria-label", f"{field.label} · {self.instance}"
                    )

        return LabelledForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def is_city_staff(user) -> bool:
    """Staff of the top unit (the city; in a provincial portal, the province): the
    pages for the whole area (rules, payments, imports) are not scoped by city."""
    if not user.is_authenticated:
        return False
    return user.is_administrator or (
        user.org_unit_id is not None and user.org_unit.is_top
    )


class CityRulesAdmin(admin.ModelAdmin):
    """Rules, targets and reason lists apply to the whole city: only city staff
    edit them (subclasses save through their app's service)."""

    def has_change_permission(self, request, obj=None):
        return is_city_staff(request.user) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return is_city_staff(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class PerCityRulesForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The city is read-only once set, yet a row's uniqueness within its city
        # (a year's target) still holds when another field changes.
        return super()._get_validation_exclusions() - {"city"}


class PerCityRulesAdmin(admin.ModelAdmin):
    """Rules a city may set for itself (a `city` field, empty for every city
    without its own; portal/city_rules.py): the top unit's staff see and edit
    every row; a city's staff add and edit their own city's rows and read the
    rows without a city; staff below a city read both. Subclasses save through
    their app's service, which checks the same."""

    form = PerCityRulesForm
    one_per_city = False  # one row per city (and one without)
    service_error: type[Exception] | tuple = ()  # what the app's service raises

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except self.service_error as error:
            if not isinstance(error.__cause__, IntegrityError):
                raise
            # The same rule saved twice at once (a double submit, two colleagues):
            # the first is kept, the second says why it was not.
            self.message_user(request, str(error), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            )

    @admin.display(description=_("city"), ordering="city__code")
    def city_or_every(self, obj):
        return obj.city or _("every city")

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("city")
        scope = city_rules.readable(request.user)
        return rows if scope is None else rows.filter(scope)

    def _may_add(self, request) -> bool:
        if city_rules.keeps_every_city(request.user):
            return True
        city = city_rules.own_city(request.user)
        if city is None:
            return False
        return not (self.one_per_city and self.model.objects.filter(city=city).exists())

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._may_add(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return city_rules.keeps_every_city(request.user) or (
                city_rules.own_city(request.user) is not None
            )
        return city_rules.may_edit(request.user, obj.city_id)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "city"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "city":
            cities = OrgUnit.objects.current().filter(level=OrgUnit.Level.CITY)
            if not city_rules.keeps_every_city(request.user):
                own = city_rules.own_city(request.user)
                cities = cities.filter(pk=own.pk if own else None)
                # The rows of every city are the top unit's to keep.
                kwargs["required"] = True
            if self.one_per_city:
                taken = self.model.objects.filter(city__isnull=False).values("city")
                cities = cities.exclude(pk__in=taken)
            kwargs["queryset"] = cities
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MaskedIdSearchMixin:
    """Search also by a masked ID number as lists show it (4406**********1234)."""

    masked_id_field = "id_number"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if LAST_FOUR_PATTERN.match(term):
            # The last four characters, as people read them out on the phone.
            matches = queryset.filter(**{f"{self.masked_id_field}__endswith": term})
            return matches, False
        if MASKED_ID_PATTERN.match(term):
            matches = queryset.filter(
                **{
                    f"{self.masked_id_field}__startswith": term[:4],
                    f"{self.masked_id_field}__endswith": term[-4:],
                }
            )
            return matches, False
        return super().get_search_results(request, queryset, search_term)


class ScopedAdmin(admin.ModelAdmin):
    """Caseworkers and leaders see their own org unit and everything below it.
    Registry rows are never deleted here: services end, cancel or deactivate them,
    with an audit entry."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset & self.model.objects.for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is OrgUnit:
            units = OrgUnit.objects.current().for_user(request.user)
            kwargs["queryset"] = units.select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]

    def get_readonly_fields(self, request, obj=None):
        # A division code is the unit's identity: records and the job list's
        # copies hold it, and a re-division makes a new unit and ends the old one
        # (valid_from, valid_to) rather than renumbering it.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else [*readonly, "code"]

    def save_model(self, request, obj, form, change):
        services.save_org_unit(obj, by=request.user, changed_fields=form.changed_data)


@admin.register(DifficultyCategory)
class DifficultyCategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "min_age_women",
        "min_age_men",
        "min_unemployed_months",
        "sensitive",
        "is_active",
        "position",
    ]
    list_editable = ["is_active", "position"]
    ordering = ["position"]

    def has_delete_permission(self, request, obj=None):
        return False  # people hold these categories: deactivate one instead

    @admin.display(description=_("sensitive"), boolean=True)
    def sensitive(self, obj):
        return obj.counts_as_sensitive

    def save_model(self, request, obj, form, change):
        services.save_difficulty_category(
            obj, by=request.user, changed_fields=form.changed_data
        )


class SexFilter(admin.SimpleListFilter):
    title = _("sex")
    parameter_name = "sex"

    def lookups(self, request, model_admin):
        return Person.Sex.choices

    def queryset(self, request, queryset):
        if self.value() in Person.Sex.values:
            return queryset.filter(sex=self.value())
        return queryset


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "id_number",
            "phone",
            "residence",
            "address",
            "hukou_place",
            "hukou_type",
            "education",
            "occupation_type",
            "retirement_track",
            "difficulty_categories",
        ]
        help_texts = {
            "retirement_track": _(
                "Left empty for a new person, it follows sex and occupation type."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["retirement_track"].required = False

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number")
        if number and not cleaned.get("retirement_track"):
            cleaned["retirement_track"] = services.default_retirement_track(
                number, cleaned.get("occupation_type", "")
            )
        return cleaned

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return validate_phone(phone) if phone else phone


@admin.register(Person)
class PersonAdmin(RelatedThroughService, MaskedIdSearchMixin, ScopedAdmin):
    form = PersonAdminForm
    list_display = [
        "name",
        "masked_id_number",
        "sex_display",
        "birth_date",
        "masked_phone",
        "residence",
        "has_account",
    ]
    list_filter = [SexFilter, "education", "hukou_type", "difficulty_categories"]
    search_fields = ["name", "=id_number", "=phone"]
    search_help_text = _(
        "Name, a full ID number or phone number, a masked ID number as shown "
        "in lists (4406**********1234), or its last four characters."
    )
    list_select_related = ["residence", "user"]
    ordering = ["-created_at"]
    autocomplete_fields = ["residence"]
    filter_horizontal = ["difficulty_categories"]
    fields = PersonAdminForm.Meta.fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        editable = [f for f in self.fields if f not in ("name", "id_number", "phone")]
        return [*self.get_readonly_fields(request, obj), *editable]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        identity = ["name", "masked_id_number", "masked_phone", "sex_display"]
        if request.user.has_perm("portal.view_full_identity"):
            identity.append("reveal_link")
        return [*identity, "birth_date", "has_account", "activation_link"]

    @admin.display(description=_("sex"), ordering="sex")
    def sex_display(self, obj):
        return obj.get_sex_display()

    @admin.display(description=_("ID number"), ordering="id_number")
    def masked_id_number(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj):
        return obj.masked_phone

    @admin.display(description=_("account"), boolean=True)
    def has_account(self, obj):
        return obj.user_id is not None

    @admin.display(description=_("full identity"))
    def reveal_link(self, obj):
        url = reverse("admin:portal_person_reveal", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">{}</a> <span class="help">{}</span>',
            url,
            _("Show full ID number and phone"),
            _("Each view is recorded in the audit trail."),
        )

    @admin.display(description=_("activation code"))
    def activation_link(self, obj):
        if obj.user_id is not None:
            return "—"
        url = reverse("admin:portal_person_activation_code", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">{}</a> <span class="help">{}</span>',
            url,
            _("Issue an activation code"),
            _("Only after checking the person's ID card in front of you."),
        )

    def get_urls(self):
        reveal = path(
            "<int:pk>/reveal/",
            self.admin_site.admin_view(self.reveal_view),
            name="portal_person_reveal",
        )
        activation = path(
            "<int:pk>/activation-code/",
            self.admin_site.admin_view(self.activation_code_view),
            name="portal_person_activation_code",
        )
        return [reveal, activation, *super().get_urls()]

    def activation_code_view(self, request, pk):
        """Confirm the ID card was seen, then show a new code once, to print."""
        person = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "person": person,
            "title": _("Activation code for %(name)s") % {"name": person.name},
        }
        if request.method == "POST":
            try:
                claim, secret = services.issue_activation_code(person, by=request.user)
            except services.PortalError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                context.update(claim=claim, secret=secret)
        return TemplateResponse(
            request, "admin/portal/person_activation_code.html", context
        )

    def reveal_view(self, request, pk):
        person = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            services.reveal_identity(person, by=request.user)
        except services.PortalError as error:
            raise PermissionDenied(str(error)) from error
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "person": person,
            "title": _("Full identity of %(name)s") % {"name": person.name},
        }
        return TemplateResponse(request, "admin/portal/person_reveal.html", context)

    def save_model(self, request, obj, form, change):
        services.save_person(
            obj,
            by=request.user,
            changed_fields=form.changed_data,
            related=self.related(form),
        )


class CheckedLicenceInput(AdminFileWidget):
    """Links the current licence to its permission-checked download
    (`employer_licence`): uploads are never served under MEDIA_URL."""

    download_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.download_url and self.is_initial(value):
            context["widget"]["value"] = _LinkedFile(str(value), self.download_url)
        return context


class _LinkedFile(str):
    """A file name whose `url` is the given address (for the widget's template)."""

    def __new__(cls, name: str, url: str):
        linked = super().__new__(cls, name)
        linked.url = url
        return linked


class EmployerAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("licence")  # absent when shown read only
        if self.instance.pk and field and isinstance(field.widget, CheckedLicenceInput):
            field.widget.download_url = reverse(
                "employer_licence", args=[self.instance.pk]
            )

    class Meta:
        model = Employer
        fields = [
            "name",
            "uscc",
            "industry",
            "ownership",
            "size",
            "description",
            "org_unit",
            "address",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "contact_email",
            "licence",
        ]
        widgets = {"licence": CheckedLicenceInput}

    def clean_uscc(self):
        return validate_uscc(self.cleaned_data["uscc"])

    def clean_licence(self):
        licence = self.cleaned_data.get("licence")
        if licence and hasattr(licence, "content_type"):  # a new upload
            check_licence_file(licence)
        return licence


@admin.register(Employer)
class EmployerAdmin(EmployerCasework, ScopedAdmin):
    form = EmployerAdminForm
    # Verification first: it fits at 1280 px without scrolling.
    list_display = ["name", "verification_status", "org_unit", "uscc"]
    list_filter = ["verification_status", "industry", "ownership", "size"]
    search_fields = ["name", "=uscc"]
    search_help_text = _("Employer name or full credit code.")
    list_select_related = ["org_unit"]
    ordering = ["-created_at"]
    autocomplete_fields = ["org_unit"]
    actions = ["verify_selected", "reject_selected"]
    readonly_fields = [
        "verification_status",
        "rejection_reason",
        "verified_at",
        "verified_by",
        "licence_link",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "uscc",
                    "industry",
                    "ownership",
                    "size",
                    "description",
                ]
            },
        ),
        (_("Location"), {"fields": ["org_unit", "address", "latitude", "longitude"]}),
        (_("Contact"), {"fields": ["contact_name", "contact_phone", "contact_email"]}),
        (
            _("Verification"),
            {
                "fields": [
                    "licence",
                    "licence_link",
                    "verification_status",
                    "rejection_reason",
                    "verified_at",
                    "verified_by",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only, the file field would link under MEDIA_URL, which serves
            # nothing; licence_link opens the file.
            fieldsets = [
                (
                    name,
                    {
                        **options,
                        "fields": [f for f in options["fields"] if f != "licence"],
                    },
                )
                for name, options in fieldsets
            ]
        if request.user.has_perm("portal.view_full_identity"):
            return fieldsets
        # Without the permission the contact's mobile number stays masked.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "masked_contact_phone" if f == "contact_phone" else f
                        for f in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("portal.view_full_identity"):
            readonly.append("masked_contact_phone")
        return readonly

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj):
        return mask_phone(obj.contact_phone)

    def view_on_site(self, obj):
        # Only verified employers have a public page.
        return obj.get_absolute_url() if obj.is_verified else None

    @admin.display(description=_("business licence"))
    def licence_link(self, obj):
        if not obj.pk or not obj.licence:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("employer_licence", args=[obj.pk]),
            _("Open the uploaded licence"),
        )

    def save_model(self, request, obj, form, change):
        services.save_employer(obj, by=request.user, changed_fields=form.changed_data)

    verify_selected = service_action(
        services.verify_employer,
        description=_("Verify selected employers"),
        permission="verify",
        error=PortalError,
        done=ngettext_lazy(
            "%(count)d employer verified.", "%(count)d employers verified.", "count"
        ),
    )

    reject_selected = service_action(
        services.reject_employer,
        description=_("Reject selected employers…"),
        permission="verify",
        error=PortalError,
        done=ngettext_lazy(
            "%(count)d employer rejected.", "%(count)d employers rejected.", "count"
        ),
        ask={"title": _("Reject employers")},
    )

    def has_verify_permission(self, request):
        return request.user.has_perm("portal.verify_employer")


class PortalUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in (User.Role.CASEWORKER, User.Role.LEADER) and not cleaned.get(
            "org_unit"
        ):
            raise ValidationError(_("Caseworkers and leaders need an org unit."))
        if role == User.Role.EMPLOYER and not cleaned.get("employer"):
            raise ValidationError(_("Employer staff need an employer."))
        if role != User.Role.EMPLOYER and cleaned.get("employer"):
            raise ValidationError(_("Only employer staff belong to an employer."))
        return cleaned


# Names Django and django-q2 store in English (permissions, the role groups,
# schedules), shown in the user's language when displayed; the rows keep them.

DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "app | model | what it allows", from the model's translated names and the
    name its Meta.permissions declares (lazy, so translated) or Django's four
    default actions; the stored English name for anything else."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    opts = model._meta
    declared = dict(opts.permissions)
    action, _sep, model_name = permission.codename.partition("_")
    if permission.codename in declared:
        name = str(declared[permission.codename])
    elif action in DEFAULT_PERMISSION_NAMES and model_name == opts.model_name:
        name = str(DEFAULT_PERMISSION_NAMES[action]) % {"model": opts.verbose_name}
    else:
        name = permission.name
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {name}"


def group_label(group: Group) -> str:
    """A role's group (setup_roles names each after its role) by the role's
    translated name."""
    return str(dict(User.Role.choices).get(group.name, group.name))


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class GroupsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return group_label(obj)


class TranslatedNamesMixin:
    """The permission and group pickers of the user and group pages."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
            kwargs.setdefault(
                "queryset", Permission.objects.select_related("content_type")
            )
        elif db_field.name == "groups":
            kwargs["form_class"] = GroupsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GroupFilter(admin.SimpleListFilter):
    title = _("role group")
    parameter_name = "groups__id__exact"

    def lookups(self, request, model_admin):
        return [(group.pk, group_label(group)) for group in Group.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(groups__id=self.value())
        return queryset


@admin.register(User)
class UserAdmin(TranslatedNamesMixin, RelatedThroughService, DjangoUserAdmin):
    form = PortalUserChangeForm
    list_display = [
        "masked_username",
        "display_name",
        "role",
        "org_unit",
        "employer",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "is_active", "is_superuser", GroupFilter]
    search_fields = [
        "=username",
        "first_name",
        "last_name",
        "person__name",
        "employer__name",
    ]
    list_select_related = ["org_unit", "employer", "person"]
    autocomplete_fields = ["org_unit", "employer"]
    ordering = ["username"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ["role", "language", "org_unit", "employer"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail names accounts: deactivate one instead

    def save_model(self, request, obj, form, change):
        services.save_account(
            obj,
            by=request.user,
            changed_fields=form.changed_data,
            related=self.related(form),
        )

    @admin.display(description=_("user name"), ordering="username")
    def masked_username(self, obj):
        # Seekers log in with their ID number: never list it in full.
        if obj.role == User.Role.SEEKER:
            return mask_id_number(obj.username)
        return obj.username

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.get_full_name()


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "action_label",
        "content_type",
        "object_repr",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "object_repr", "=object_id"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return obj.action_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-axes ships no Chinese: the names of its model, translated in our catalogue.
AXES_MODEL_NAMES = [gettext_noop("access attempt"), gettext_noop("access attempts")]


def _administrator(request) -> bool:
    return request.user.is_active and request.user.is_administrator


class ReadOnlyForAdministrators(admin.ModelAdmin):
    """Logs only IT administrators read; nobody edits them here."""

    def has_module_permission(self, request):
        return _administrator(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class LoginAttemptAdmin(ReadOnlyForAdministrators):
    """Failed logins that still count (django-axes, portal/throttling.py): one row
    per user name, address and browser. Administrators only: they see who is
    paused and can unlock them."""

    list_display = [
        "shown_username",
        "ip_address",
        "failures_since_start",
        "paused_until",
        "attempt_time",
        "path_info",
    ]
    list_filter = ["path_info"]
    search_fields = ["=username", "=ip_address"]
    ordering = ["-attempt_time"]
    fields = [
        "shown_username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
        "attempt_time",
        "paused_until",
    ]
    readonly_fields = fields
    actions = ["unlock_selected"]

    unlock_selected = service_action(
        services.unlock_login,
        description=_("Unlock the selected logins"),
        permission="unlock",
        error=PortalError,
        done=ngettext_lazy(
            "%(count)d login unlocked.", "%(count)d logins unlocked.", "count"
        ),
    )

    @admin.display(description=_("user name"), ordering="username")
    def shown_username(self, obj):
        # Seekers log in with their ID number: never list it in full.
        if ID_NUMBER_PATTERN.match(obj.username or ""):
            return mask_id_number(obj.username)
        return obj.username

    @admin.display(description=_("paused until"))
    def paused_until(self, obj):
        until = obj.attempt_time + datetime.timedelta(
            seconds=settings.LOGIN_LOCKOUT_SECONDS
        )
        if obj.failures_since_start < settings.LOGIN_FAILURE_LIMIT:
            return "–"
        if until <= timezone.now():
            return "–"
        return date_format(timezone.localtime(until), "DATETIME_FORMAT")

    def has_unlock_permission(self, request):
        return _administrator(request)


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyForAdministrators):
    list_display = ["created_at", "masked_phone", "template", "status", "sent_at"]
    list_filter = ["status", "template"]
    fields = [
        "masked_phone",
        "template",
        "params",
        "status",
        "provider_id",
        "error",
        "not_before",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    ordering = ["-created_at"]

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(AccountClaim)
class AccountClaimAdmin(ReadOnlyForAdministrators):
    list_display = [
        "created_at",
        "masked_id",
        "channel",
        "can_succeed",
        "failed_attempts",
        "used_at",
        "expires_at",
    ]
    list_filter = ["channel", "can_succeed"]
    fields = [
        "masked_id",
        "channel",
        "can_succeed",
        "failed_attempts",
        "issued_by",
        "requested_from",
        "created_at",
        "expires_at",
        "used_at",
    ]
    readonly_fields = fields
    ordering = ["-created_at"]

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)


class RecusalForm(forms.ModelForm):
    """The relative by ID number: staff need not browse the person registry, and
    the registry is not searched (no name is shown for a number)."""

    class Meta:
        model = Recusal
        fields = ["id_number", "relation"]

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])


@admin.register(Recusal)
class RecusalAdmin(admin.ModelAdmin):
    """回避申报: every staff member declares their own relatives; administrators
    see all declarations. Declarations are never deleted (declaring again only
    updates the relation). Relatives show by masked ID number only."""

    form = RecusalForm
    list_display = ["user", "masked_id_number", "relation", "declared_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "masked_id_number", "relation", "declared_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_administrator:
            return queryset
        return queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return RecusalForm.Meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("relative's ID number"))
    def masked_id_number(self, obj):
        return obj.masked_id_number

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        recusal = services.declare_relative(
            by=request.user, id_number=obj.id_number, relation=obj.relation
        )
        obj.pk, obj.user = recusal.pk, recusal.user


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedNamesMixin, DjangoGroupAdmin):
    list_display = ["role_name"]

    @admin.display(description=_("name"), ordering="name")
    def role_name(self, obj):
        return group_label(obj)


admin.site.unregister(Schedule)


@admin.register(Schedule)
class ScheduleAdmin(DjangoQScheduleAdmin):
    """Schedule names are written in English by setup_schedules, which marks each
    for translation."""

    list_display = [
        "translated_name" if name == "name" else name
        for name in DjangoQScheduleAdmin.list_display
    ]
    list_display_links = ["id", "translated_name"]

    @admin.display(description=_("name"), ordering="name")
    def translated_name(self, obj):
        return gettext(obj.name) if obj.name else "—"
