from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
            return redirect("jobs:resume_edit")
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


@require_POST
@seeker_required
def application_withdraw(request, code):
    application = get_object_or_404(Application, code=code, person=request.user.person)
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


@employer_required
def application_detail(request, code):
    application = _employer_application(request, code)
    application = services.mark_application_viewed(application, by=request.user)
    context = {"application": application, "resume": application.resume}
    return render(request, "jobs/application_detail.html", context)


@require_POST
@employer_required
def application_move(request, code):
    application = _employer_application(request, code)
    try:
        services.move_application(
            application, to=request.POST.get("to", ""), by=request.user
        )
    except services.JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application status is updated."))
    return redirect("jobs:application_detail", code=code)
