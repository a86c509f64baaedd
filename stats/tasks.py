"""Scheduled and queued tasks of the statistics (schedules in portal's
setup_schedules)."""

from django.conf import settings
from django.utils import timezone

from portal.models import OrgUnit
from registration import services as registration
from stats import services
from stats.models import Report
from stats.periods import KINDS, MONTH, Period


def refresh_recent_facts() -> int:
    """The current month, quarter and year, and the previous ones while late data
    may still arrive (STATS_LATE_DAYS after they end); closed ones stay. Later,
    the figures of a period stay as last computed: resumes edited today must not
    change last year."""
    today = timezone.localdate()
    # What the registrations' triggers appended since the last hour, added up.
    registration.compact_employed_changes()
    done = 0
    for kind in KINDS:
        current = Period.containing(kind, today)
        done += services.refresh_facts(current)
        previous = current.previous()
        if (today - previous.end).days <= settings.STATS_LATE_DAYS:
            done += services.refresh_facts(previous)
    return done


def build_report(report_id: int) -> str:
    """Build a queued report and tell whoever waits for it, also when it failed."""
    report = Report.objects.get(pk=report_id)
    try:
        services.build_report(report)
    finally:
        report.refresh_from_db()
        if report.requested_by is None:
            services.notify_leaders(report)
        else:
            services.notify_requester(report)
    return report.status


def last_months_reports() -> int:
    """On the first day of each month: last month's report for the province (if
    any), each city and each district; the leaders are told when each is ready."""
    last_month = Period.containing(MONTH, timezone.localdate()).previous()
    units = OrgUnit.objects.current().filter(level__in=["province", "city", "district"])
    # A retry after the worker died goes on where the killed run stopped.
    made = Report.objects.filter(
        period_kind=last_month.kind, period_start=last_month.start, requested_by=None
    )
    units = units.exclude(pk__in=made.values("org_unit"))
    for unit in units:
        services.request_report(last_month, unit, by=None)
    return len(units)
