"""Demo statistics for seed_demo: the figures of the last thirteen months and of
the current and previous quarter and year, computed from the demo registries (the
hourly task keeps the current ones fresh), and last month's city report."""

from django.utils import timezone

from portal.models import OrgUnit
from stats.models import Report
from stats.periods import MONTH, QUARTER, YEAR, Period
from stats.services import build_report, refresh_facts


def seed_facts() -> None:
    today = timezone.localdate()
    month = Period.containing(MONTH, today)
    periods = [month]
    while len(periods) < 13:
        periods.append(periods[-1].previous())
    for kind in (QUARTER, YEAR):
        current = Period.containing(kind, today)
        periods += [current, current.previous()]
    for period in periods:
        refresh_facts(period)
    if not Report.objects.exists():
        city = OrgUnit.objects.get(level=OrgUnit.Level.CITY)
        build_report(
            Report.objects.create(
                period_kind=MONTH, period_start=periods[1].start, org_unit=city
            )
        )
