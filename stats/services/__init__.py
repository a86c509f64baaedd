"""Every write of the statistics: facts, closed periods, warning rules, reports and
the urban employed population. Callers use `from stats import services` and
`services.<name>`."""

from stats.errors import StatsError
from stats.services.employed_population import (
    employed_population_problem,
    may_enter_employed_population,
    save_employed_population,
)
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
    "employed_population_problem",
    "may_enter_employed_population",
    "notify_leaders",
    "notify_requester",
    "refresh_facts",
    "request_report",
    "save_employed_population",
    "save_warning_rule",
]
