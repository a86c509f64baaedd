"""The remote booth queue: seekers registered for the fair queue for a video call
with a booth; the booth's employer calls the next one in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from fairs import services
from fairs.errors import FairError
from fairs.models import BoothBooking, RemoteCall, fair_is_on


@never_cache
@login_required
def remote_queue(request, code):
    """Seekers: their place in the booth's queue, join or leave it, and the room
    once called in. The booth's employer staff: how many wait, the call now and
    the button for the next one. Anyone else: refused."""
    booking = get_object_or_404(
        BoothBooking.objects.select_related("fair", "booth", "employer"),
        code=code,
        status=BoothBooking.Status.ACTIVE,
    )
    user = request.user
    is_staff = user.is_employer_staff and user.employer_id == booking.employer_id
    if not (is_staff or user.is_seeker):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if is_staff:
                called = services.call_next_remote(booking, by=user)
                if called is None:
                    messages.info(request, _("Nobody is waiting."))
            elif request.POST.get("action") == "leave":
                mine = get_object_or_404(
                    RemoteCall, booking=booking, seeker=user, status="waiting"
                )
                services.leave_remote_queue(mine, by=user)
            else:
                services.join_remote_queue(booking, by=user)
        except FairError as error:
            messages.error(request, str(error))
        return redirect("fairs:remote_queue", code=code)
    calls = booking.remote_calls.select_related("room")
    context = {
        "booking": booking,
        "fair": booking.fair,
        "is_staff": is_staff,
        "is_on": fair_is_on(booking.fair),
        "waiting": calls.filter(status=RemoteCall.Status.WAITING).count(),
    }
    if is_staff:
        context["current"] = calls.filter(status=RemoteCall.Status.CALLED).first()
    else:
        context["mine"] = calls.filter(
            seeker=user, status__in=["waiting", "called"]
        ).first()
    return render(request, "fairs/remote_queue.html", context)
