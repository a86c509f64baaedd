"""Employers' fair points: earned for attending, lost for late cancellations and
no-shows; too many no-shows block booking for a while (rules are data)."""

import datetime

from django.utils import timezone

from fairs.models import BoothBooking, PointsEntry, PointsRules
from portal.models import Employer


def award_points(booking: BoothBooking, reason: str) -> None:
    rules = PointsRules.current()
    points = {
        PointsEntry.Reason.ATTENDED: rules.attended,
        PointsEntry.Reason.LATE_CANCEL: rules.late_cancel,
        PointsEntry.Reason.NO_SHOW: rules.no_show,
    }[reason]
    PointsEntry.objects.get_or_create(
        booking=booking,
        reason=reason,
        defaults={"employer_id": booking.employer_id, "points": points},
    )


def booking_block(employer: Employer) -> datetime.date | None:
    """The day until which an employer may not book, after too many no-shows."""
    rules = PointsRules.current()
    since = timezone.now() - datetime.timedelta(days=30 * rules.no_show_months)
    no_shows = list(
        PointsEntry.objects.filter(
            employer=employer, reason=PointsEntry.Reason.NO_SHOW, created_at__gte=since
        ).order_by("-created_at")[: rules.no_show_limit]
    )
    if len(no_shows) < rules.no_show_limit:
        return None
    until = timezone.localtime(no_shows[0].created_at).date() + datetime.timedelta(
        days=rules.block_days
    )
    return until if until > timezone.localdate() else None
