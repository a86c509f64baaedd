"""Scheduled tasks of the statistics (declared in portal's setup_schedules)."""

from django.utils import timezone

from stats.periods import KINDS, Period
from stats.services import refresh_facts


def refresh_recent_facts() -> int:
    """The current and the previous month, quarter and year (closed ones stay)."""
    today = timezone.localdate()
    done = 0
    for kind in KINDS:
        current = Period.containing(kind, today)
        for period in (current, current.previous()):
            done += refresh_facts(period)
    return done
