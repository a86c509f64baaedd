from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jobs import services
from jobs.forms import ApplicationForm
from jobs.models import Application, FavouritePosting, JobPosting
from portal.decorators import employer_required, seeker_required


@require_POST
@seeker_required
def job_apply(request, pk):
    posting = get_object_or_404(JobPosting.objects.published(), pk=pk)
    form = ApplicationForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.apply_to_posting(posting, person=request.user.person, message=message)
    except services.JobError as error:
        messages.error(request, str(error))
        if not hasattr(request.user.person, "resume"):
            back = urlencode({"next": reverse("jobs:job_detail", args=[pk])})
            return redirect(reverse("jobs:resume_edit") + "?" + back)
    else:
        messages.success(
            request, _("Applied. You can follow the status under My applications.")
        )
    return redirect("jobs:job_detail", pk=pk)


@seeker_required
def application_list(request):
    applications = Application.objects.filter(
        person=request.user.person
    ).select_related("posting__employer")
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    return render(request, "jobs/application_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@seeker_required
def application_withdraw(request, code):
    """A confirm page first, then the POST withdraws."""
    application = get_object_or_404(
        Application.objects.select_related("posting__employer"),
        code=code,
        person=request.user.person,
    )
    if request.method == "GET":
        context = {"application": application}
        return render(request, "jobs/application_withdraw_confirm.html", context)
    try:
        services.withdraw_application(application, by=request.user)
    except services.JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("jobs:application_list")


@require_POST
@seeker_required
def job_favourite(request, pk):
    posting = get_object_or_404(JobPosting.objects.published(), pk=pk)
    if services.toggle_favourite_posting(posting, person=request.user.person):
        messages.success(request, _("Saved to your favourite jobs."))
    else:
        messages.success(request, _("Removed from your favourite jobs."))
    return redirect("jobs:job_detail", pk=pk)


@seeker_required
def favourite_posting_list(request):
    favourites = FavouritePosting.objects.filter(
        person=request.user.person
    ).select_related("posting__employer", "posting__org_unit__parent")
    return render(
        request, "jobs/favourite_posting_list.html", {"favourites": favourites}
    )


@employer_required
def posting_applicants(request, pk):
    posting = get_object_or_404(JobPosting.objects.for_user(request.user), pk=pk)
    applications = posting.applications.active().select_related("person", "resume")
    status = request.GET.get("status")
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    context = {
        "posting": posting,
        "page": page,
        "status": status,
        "statuses": [s for s in Application.Status.choices if s[0] != "withdrawn"],
    }
    return render(request, "jobs/posting_applicants.html", context)


def _employer_application(request, code):
    return get_object_or_404(
        Application.objects.for_employer(request.user.employer_id).select_related(
            "posting", "resume", "person__residence__parent"
        ),
        code=code,
    )


# Read by registration's hire form (registration/forms.py, HIRE_PREFILL_SALT).
HIRE_PREFILL_SALT = "registration.hire.prefill"
# Invitations make sense until the employer has decided.
INVITABLE = {
    Application.Status.RECEIVED,
    Application.Status.VIEWED,
    Application.Status.INTERVIEW,
}


def _hire_url(application: Application) -> str:
    """The employer's hire filing, its first row filled in from the application;
    the ID number travels signed, never in the address."""
    token = signing.dumps(
        {
            "person": application.person_id,
            "employer": application.posting.employer_id,
            "job": application.posting.title,
        },
        salt=HIRE_PREFILL_SALT,
    )
    return reverse("registration:hire_new") + "?" + urlencode({"application": token})


@employer_required
def application_detail(request, code):
    application = _employer_application(request, code)
    application = services.mark_application_viewed(application, by=request.user)
    hired = application.status == Application.Status.HIRED
    context = {
        "application": application,
        "resume": application.resume,
        "can_invite": application.status in INVITABLE,
        "hire_url": _hire_url(application) if hired else "",
    }
    return render(request, "jobs/application_detail.html", context)


@require_POST
@employer_required
def application_move(request, code):
    application = _employer_application(request, code)
    try:
        application = services.move_application(
            application, to=request.POST.get("to", ""), by=request.user
        )
    except services.JobError as error:
        messages.error(request, str(error))
    else:
        if application.status == Application.Status.HIRED:
            # Next comes the employment registration (录用备案).
            messages.success(
                request,
                _("Marked as hired. Now file the hire: the form is filled in."),
            )
            return redirect(_hire_url(application))
        messages.success(request, _("The application status is updated."))
    return redirect("jobs:application_detail", code=code)
