"""Demo statistics for seed_demo: how many vacancies the demo's postings should
offer each month (from its seekers, so that the ratio of vacancies to seekers
stays where public employment offices report it), the employed population the
official unemployment rate divides by, the figures of the two years of history
and last month's city report."""

import datetime
import math
import random

from django.db import connection

from jobs.models import ResumeInterval
from portal.demo import FOSHAN, SPRING_FESTIVALS, DemoCity, add_months, history_start
from portal.models import OrgUnit, User
from registration.models import UnemploymentRegistration
from registration.queries import counts_by_unit
from stats.models import EmployedPopulation, Fact, Report, WarningRule
from stats.periods import MONTH, QUARTER, YEAR, Period
from stats.services import build_report, refresh_facts

EMPLOYED_SOURCE = "演示数据：按演示城市规模缩小的城镇从业人员数，并非统计部门公布数"


def target_ratio(month: datetime.date) -> float:
    """Vacancies per seeker the demo aims at in a month: about 1.25, up to 1.5 in
    the weeks after the Spring Festival and 1.35 at graduation, 1.05 in the weeks
    before the festival (real offices report 1.0–1.6)."""
    middle = month + datetime.timedelta(14)
    ratio = 1.25
    for festival in SPRING_FESTIVALS:
        days_after = (middle - festival).days
        if 7 <= days_after < 60:
            ratio = 1.5
        elif -45 <= days_after < 7:
            ratio = 1.05
    if month.month in (6, 7):
        ratio = 1.35
    return ratio + random.Random(f"ratio-{month}").uniform(-0.05, 0.05)


def _months(today: datetime.date) -> list[datetime.date]:
    month, months = add_months(history_start(today), -1), []
    while month <= today:
        months.append(month)
        month = add_months(month, 1)
    return months


def seekers_by_district(months) -> dict[tuple[str, datetime.date], int]:
    """{(district code, first day): seekers}, counted as docs/statistics.md,
    "Supply and demand", says: people with a resume valid some day of the month
    or registered as unemployed some day of it, once each, where they live."""
    people = {}
    spans = [
        *ResumeInterval.objects.values_list(
            "person_id", "person__residence__code", "starts_on", "ends_on"
        ),
        *UnemploymentRegistration.objects.filter(
            registered_on__isnull=False
        ).values_list(
            "person_id", "person__residence__code", "registered_on", "cancelled_on"
        ),
    ]
    for person, code, first, last in spans:
        if code is None:
            continue
        for month in months:
            if first <= add_months(month, 1) - datetime.timedelta(1) and (
                last is None or last >= month
            ):
                people.setdefault((code[:6], month), set()).add(person)
    return {key: len(persons) for key, persons in people.items()}


def demand_targets(today: datetime.date) -> dict[tuple[str, datetime.date], int]:
    """{(district code, first day): vacancies} for jobs/demo.seed_postings."""
    months = _months(today)
    return {
        (district, month): math.ceil(seekers * target_ratio(month))
        for (district, month), seekers in seekers_by_district(months).items()
    }


def seed_employed_population(today: datetime.date, demo: DemoCity = FOSHAN) -> None:
    """城镇从业人员 of the city and its districts for the last three years: the
    demo's people in work at each year's end (or today), rounded to tens; the
    city is the sum of its districts. Rows already there are left alone, but
    the province's (if any) is brought up to the sum of its cities."""
    city = OrgUnit.objects.get(code=demo.code)
    districts = list(demo.units(OrgUnit.Level.DISTRICT))
    entered_by = User.objects.get(username=demo.login("cw"))
    for year in range(today.year - 2, today.year + 1):
        day = min(datetime.date(year, 12, 31), today)
        counts = counts_by_unit(day, day, lengths=(6,))
        figures = {
            district: max(
                10,
                round(counts.get(district.code[:6], {}).get("employed_at_end", 0), -1),
            )
            for district in districts
        }
        figures[city] = sum(figures.values())
        for unit, employed in figures.items():
            _enter_employed(unit, year, employed, entered_by)
        if city.parent is not None:
            cities = OrgUnit.objects.filter(parent=city.parent)
            total = EmployedPopulation.objects.filter(org_unit__in=cities, year=year)
            EmployedPopulation.objects.update_or_create(
                org_unit=city.parent,
                year=year,
                defaults={
                    "employed": sum(total.values_list("employed", flat=True)),
                    "source": EMPLOYED_SOURCE,
                    "entered_by": entered_by,
                },
            )


def _enter_employed(unit, year, employed, entered_by) -> None:
    EmployedPopulation.objects.get_or_create(
        org_unit=unit,
        year=year,
        defaults={
            "employed": employed,
            "source": EMPLOYED_SOURCE,
            "entered_by": entered_by,
        },
    )


def seed_city_warning_rules(demo: DemoCity) -> None:
    """A further demo city's own threshold for registered unemployment (15 %
    instead of the common 10 %)."""
    WarningRule.objects.get_or_create(
        city=demo.units("city").get(),
        indicator=WarningRule.Indicator.UNEMPLOYED,
        direction=WarningRule.Direction.RISE,
        defaults={"threshold": 15},
    )


def demo_periods(today: datetime.date) -> list[Period]:
    """The 24 months, 8 quarters and 2 years up to the current ones."""
    periods = []
    for kind, count in ((MONTH, 24), (QUARTER, 8), (YEAR, 2)):
        period = Period.containing(kind, today)
        for _step in range(count):
            periods.append(period)
            period = period.previous()
    return periods


def seed_facts(today: datetime.date, demo: DemoCity = FOSHAN) -> None:
    """The figures of every demo period not computed yet for the city (the hourly
    task keeps the current ones fresh), then last month's city report."""
    with connection.cursor() as cursor:
        # Statistics of the thousands of rows just added, not committed yet:
        # without them the planner picks plans meant for nearly empty tables.
        # The project's tables only: a bare ANALYZE takes the shared catalogs
        # too, whose locks another database's CREATE DATABASE or VACUUM holds.
        tables = connection.introspection.django_table_names(only_existing=True)
        cursor.execute(
            "ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables)
        )
    city = OrgUnit.objects.get(code=demo.code)
    for period in demo_periods(today):
        if not Fact.objects.for_period(period).filter(org_unit=city).exists():
            refresh_facts(period)
    if not Report.objects.filter(org_unit=city).exists():
        build_report(
            Report.objects.create(
                period_kind=MONTH,
                period_start=Period.containing(MONTH, today).previous().start,
                org_unit=city,
            )
        )
