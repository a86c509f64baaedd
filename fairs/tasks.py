"""Scheduled tasks of the fairs app (declared in config's setup_schedules)."""

from fairs import services
from fairs.models import BoothBooking
from fairs.services import gate, points


def release_no_shows() -> int:
    return gate.release_no_shows()


def confirm_booking(booking_id: int) -> None:
    services.confirm_booking(BoothBooking.objects.get(pk=booking_id))


def award_hiring_points() -> int:
    return points.award_hiring_points()


def refresh_hall_figures() -> int:
    return services.refresh_all_hall_figures()


def close_halls() -> dict[str, int]:
    return services.close_halls()
