"""The fairs pages; `fairs/urls.py` routes to `views.<name>`."""

from fairs.views.booths import booking_visitors, booth_page, visit_intention
from fairs.views.fairs import (
    booking_cancel,
    booking_detail,
    booking_list,
    booking_new,
    booking_pdf,
    fair_detail,
    fair_list,
    short_name,
)
from fairs.views.gate import (
    fair_figures,
    gate_home,
    gate_scanner,
    pass_detail,
    pass_register,
    points_history,
)
from fairs.views.halls import hall_screen, hall_screen_data, terminal_enrol
from fairs.views.halls_desk import (
    desk_favourite,
    desk_home,
    desk_invite,
    desk_outcome,
    desk_take,
)
from fairs.views.halls_kiosk import (
    kiosk_card,
    kiosk_check_in,
    kiosk_done,
    kiosk_home,
    kiosk_jobs,
    kiosk_resume,
    kiosk_review,
    kiosk_send_code,
    kiosk_send_resume,
    kiosk_verify,
)
from fairs.views.remote import remote_queue

__all__ = [
    "remote_queue",
    "booking_cancel",
    "booking_detail",
    "booking_list",
    "booking_new",
    "booking_pdf",
    "booking_visitors",
    "booth_page",
    "fair_detail",
    "fair_figures",
    "fair_list",
    "gate_home",
    "gate_scanner",
    "pass_detail",
    "pass_register",
    "points_history",
    "short_name",
    "visit_intention",
    "desk_favourite",
    "desk_home",
    "desk_invite",
    "desk_outcome",
    "desk_take",
    "hall_screen",
    "hall_screen_data",
    "kiosk_card",
    "kiosk_check_in",
    "kiosk_done",
    "kiosk_home",
    "kiosk_jobs",
    "kiosk_resume",
    "kiosk_review",
    "kiosk_send_code",
    "kiosk_send_resume",
    "kiosk_verify",
    "terminal_enrol",
]
