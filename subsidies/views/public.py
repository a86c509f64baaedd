"""Pages anyone may open: the catalogue (政策), the public notice (公示) with
objections, and the published payments (事后公开)."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import OrgUnit
from subsidies import services
from subsidies.eligibility import eligibility_checks
from subsidies.forms import ObjectionForm
from subsidies.models import Application, Payment, PolicyVersion, SubsidyType
from subsidies.services import chain

PUBLISHED_DAYS = 365


def applicant_unit(user) -> OrgUnit | None:
    """Where an applicant is: a seeker's residence, employer staff's employer's
    unit; None for anyone else (or a seeker without a residence)."""
    if user.is_authenticated and user.is_employer_staff:
        return user.employer.org_unit
    person = getattr(user, "person", None) if user.is_authenticated else None
    return person.residence if person is not None else None


def subsidy_list(request):
    """政策: every subsidy in force, in plain words; applicants see those offered
    where they are (their city's and every city's), others every city's."""
    subsidies = SubsidyType.objects.filter(is_active=True)
    user = request.user
    if user.is_authenticated and (user.is_seeker or user.is_employer_staff):
        subsidies = subsidies.offered_in(applicant_unit(user))
    subsidies = subsidies.select_related("city").prefetch_related("versions")
    return render(request, "subsidies/subsidy_list.html", {"subsidies": subsidies})


def subsidy_detail(request, code):
    subsidy = get_object_or_404(SubsidyType.objects.filter(is_active=True), code=code)
    version = subsidy.version_on()
    user = request.user
    person = getattr(user, "person", None) if user.is_authenticated else None
    # Another city's subsidy is shown to anyone, but its applicants are that city's.
    offered = subsidy.is_offered_in(applicant_unit(user))
    for_employers = subsidy.applicant == SubsidyType.Applicant.EMPLOYER
    needs_no_application = bool(
        version and version.amount_rule == PolicyVersion.AmountRule.INSURANCE_REFUND
    )
    checks = None
    if version and person and offered and not for_employers:
        # A seeker sees at once which conditions their records meet, and why.
        checks = eligibility_checks(version, person)
    if for_employers:
        can_apply = bool(version and user.is_authenticated and user.is_employer_staff)
    else:
        can_apply = bool(version and person and user.is_seeker)
    open_application = None
    if person and not for_employers:
        open_application = (
            Application.objects.open()
            .filter(person=person, subsidy_type=subsidy)
            .first()
        )
    context = {
        "subsidy": subsidy,
        "version": version,
        "excludes": subsidy.excludes.all(),
        "same_item": subsidy.same_item.all(),
        "checks": checks,
        "can_apply": can_apply and offered and not needs_no_application,
        "elsewhere": not offered
        and user.is_authenticated
        and (user.is_seeker or user.is_employer_staff),
        "needs_no_application": needs_no_application,
        "unmet": bool(checks) and not all(check.met for check in checks),
        "open_application": open_application,
    }
    return render(request, "subsidies/subsidy_detail.html", context)


def notice_list(request):
    """公示: applications on public notice, with masked names and ID numbers."""
    applications = (
        Application.objects.filter(
            status=Application.Status.ON_NOTICE,
            notice_ends__gte=timezone.localdate(),
        )
        .select_related("person", "employer", "subsidy_type", "org_unit")
        .order_by("notice_ends", "pk")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(request, "subsidies/notice_list.html", {"page": page})


def objection_new(request, code):
    application = get_object_or_404(
        Application.objects.select_related("person", "employer", "subsidy_type"),
        code=code,
        status=Application.Status.ON_NOTICE,
    )
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            chain.raise_objection(application, **form.cleaned_data)
        except services.SubsidyError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Thank you. A caseworker will look into your objection.")
            )
        return redirect("subsidies:notice_list")
    context = {"application": application, "form": form}
    return render(request, "subsidies/objection_form.html", context)


def paid_list(request):
    """事后公开: subsidies paid in the last year, as the notice showed them."""
    since = timezone.now() - datetime.timedelta(days=PUBLISHED_DAYS)
    payments = (
        Payment.objects.filter(status=Payment.Status.PAID, updated_at__gte=since)
        .select_related("person", "employer", "subsidy_type", "application__org_unit")
        .order_by("-updated_at", "pk")
    )
    page = Paginator(payments, 50).get_page(request.GET.get("page"))
    return render(request, "subsidies/paid_list.html", {"page": page})
