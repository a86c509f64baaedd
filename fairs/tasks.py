"""Scheduled tasks of the fairs app (declared in portal's setup_schedules)."""

from fairs import gate, services
from fairs.models import BoothBooking


def release_no_shows() -> int:
    return gate.release_no_shows()


def confirm_booking(booking_id: int) -> None:
    services.confirm_booking(BoothBooking.objects.get(pk=booking_id))
