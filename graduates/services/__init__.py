"""Every write in the graduates app, with audit and notifications. Callers use
`from graduates import services` and `services.<name>`."""

from graduates.errors import GraduateError
from graduates.services.cohorts import save_cohort_target
from graduates.services.imports import GraduateRow, import_graduates
from graduates.services.leavers import log_contact, register_leaver, set_leaver_status
from graduates.services.receiving import (
    apply_to_receive,
    approve_receiving,
    refuse_receiving,
)
from graduates.services.reports import (
    receive_report,
    return_report,
    serving_unit,
    submit_report,
)

__all__ = [
    "GraduateError",
    "GraduateRow",
    "apply_to_receive",
    "approve_receiving",
    "import_graduates",
    "log_contact",
    "receive_report",
    "refuse_receiving",
    "register_leaver",
    "return_report",
    "save_cohort_target",
    "serving_unit",
    "set_leaver_status",
    "submit_report",
]
