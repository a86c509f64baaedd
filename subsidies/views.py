from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.decorators import seeker_required
from subsidies import chain, services
from subsidies.eligibility import person_checks
from subsidies.forms import ApplicationForm, ObjectionForm
from subsidies.models import Application, ApplicationDocument, SubsidyType


def subsidy_list(request):
    """政策: every subsidy in force, in plain words (public)."""
    subsidies = SubsidyType.objects.filter(is_active=True).prefetch_related("versions")
    return render(request, "subsidies/subsidy_list.html", {"subsidies": subsidies})


def _person(request):
    return (
        getattr(request.user, "person", None) if request.user.is_authenticated else None
    )


def subsidy_detail(request, code):
    subsidy = get_object_or_404(SubsidyType.objects.filter(is_active=True), code=code)
    version = subsidy.version_on()
    person = _person(request)
    for_people = subsidy.applicant == SubsidyType.Applicant.PERSON
    checks = (
        person_checks(version, person) if version and person and for_people else None
    )
    context = {
        "subsidy": subsidy,
        "version": version,
        "excludes": subsidy.excludes.all(),
        # A seeker sees at once which conditions their records meet, and why.
        "checks": checks,
        "can_apply": bool(version and person and for_people),
        "unmet": bool(checks) and not all(check.met for check in checks),
        "open_application": Application.objects.open()
        .filter(person=person, subsidy_type=subsidy)
        .first()
        if person
        else None,
    }
    return render(request, "subsidies/subsidy_detail.html", context)


@seeker_required
def application_new(request, code):
    subsidy = get_object_or_404(
        SubsidyType.objects.filter(is_active=True, applicant="person"), code=code
    )
    version = subsidy.version_on()
    if version is None:
        raise Http404
    existing = (
        Application.objects.open()
        .filter(person=request.user.person, subsidy_type=subsidy)
        .first()
    )
    if existing is not None:
        messages.info(
            request, _("You have an application for this subsidy in progress.")
        )
        return redirect(existing)
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, request.FILES or None, version=version)
    if data is not None and form.is_valid():
        form.instance.subsidy_type = subsidy
        form.instance.person = request.user.person
        try:
            application = services.submit_application(
                form.instance, by=request.user, documents=form.uploads()
            )
        except services.SubsidyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your application is submitted."))
            return redirect(application)
    context = {
        "subsidy": subsidy,
        "version": version,
        "form": form,
        "checks": person_checks(version, request.user.person),
    }
    return render(request, "subsidies/application_form.html", context)


@seeker_required
def application_list(request):
    applications = Application.objects.filter(
        person=request.user.person
    ).select_related("subsidy_type")
    return render(
        request, "subsidies/application_list.html", {"applications": applications}
    )


def _own_application(request, code) -> Application:
    return get_object_or_404(
        Application.objects.select_related("subsidy_type", "version", "org_unit"),
        code=code,
        person=request.user.person,
    )


@seeker_required
def application_detail(request, code):
    application = _own_application(request, code)
    context = {"application": application, "documents": application.documents.all()}
    return render(request, "subsidies/application_detail.html", context)


@require_POST
@seeker_required
def application_resubmit(request, code):
    application = _own_application(request, code)
    try:
        services.resubmit_application(application, by=request.user)
    except services.SubsidyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application is sent again."))
    return redirect(application)


def notice_list(request):
    """公示: applications on public notice, with masked ID numbers (public)."""
    applications = (
        Application.objects.filter(
            status=Application.Status.ON_NOTICE,
            notice_ends__gte=timezone.localdate(),
        )
        .select_related("person", "subsidy_type", "org_unit")
        .order_by("notice_ends", "pk")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(request, "subsidies/notice_list.html", {"page": page})


def objection_new(request, code):
    application = get_object_or_404(
        Application.objects.select_related("person", "subsidy_type"),
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


@require_POST
@seeker_required
def application_withdraw(request, code):
    application = _own_application(request, code)
    try:
        services.withdraw_application(application, by=request.user)
    except services.SubsidyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect(application)


def document_download(request, pk):
    """Scans are private: their applicant, and caseworkers of the application's
    area with the permission, may open them."""
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application"), pk=pk
    )
    visible = Application.objects.for_user(request.user).filter(
        pk=document.application_id
    )
    if request.user.is_staff and not request.user.has_perm(
        "subsidies.view_applicationdocument"
    ):
        visible = visible.none()
    if not visible.exists():
        raise Http404
    return FileResponse(document.file.open("rb"), filename=document.name)
