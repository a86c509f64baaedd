import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs import queries, services
from fairs.forms import BookingForm
from fairs.models import Booth, BoothBooking, JobFair, booked_count, booth_count
from portal.decorators import employer_required
from portal.pdf import render_pdf
from portal.qr import qr_svg


def fair_list(request):
    fairs = JobFair.objects.published().annotate(
        booked=booked_count(), booth_total=booth_count()
    )
    upcoming = fairs.upcoming().order_by("date", "starts_at")
    past = fairs.filter(date__lt=timezone.localdate()).order_by("-date")[:10]
    return render(request, "fairs/fair_list.html", {"upcoming": upcoming, "past": past})


def short_name(name: str) -> str:
    """佛山市禅城区恒达五金制品有限公司 → 恒达五金: what fits in a booth cell."""
    name = re.sub(r"^.{2,3}市", "", name)
    name = re.sub(r"^.{2,3}区", "", name)
    return re.sub(r"(股份)?有限(责任)?公司$|制品$|集团$", "", name)[:6]


def _booth_map(fair: JobFair, employer_id: int | None) -> list[list[dict]]:
    """The layout as rows of cells: aisles, free booths, booked booths (the
    employer's name is public: seekers plan their visit with it)."""
    booths = {(b.row, b.column): b for b in fair.booths.all()}
    bookings = {
        booking.booth_id: booking
        for booking in fair.bookings.active().select_related("employer")
    }
    grid = []
    for row, line in enumerate(fair.grid(), start=1):
        cells = []
        for column, _cell in enumerate(line, start=1):
            booth = booths.get((row, column))
            booking = bookings.get(booth.pk) if booth else None
            cells.append(
                {
                    "booth": booth,
                    "booking": booking,
                    "short_name": short_name(booking.employer.name) if booking else "",
                    "mine": booking is not None and booking.employer_id == employer_id,
                }
            )
        grid.append(cells)
    return grid


def fair_detail(request, pk):
    fair = get_object_or_404(JobFair.objects.published(), pk=pk)
    employer_id = request.user.employer_id if request.user.is_authenticated else None
    mine = (
        fair.bookings.active().filter(employer_id=employer_id).first()
        if employer_id
        else None
    )
    exhibitors = (
        fair.bookings.active()
        .select_related("employer", "booth")
        .prefetch_related("postings")
        .order_by("booth__number")
    )
    person = (
        getattr(request.user, "person", None) if request.user.is_authenticated else None
    )
    can_book = fair.is_booking_open() and mine is None
    employer = request.user.employer if employer_id else None
    # An employer who cannot book is told why before any booth is offered.
    refusal = services.employer_refusal(fair, employer) if can_book and employer else ""
    context = {
        "fair": fair,
        "today": timezone.localdate(),
        "now": timezone.now(),
        "my_pass": fair.passes.filter(person=person, status="active").first()
        if person
        else None,
        "grid": _booth_map(fair, employer_id),
        "zones": fair.zones(),
        "mine": mine,
        "exhibitors": exhibitors,
        "can_book": can_book,
        "booking_refusal": refusal,
        "employer_can_book": can_book and employer is not None and not refusal,
        "needs_verification": bool(refusal) and not employer.is_verified,
        "matches": queries.matching_exhibitors(fair, person) if person else [],
    }
    return render(request, "fairs/fair_detail.html", context)


@employer_required
def booking_new(request, pk, booth_pk):
    booth = get_object_or_404(
        Booth.objects.select_related("fair").with_taken(),
        pk=booth_pk,
        fair=pk,
        fair__status=JobFair.Status.PUBLISHED,
    )
    fair = booth.fair
    employer = request.user.employer
    # A POST gets the employer's refusal from the service, after the cheaper
    # checks that stop most of a rush.
    refusal = services.booth_refusal(fair, booth) or (
        services.employer_refusal(fair, employer) if request.method == "GET" else ""
    )
    if refusal:
        messages.error(request, refusal)
        return redirect(fair)
    data = request.POST if request.method == "POST" else None
    form = BookingForm(data, employer=employer, fair=fair)
    if request.method == "GET":
        # The newest postings are ticked: one click to confirm for most employers.
        form.initial["postings"] = list(
            form.fields["postings"].queryset.values_list("pk", flat=True)[
                : fair.max_postings
            ]
        )
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.book_booth(
                fair,
                booth,
                employer=employer,
                postings=form.cleaned_data["postings"],
                by=request.user,
            )
        except services.FairError as error:
            messages.error(request, str(error))
            return redirect(fair)
        messages.success(
            request, _("Booth %(number)s is yours.") % {"number": booth.number}
        )
        return redirect(booking)
    context = {"fair": fair, "booth": booth, "form": form}
    return render(request, "fairs/booking_form.html", context)


def _own_booking(request, code) -> BoothBooking:
    booking = get_object_or_404(
        BoothBooking.objects.select_related("fair", "booth", "employer"), code=code
    )
    if booking.employer_id != request.user.employer_id:
        raise PermissionDenied
    return booking


def _pass_context(booking: BoothBooking) -> dict:
    return {
        "booking": booking,
        "fair": booking.fair,
        "qr": qr_svg(booking.pass_token) if booking.is_active else "",
        "postings": booking.postings.all(),
        "site_url": settings.SITE_URL,
    }


@employer_required
def booking_detail(request, code):
    booking = _own_booking(request, code)
    context = {
        **_pass_context(booking),
        "cancel_refusal": services.cancel_refusal(booking, by=request.user),
    }
    return render(request, "fairs/booking_detail.html", context)


@employer_required
def booking_pdf(request, code):
    booking = _own_booking(request, code)
    if not booking.is_active:
        raise PermissionDenied
    pdf = render_pdf("pdf/booth_pass.html", _pass_context(booking))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="booth-pass-{booking.booth.number}.pdf"'
    )
    return response


@employer_required
def booking_cancel(request, code):
    """A confirm page first: cancelling frees the booth for someone else. When
    the booking can no longer be cancelled online, the page says why instead."""
    booking = _own_booking(request, code)
    refusal = services.cancel_refusal(booking, by=request.user)
    if request.method == "POST" and not refusal:
        try:
            services.cancel_booking(booking, by=request.user)
        except services.FairError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The booking is cancelled and the pass revoked.")
            )
        return redirect(booking)
    context = {"booking": booking, "refusal": refusal}
    return render(request, "fairs/booking_cancel.html", context)


@employer_required
def booking_list(request):
    bookings = BoothBooking.objects.filter(
        employer_id=request.user.employer_id
    ).select_related("fair", "booth")
    page = Paginator(bookings.order_by("-fair__date"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "fairs/booking_list.html", {"page": page})
