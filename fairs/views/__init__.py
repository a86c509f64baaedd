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
]
