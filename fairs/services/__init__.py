"""Every write in the fairs app: fairs and layouts, bookings, the gate, booth visits and
points. Callers use `from fairs import services` and `services.<name>`."""

from fairs.errors import FairError
from fairs.services.bookings import (
    book_booth,
    cancel_booking,
    cancel_refusal,
    confirm_booking,
    employer_refusal,
    lock_keys,
    new_short_code,
)
from fairs.services.gate import (
    annul_scan,
    register_to_attend,
    release_no_shows,
    scan,
    scan_message,
)
from fairs.services.job_fairs import layout_problems, publish_fair, save_fair
from fairs.services.points import (
    award_hiring_points,
    award_points,
    booking_block,
    save_points_rules,
)
from fairs.services.remote import (
    call_next_remote,
    join_remote_queue,
    leave_remote_queue,
)
from fairs.services.visits import record_intention, register_interest

__all__ = [
    "call_next_remote",
    "join_remote_queue",
    "leave_remote_queue",
    "FairError",
    "annul_scan",
    "award_hiring_points",
    "award_points",
    "book_booth",
    "booking_block",
    "cancel_booking",
    "cancel_refusal",
    "confirm_booking",
    "employer_refusal",
    "layout_problems",
    "lock_keys",
    "new_short_code",
    "publish_fair",
    "record_intention",
    "register_interest",
    "register_to_attend",
    "release_no_shows",
    "save_fair",
    "save_points_rules",
    "scan",
    "scan_message",
]
