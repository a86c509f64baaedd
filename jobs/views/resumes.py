from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs import services
from jobs.forms import EducationFormSet, ExperienceFormSet, ResumeForm, ResumeSearchForm
from jobs.models import EDUCATION_ORDER, FavouriteResume, Resume
from portal.decorators import (
    employer_required,
    seeker_required,
    verified_employer_required,
)
from portal.pdf import render_pdf
from portal.qr import qr_svg


def _next_page(request) -> str:
    """Where a seeker sent to fill in the resume came from (a posting, a booth),
    if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@seeker_required
def resume_edit(request):
    person = request.user.person
    next_page = _next_page(request)
    resume = Resume.objects.filter(person=person).first() or Resume(person=person)
    data = request.POST or None
    form = ResumeForm(data, instance=resume)
    formsets = [
        ExperienceFormSet(data, instance=resume, prefix="work"),
        EducationFormSet(data, instance=resume, prefix="school"),
    ]
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in formsets)
    ):
        services.save_resume(form.instance, by=request.user, formsets=formsets)
        if next_page:
            messages.success(
                request, _("Your resume is saved. You can send it from here now.")
            )
            return redirect(next_page)
        messages.success(request, _("Your resume is saved."))
        return redirect("jobs:resume_detail", code=form.instance.code)
    context = {
        "form": form,
        "formsets": formsets,
        "person": person,
        "resume": resume,
        "next": next_page,
    }
    return render(request, "jobs/resume_form.html", context)


def resume_detail(request, code):
    resume = get_object_or_404(
        Resume.objects.select_related("person__residence__parent"), code=code
    )
    if not resume.can_be_read_by(request.user):
        raise PermissionDenied
    employer_id = request.user.employer_id if request.user.is_authenticated else None
    is_owner = resume.person.user_id == request.user.pk
    context = {
        "resume": resume,
        "is_owner": is_owner,
        "qr": qr_svg(settings.SITE_URL + resume.share_url()) if is_owner else "",
        "share_days": settings.RESUME_SHARE_DAYS,
        "show_contact": resume.person.user_id == request.user.pk
        or resume.contact_visible_to(employer_id),
        "is_favourite": employer_id is not None
        and FavouriteResume.objects.filter(
            employer_id=employer_id, resume=resume
        ).exists(),
    }
    return render(request, "jobs/resume_detail.html", context)


@verified_employer_required
def resume_search(request):
    form = ResumeSearchForm(request.GET)
    params = form.valid_data()
    resumes = Resume.objects.public().select_related("person__residence__parent")
    if "occupation" in params:
        resumes = resumes.filter(
            intended_occupation_groups__contains=[params["occupation"]]
        )
    if "q" in params:
        resumes = resumes.filter(
            Q(intended_occupations__icontains=params["q"])
            | Q(skills__icontains=params["q"])
        )
    if "education" in params:
        levels = EDUCATION_ORDER[EDUCATION_ORDER.index(params["education"]) :]
        resumes = resumes.filter(person__education__in=levels)
    page = Paginator(resumes, 20).get_page(request.GET.get("page"))
    return render(request, "jobs/resume_search.html", {"form": form, "page": page})


@require_POST
@verified_employer_required
def resume_favourite(request, code):
    resume = get_object_or_404(Resume.objects.public(), code=code)
    if services.toggle_favourite_resume(resume, employer=request.user.employer):
        messages.success(request, _("Added to favourite resumes."))
    else:
        messages.success(request, _("Removed from favourite resumes."))
    return redirect("jobs:resume_detail", code=code)


@employer_required
def favourite_resume_list(request):
    favourites = FavouriteResume.objects.filter(
        employer=request.user.employer
    ).select_related("resume__person")
    return render(
        request, "jobs/favourite_resume_list.html", {"favourites": favourites}
    )


@seeker_required
def resume_pdf(request):
    resume = get_object_or_404(
        Resume.objects.select_related("person__residence__parent"),
        person=request.user.person,
    )
    pdf = render_pdf(
        "pdf/resume.html",
        {
            "resume": resume,
            "qr": qr_svg(settings.SITE_URL + resume.share_url()),
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="resume-{resume.code}.pdf"'
    return response


def resume_shared(request, token):
    """The read-only resume behind a QR code: no phone, no ID; it expires."""
    resume = Resume.from_share_token(token)
    if resume is None:
        return render(request, "jobs/resume_share_expired.html", status=404)
    context = {"resume": resume, "show_contact": False, "shared": True}
    return render(request, "jobs/resume_detail.html", context)
