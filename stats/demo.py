"""Demo statistics for seed_demo: the figures of the recent periods computed from
the demo registries (the hourly task keeps the current ones fresh), and last
month's city report."""

from django.utils import timezone

from portal.models import OrgUnit
from stats.models import Report
from stats.periods import MONTH, recent_periods
from stats.services import build_report, refresh_facts


def seed_facts() -> None:
    periods = recent_periods(timezone.localdate())
    for period in periods:
        refresh_facts(period)
    if not Report.objects.exists():
        city = OrgUnit.objects.get(level=OrgUnit.Level.CITY)
        build_report(
            Report.objects.create(
                period_kind=MONTH, period_start=periods[1].start, org_unit=city
            )
        )
