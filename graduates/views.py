from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from graduates import services
from graduates.forms import (
    GraduateReportForm,
    LeaverForm,
    ReceivingForm,
    is_graduation_year,
)
from graduates.models import Graduate, Leaver, ReceivingApplication
from graduates.queries import DIMENSIONS, flows, leaver_rates
from portal.decorators import (
    seeker_required,
    staff_required,
    verified_employer_required,
)
from portal.models import OrgUnit


@seeker_required
def graduate_home(request):
    graduates = Graduate.objects.filter(person=request.user.person).select_related(
        "leaver"
    )
    return render(request, "graduates/graduate_home.html", {"graduates": graduates})


def _own_graduate(request, code) -> Graduate:
    return get_object_or_404(
        Graduate.objects.select_related("org_unit", "employer"),
        code=code,
        person=request.user.person,
    )


@seeker_required
def graduate_report(request, code=None):
    person = request.user.person
    graduate = _own_graduate(request, code) if code else Graduate(person=person)
    if graduate.pk and not graduate.can_be_changed_by_graduate:
        messages.error(request, _("The city has received this report."))
        return redirect(graduate)
    initial = {} if graduate.pk else {"origin_code": person.id_number[:6]}
    form = GraduateReportForm(request.POST or None, instance=graduate, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_report(form.instance, by=request.user)
        except services.GraduateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your report is sent to the city."))
            return redirect(form.instance)
    context = {"form": form, "graduate": graduate}
    return render(request, "graduates/graduate_form.html", context)


@seeker_required
def graduate_detail(request, code):
    graduate = _own_graduate(request, code)
    leaver = getattr(graduate, "leaver", None)
    context = {
        "graduate": graduate,
        "leaver": leaver,
        "contacts": leaver.contacts.prefetch_related("referred_postings__employer")
        if leaver
        else [],
        "receiving": graduate.receiving_applications.select_related("employer"),
    }
    return render(request, "graduates/graduate_detail.html", context)


@seeker_required
def leaver_register(request, code):
    graduate = _own_graduate(request, code)
    form = LeaverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_leaver(graduate, by=request.user, **form.cleaned_data)
        except services.GraduateError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("You are registered. A caseworker will contact you soon."),
            )
        return redirect(graduate)
    context = {"form": form, "graduate": graduate}
    return render(request, "graduates/leaver_form.html", context)


@require_POST
@seeker_required
def leaver_found_work(request, code):
    graduate = _own_graduate(request, code)
    leaver = get_object_or_404(Leaver, graduate=graduate)
    services.set_leaver_status(leaver, Leaver.Status.EMPLOYED, by=request.user)
    messages.success(request, _("Congratulations! Your service centre is told."))
    return redirect(graduate)


@verified_employer_required
def receiving_list(request):
    employer = request.user.employer
    form = ReceivingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_to_receive(
                employer=employer, by=request.user, **form.cleaned_data
            )
        except services.GraduateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your application is sent to the city."))
            return redirect("graduates:receiving_list")
    applications = ReceivingApplication.objects.filter(
        employer=employer
    ).select_related("graduate__person")
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    return render(
        request, "graduates/receiving_list.html", {"form": form, "page": page}
    )


@staff_required
def graduate_flows(request):
    """Where a cohort went, for caseworkers and leaders (their unit and below)."""
    unit = request.user.org_unit or OrgUnit.objects.top()
    years = list(range(timezone.localdate().year, timezone.localdate().year - 5, -1))
    text = request.GET.get("year", "")
    year = int(text) if is_graduation_year(text) else years[0]
    by = request.GET.get("by") if request.GET.get("by") in DIMENSIONS else "destination"
    context = {
        "unit": unit,
        "years": years,
        "year": year,
        "by": by,
        "by_label": DIMENSIONS[by],
        "dimensions": DIMENSIONS,
        "rows": flows(year, unit, by),
        "total": Graduate.objects.filter(
            graduation_year=year, org_unit__code__startswith=unit.descendant_prefix
        ).count(),
        "rates": leaver_rates(year, unit),
    }
    return render(request, "graduates/graduate_flows.html", context)
