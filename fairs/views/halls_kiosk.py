"""The self-service resume kiosk (自助简历一体机). Every page is for an enrolled
kiosk only, is never stored (Cache-Control: no-store) and shows what the server
holds now: after “done” or 60 s idle, Back and any URL lead to the start page.
URLs carry no personal data; every step is a POST."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fairs import queries, services
from fairs.errors import FairError
from fairs.views.halls import terminal_required
from jobs.models import OccupationGroup, Resume
from portal.middleware import allow_nul_bytes
from portal.qr import qr_svg
from portal.validators import validate_id_number

kiosk_required = terminal_required("kiosk")


def _session(request):
    return services.open_session(request.terminal)


def _ready(request):
    """The open session once the person has confirmed who they are, else None."""
    session = _session(request)
    return session if session is not None and session.verified_at else None


def _context(request, **extra):
    return {
        "terminal": request.terminal,
        "hall": request.terminal.hall,
        "idle_seconds": settings.HALL_KIOSK["idle_seconds"],
        **extra,
    }


@never_cache
@kiosk_required
def kiosk_home(request):
    session = _session(request)
    if session is None:
        return render(request, "fairs/kiosk/start.html", _context(request))
    if session.verified_at is None:
        context = _context(
            request,
            session=session,
            has_phone=bool(session.person.phone),
            masked_phone=session.person.masked_phone,
        )
        return render(request, "fairs/kiosk/verify.html", context)
    resume = Resume.objects.filter(person=session.person).first()
    return render(
        request,
        "fairs/kiosk/menu.html",
        _context(request, session=session, person=session.person, resume=resume),
    )


# A NUL byte typed at the kiosk gets the kiosk's own answer, not the site's 400
# page, which would leave the touch screen with no way back: these fields are
# only validated or compared in Python, never sent to the database.
@allow_nul_bytes("id_number")
@never_cache
@require_POST
@kiosk_required
def kiosk_card(request):
    """The card reader types the number and Enter; a typed number comes the same
    way. No record: registration is offered, nothing else is said."""
    try:
        id_number = validate_id_number(request.POST.get("id_number", "")[:40])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("fairs:kiosk_home")
    if services.start_session(request.terminal, id_number) is None:
        signup = settings.SITE_URL + reverse("signup_seeker")
        return render(
            request,
            "fairs/kiosk/no_record.html",
            _context(request, signup_qr=qr_svg(signup)),
        )
    return redirect("fairs:kiosk_home")


@never_cache
@require_POST
@kiosk_required
def kiosk_send_code(request):
    session = _session(request)
    if session is not None:
        try:
            services.send_code(session)
        except FairError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("A code is on its way to your phone."))
    return redirect("fairs:kiosk_home")


@allow_nul_bytes("code", "name")
@never_cache
@require_POST
@kiosk_required
def kiosk_verify(request):
    session = _session(request)
    if session is not None:
        try:
            if "code" in request.POST:
                services.verify_code(session, request.POST["code"][:10])
            else:
                services.confirm_name(session, request.POST.get("name", "")[:50])
        except FairError as error:
            messages.error(request, str(error))
    return redirect("fairs:kiosk_home")


class KioskResumeForm(forms.Form):
    groups = forms.MultipleChoiceField(
        choices=OccupationGroup.choices,
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    occupations = forms.CharField(required=False, max_length=200)


@never_cache
@kiosk_required
def kiosk_resume(request):
    session = _ready(request)
    if session is None:
        return redirect("fairs:kiosk_home")
    resume = Resume.objects.filter(person=session.person).first()
    if request.method == "POST":
        form = KioskResumeForm(request.POST)
        if form.is_valid():
            try:
                services.make_resume(
                    session,
                    groups=request.POST.getlist("groups"),
                    occupations=request.POST.getlist("occupation"),
                )
            except FairError as error:
                messages.error(request, str(error))
            else:
                return redirect("fairs:kiosk_review")
    chosen = set(resume.intended_occupation_groups) if resume else set()
    named = set(resume.intended_occupations.split()) if resume else set()
    context = _context(
        request,
        groups=[
            (code, label, code in chosen) for code, label in queries.popular_groups()
        ],
        occupations=[(name, name in named) for name in queries.popular_occupations()],
    )
    return render(request, "fairs/kiosk/resume_form.html", context)


@never_cache
@kiosk_required
def kiosk_review(request):
    session = _ready(request)
    if session is None:
        return redirect("fairs:kiosk_home")
    resume = (
        Resume.objects.filter(person=session.person)
        .select_related("person__residence")
        .first()
    )
    if resume is None:
        return redirect("fairs:kiosk_resume")
    context = _context(
        request,
        resume=resume,
        groups=[OccupationGroup(g).label for g in resume.intended_occupation_groups],
        person=session.person,
        today=timezone.localdate(),
        qr=qr_svg(settings.SITE_URL + resume.share_url()),
    )
    return render(request, "fairs/kiosk/review.html", context)


@never_cache
@require_POST
@kiosk_required
def kiosk_send_resume(request):
    session = _ready(request)
    if session is not None:
        try:
            services.send_resume_link(session, site_url=settings.SITE_URL)
        except FairError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The link to your resume is sent to your phone.")
            )
    return redirect("fairs:kiosk_review")


@never_cache
@require_POST
@kiosk_required
def kiosk_check_in(request):
    session = _ready(request)
    if session is None:
        return redirect("fairs:kiosk_home")
    try:
        services.check_in(session, shares_resume=request.POST.get("share") == "yes")
    except FairError as error:
        messages.error(request, str(error))
        return redirect("fairs:kiosk_home")
    messages.success(
        request, _("You are checked in. Employers at the desks can see you are here.")
    )
    return redirect("fairs:kiosk_jobs")


@never_cache
@kiosk_required
def kiosk_jobs(request):
    session = _ready(request)
    if session is None:
        return redirect("fairs:kiosk_home")
    jobs = queries.hall_jobs_for(
        request.terminal.hall, session.person, timezone.localdate()
    )
    return render(request, "fairs/kiosk/jobs.html", _context(request, jobs=jobs))


@never_cache
@require_POST
@kiosk_required
def kiosk_done(request):
    """“Done”, or the page's 60 s idle timer: the session ends."""
    session = _session(request)
    if session is not None:
        services.end_session(session)
    return redirect("fairs:kiosk_home")
