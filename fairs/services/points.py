"""Employers' fair points: earned for attending, lost for late cancellations and
no-shows; too many no-shows block booking for a while (rules are data)."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs.errors import FairError
from fairs.models import BoothBooking, PointsEntry, PointsRules
from jobs.models import Application
from portal import city_rules
from portal.audit import save_with_audit
from portal.models import Employer, User


def award_points(booking: BoothBooking, reason: str) -> None:
    """Points by the rules of the employer's city, wherever the fair is."""
    rules = PointsRules.current(booking.employer.org_unit)
    points = {
        PointsEntry.Reason.ATTENDED: rules.attended,
        PointsEntry.Reason.HIRED: rules.hired,
        PointsEntry.Reason.LATE_CANCEL: rules.late_cancel,
        PointsEntry.Reason.NO_SHOW: rules.no_show,
    }[reason]
    PointsEntry.objects.get_or_create(
        booking=booking,
        reason=reason,
        defaults={"employer_id": booking.employer_id, "points": points},
    )


HIRING_WINDOW_DAYS = 60


def award_hiring_points(*, day: datetime.date | None = None) -> int:
    """Daily: bookings whose shown jobs led to a hire within 60 days of the fair
    earn the hiring points, once."""
    day = day or timezone.localdate()
    hired = Application.objects.filter(
        posting=OuterRef("postings"),
        status=Application.Status.HIRED,
        status_changed_at__date__gte=OuterRef("fair__date"),
    )
    due = (
        BoothBooking.objects.filter(
            signed_in_at__isnull=False,
            fair__date__gte=day - datetime.timedelta(days=HIRING_WINDOW_DAYS),
            fair__date__lte=day,
        )
        .exclude(pk__in=PointsEntry.objects.filter(reason="hired").values("booking"))
        .filter(Exists(hired))
        .select_related("employer__org_unit")
        .distinct()
    )
    awarded = 0
    for booking in due:
        award_points(booking, PointsEntry.Reason.HIRED)
        awarded += 1
    return awarded


def booking_block(employer: Employer) -> datetime.date | None:
    """The day until which an employer may not book, after too many no-shows
    (by the rules of its own city)."""
    rules = PointsRules.current(employer.org_unit)
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


@transaction.atomic
def save_points_rules(
    rules: PointsRules, *, by: User, changed_fields: list[str]
) -> PointsRules:
    """The top unit's staff set every city's rules and those without a city; a
    city's staff (in a province) their own city's, which they may add."""
    if not city_rules.may_write_row(by, rules):
        raise FairError(_("You may change only your own city's rules."))
    try:
        with transaction.atomic():
            return save_with_audit(
                rules, by=by, fields=changed_fields, action="fairs.rules"
            )
    except IntegrityError as error:  # two first saves of one city's rules
        raise FairError(_("This city already has rules of its own.")) from error
