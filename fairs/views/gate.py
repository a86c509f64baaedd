"""Pages at and around the gate: seekers' passes, the stewards' scanner, the
employers' points, the fair's live figures."""

import uuid

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from fairs import queries
from fairs.errors import FairError
from fairs.models import JobFair, PointsEntry, Scan, SeekerPass
from fairs.services import gate
from fairs.services.points import booking_block
from portal.decorators import (
    employer_required,
    role_required,
    seeker_required,
    staff_required,
)
from portal.middleware import allow_nul_bytes
from portal.qr import qr_svg

gate_staff_required = role_required(
    lambda user: user.is_steward or user.is_caseworker or user.is_administrator
)


@require_POST
@seeker_required
def pass_register(request, pk):
    fair = get_object_or_404(JobFair.objects.published(), pk=pk)
    try:
        seeker_pass = gate.register_to_attend(fair, person=request.user.person)
    except FairError as error:
        messages.error(request, str(error))
        return redirect(fair)
    messages.success(request, _("You are registered. Show this pass at the gate."))
    return redirect(seeker_pass)


# Private: the page keeps working offline once loaded (the QR is inline SVG).
@cache_control(private=True, max_age=86400)
@seeker_required
def pass_detail(request, code):
    seeker_pass = get_object_or_404(
        SeekerPass.objects.select_related("fair", "person"),
        code=code,
        person=request.user.person,
    )
    context = {
        "seeker_pass": seeker_pass,
        "fair": seeker_pass.fair,
        "qr": qr_svg(seeker_pass.pass_token) if seeker_pass.is_active else "",
    }
    return render(request, "fairs/pass_detail.html", context)


def _gate_fairs(user):
    fairs = JobFair.objects.published()
    if user.is_administrator:
        return fairs
    return fairs.filter(org_unit__code__startswith=user.org_unit.descendant_prefix)


@gate_staff_required
def gate_home(request):
    """Where stewards start: the fairs of their area from today on."""
    fairs = _gate_fairs(request.user).upcoming().order_by("date", "starts_at")
    return render(request, "fairs/gate_home.html", {"fairs": fairs[:20]})


def _gate_fair(request, pk) -> JobFair:
    return get_object_or_404(_gate_fairs(request.user), pk=pk)


@allow_nul_bytes("raw")  # a damaged code is recorded as an unknown one
@gate_staff_required
def gate_scanner(request, pk):
    """For phones and tablets at the gate. It looks codes up one at a time and
    never lists who is registered or present."""
    fair = _gate_fair(request, pk)
    record = None
    if request.method == "POST":
        try:
            nonce = uuid.UUID(request.POST.get("nonce", ""))
        except ValueError:
            nonce = None
        direction = "out" if request.POST.get("direction") == "out" else "in"
        try:
            record = gate.scan(
                fair,
                request.POST.get("raw", ""),
                by=request.user,
                nonce=nonce,
                direction=direction,
            )
        except FairError as error:
            if request.headers.get("Accept") == "application/json":
                return JsonResponse(
                    {
                        "ok": False,
                        "wait": False,
                        "result": "refused",
                        "label": _("Scan refused"),
                        "detail": str(error),
                    },
                    status=409,
                )
            messages.error(request, str(error))
        if record and request.headers.get("Accept") == "application/json":
            return JsonResponse(
                {
                    "ok": record.is_ok,
                    "wait": record.result in ("not_open", "closed"),
                    "result": record.result,
                    "label": record.get_result_display(),
                    "detail": gate.scan_message(record),
                }
            )
    context = {
        "fair": fair,
        "record": record,
        "detail": gate.scan_message(record) if record else "",
        "nonce": uuid.uuid4(),
        "is_over": fair.date < timezone.localdate(),
    }
    return render(request, "fairs/gate_scanner.html", context)


@employer_required
def points_history(request):
    employer = request.user.employer
    entries = PointsEntry.objects.filter(employer=employer).select_related(
        "booking__fair", "booking__booth"
    )
    context = {
        "entries": entries[:100],
        "total": entries.aggregate(total=Sum("points"))["total"] or 0,
        "blocked_until": booking_block(employer),
    }
    return render(request, "fairs/points_history.html", context)


@staff_required
def fair_figures(request, pk):
    fair = get_object_or_404(JobFair.objects.for_user(request.user), pk=pk)
    failed = (
        Scan.objects.filter(fair=fair, annulled_at__isnull=True)
        .exclude(result__in=Scan.OK_RESULTS)
        .values("result")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    context = {
        "fair": fair,
        **queries.fair_figures(fair),
        "failed": [(Scan.Result(row["result"]).label, row["count"]) for row in failed],
    }
    return render(request, "fairs/fair_figures.html", context)
