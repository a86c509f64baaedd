"""Every write of the statistics: facts, closed periods, warning rules and reports.
Callers use `from stats import services` and `services.<name>`."""

from stats.errors import StatsError
from stats.services.facts import close_period, closing_refusal, refresh_facts
from stats.services.report_requests import (
    build_report,
    can_report_on,
    notify_leaders,
    notify_requester,
    request_report,
)
from stats.services.warnings import save_warning_rule

__all__ = [
    "StatsError",
    "build_report",
    "can_report_on",
    "close_period",
    "closing_refusal",
    "notify_leaders",
    "notify_requester",
    "refresh_facts",
    "request_report",
    "save_warning_rule",
]
