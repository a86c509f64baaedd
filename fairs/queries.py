"""Fair figures per fair and per period (read-only; the statistics read these)."""

import datetime

from django.db.models import Count, Q, Sum

from fairs.models import BoothBooking, BoothVisit, JobFair, SeekerPass
from jobs import matching
from jobs.models import Resume
from portal.models import OrgUnit


def fair_figures(fair: JobFair) -> dict[str, int]:
    bookings = fair.bookings.aggregate(
        booked=Count("pk", filter=Q(status="active")),
        present=Count("pk", filter=Q(status="active", signed_in_at__isnull=False)),
        no_shows=Count("pk", filter=Q(status="released")),
    )
    passes = fair.passes.aggregate(
        registered=Count("pk", filter=Q(status="active")),
        entered=Count("pk", filter=Q(entered_at__isnull=False)),
    )
    positions = fair.bookings.filter(status="active").aggregate(
        total=Sum("postings__headcount")
    )["total"]
    visits = BoothVisit.objects.filter(booking__fair=fair).aggregate(
        interests=Count("pk"), intentions=Count("pk", filter=Q(has_intention=True))
    )
    return {**bookings, **passes, **visits, "positions": positions or 0}


def period_figures(unit: OrgUnit, first: datetime.date, last: datetime.date) -> dict:
    """Fairs held by `unit` or below between two days, inclusive."""
    fairs = JobFair.objects.published().filter(
        date__gte=first,
        date__lte=last,
        org_unit__code__startswith=unit.descendant_prefix,
    )
    bookings = BoothBooking.objects.filter(fair__in=fairs)
    visits = BoothVisit.objects.filter(booking__fair__in=fairs)
    return {
        "interests": visits.count(),
        "intentions": visits.filter(has_intention=True).count(),
        "fairs": fairs.count(),
        "employers_present": bookings.filter(signed_in_at__isnull=False).count(),
        "no_shows": bookings.filter(status="released").count(),
        "seekers_entered": SeekerPass.objects.filter(
            fair__in=fairs, entered_at__isnull=False
        ).count(),
        "positions": bookings.filter(status="active").aggregate(
            total=Sum("postings__headcount")
        )["total"]
        or 0,
    }


def matching_exhibitors(fair: JobFair, person) -> list[dict]:
    """The fair's employers whose shown postings match the seeker's resume best,
    with their booth numbers."""
    resume = Resume.objects.filter(person=person).first()
    if resume is None:
        return []
    bookings = {
        booking.pk: booking
        for booking in fair.bookings.active().select_related("booth", "employer")
    }
    pairs = BoothBooking.postings.through.objects.filter(
        boothbooking_id__in=bookings
    ).values_list("jobposting_id", "boothbooking_id")
    shown = {posting_id: bookings[booking_id] for posting_id, booking_id in pairs}
    matches = []
    for posting in matching.postings_for(resume, limit=200):
        booking = shown.get(posting.pk)
        if booking is not None and booking not in [m["booking"] for m in matches]:
            matches.append({"booking": booking, "posting": posting})
    return matches[:5]
