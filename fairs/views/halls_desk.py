"""The employer desk (招聘智能桌面机): an enrolled desk, signed in as a verified
employer, sees the people checked in at the hall today who match its postings."""

import datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fairs import queries, services
from fairs.errors import FairError
from fairs.models import DeskContact, HallCheckIn
from fairs.views.halls import terminal_required
from jobs.models import JobPosting

desk_required = terminal_required("desk")


def _employer(request) -> bool:
    user = request.user
    return (
        user.is_authenticated and user.is_employer_staff and user.employer.is_verified
    )


@never_cache
@desk_required
def desk_home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _employer(request):
        return render(
            request, "fairs/hall_not_terminal.html", {"kind": "desk"}, status=403
        )
    desk = request.terminal
    seated = desk.employer_today() == request.user.employer_id
    session_key = request.session.session_key or ""
    if seated and desk.employer_session_key != session_key:
        # Signed in again on this device (after a logout, or with a new session):
        # the login closing time ends is this one.
        desk = services.take_desk(desk, by=request.user, session_key=session_key)
    rows = queries.desk_matches(desk, timezone.localdate()) if seated else []
    postings = JobPosting.objects.published().filter(employer=request.user.employer)
    context = {
        "desk": desk,
        "hall": desk.hall,
        "seated": seated,
        "rows": rows,
        "postings": postings,
        "outcomes": DeskContact.Outcome.choices,
    }
    return render(request, "fairs/desk.html", context)


@require_POST
@desk_required
def desk_take(request):
    if not _employer(request):
        return redirect("fairs:desk_home")
    try:
        services.take_desk(
            request.terminal,
            by=request.user,
            session_key=request.session.session_key or "",
        )
    except FairError as error:
        messages.error(request, str(error))
    return redirect("fairs:desk_home")


def _check_in(request, pk) -> HallCheckIn:
    return get_object_or_404(
        HallCheckIn.objects.select_related("person"),
        pk=pk,
        hall=request.terminal.hall,
        day=timezone.localdate(),
    )


def _act(request, pk, action):
    if not _employer(request):
        return redirect("fairs:desk_home")
    try:
        text = action(_check_in(request, pk))
    except FairError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, text)
    return redirect("fairs:desk_home")


@require_POST
@desk_required
def desk_favourite(request, pk):
    def run(check_in):
        added = services.toggle_favourite(request.terminal, check_in, by=request.user)
        return _("Added to favourites.") if added else _("Removed from favourites.")

    return _act(request, pk, run)


@require_POST
@desk_required
def desk_invite(request, pk):
    def run(check_in):
        posting_id = request.POST.get("posting", "")
        posting = (
            JobPosting.objects.published()
            .filter(employer_id=request.user.employer_id, pk=posting_id)
            .first()
            if posting_id.isdigit() and len(posting_id) < 10
            else None
        )
        if posting is None:
            raise FairError(_("Choose one of your open postings."))
        when = None
        if request.POST.get("when") == "later":
            try:
                when = parse_datetime(request.POST.get("at", "")[:40])
            except ValueError:  # a date that does not exist
                when = None
            if when is None:
                raise FairError(_("Give the interview's date and time."))
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
            if when - timezone.now() > datetime.timedelta(days=60):
                raise FairError(_("Choose a time within 60 days."))
        services.invite_from_desk(
            request.terminal,
            check_in,
            by=request.user,
            posting=posting,
            scheduled_at=when,
        )
        return _("Invitation sent. The person gets a text message naming your booth.")

    return _act(request, pk, run)


@require_POST
@desk_required
def desk_outcome(request, pk):
    def run(check_in):
        services.record_outcome(
            request.terminal,
            check_in,
            by=request.user,
            outcome=request.POST.get("outcome", ""),
        )
        return _("Result recorded.")

    return _act(request, pk, run)
