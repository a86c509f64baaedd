"""Employers file their hires (录用备案) and separations (退工备案)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.decorators import verified_employer_required
from registration import services
from registration.forms import (
    HireFormSet,
    HireUploadForm,
    SeparationForm,
    hire_prefill,
)
from registration.models import EmploymentRegistration, LocalRules


def _filed(request, registrations) -> None:
    count = len(registrations)
    late = sum(registration.is_late for registration in registrations)
    message = ngettext("%(count)d hire filed.", "%(count)d hires filed.", count) % {
        "count": count
    }
    if late:
        message += " " + _(
            "%(late)d of them were filed after the deadline and are marked late."
        ) % {"late": late}
    messages.success(request, message)


@verified_employer_required
def employee_list(request):
    employer = request.user.employer
    show = request.GET.get("show", "current")
    registrations = EmploymentRegistration.objects.filter(
        employer=employer
    ).select_related("person")
    if show == "current":
        registrations = registrations.filter(end_date__isnull=True)
    page = Paginator(registrations, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "separation_form": SeparationForm(employer=employer),
        "rules": LocalRules.current(request.user.employer.org_unit),
    }
    return render(request, "registration/employee_list.html", context)


@verified_employer_required
def hire_new(request):
    employer_id = request.user.employer_id
    # ?application=…: the first row filled in from an application marked hired.
    prefill = hire_prefill(request.GET.get("application", ""), employer_id=employer_id)
    formset = HireFormSet(
        request.POST or None,
        prefix="hire",
        initial=[prefill] if prefill and request.method != "POST" else None,
        form_kwargs={"employer_id": employer_id},
    )
    row_errors = {}
    if request.method == "POST" and formset.is_valid():
        hires = [form.hire() for form in formset if form.has_changed()]
        try:
            registrations = services.register_hires(
                request.user.employer, hires, by=request.user
            )
        except services.HiresRefused as error:
            row_errors = error.row_errors
            messages.error(request, str(error))
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            _filed(request, registrations)
            return redirect("registration:employee_list")
    context = {
        "formset": formset,
        "row_errors": row_errors,
        "rules": LocalRules.current(request.user.employer.org_unit),
        "prefill": prefill,
    }
    return render(request, "registration/hire_form.html", context)


@verified_employer_required
def hire_upload(request):
    form = HireUploadForm(request.POST or None, request.FILES or None)
    row_errors = {}
    if request.method == "POST" and form.is_valid():
        row_errors = form.row_errors
        if not row_errors:
            try:
                registrations = services.register_hires(
                    request.user.employer, form.hires, by=request.user
                )
            except services.HiresRefused as error:
                # The service numbers the rows it was given; show spreadsheet lines.
                row_errors = {
                    form.lines[row - 1]: problems
                    for row, problems in error.row_errors.items()
                }
            except services.RegistrationError as error:
                messages.error(request, str(error))
            else:
                _filed(request, registrations)
                return redirect("registration:employee_list")
        if row_errors:
            messages.error(
                request,
                _("Nothing was filed: %(count)d rows need correcting.")
                % {"count": len(row_errors)},
            )
    context = {"form": form, "row_errors": sorted(row_errors.items())}
    return render(request, "registration/hire_upload.html", context)


@verified_employer_required
def separation_file(request):
    employer = request.user.employer
    form = SeparationForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        try:
            ended = services.end_employments(
                list(form.cleaned_data["registrations"]),
                by=request.user,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["end_reason"],
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d separation filed.",
                    "%(count)d separations filed.",
                    len(ended),
                )
                % {"count": len(ended)},
            )
            return redirect("registration:employee_list")
    context = {
        "form": form,
        "rules": LocalRules.current(request.user.employer.org_unit),
    }
    return render(request, "registration/separation_form.html", context)
