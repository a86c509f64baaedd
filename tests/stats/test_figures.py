"""Every stored figure equals an independent recomputation from the registries;
the city is the sum of its districts; a closed period never changes."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from jobs.models import JobPosting
from portal.models import OrgUnit
from stats import queries, services
from stats.models import ClosedPeriod, Fact
from stats.periods import Period
from tests import factories


def value(unit, period, indicator, dimension="", category=""):
    fact = (
        Fact.objects.for_period(period)
        .filter(
            org_unit=unit, indicator=indicator, dimension=dimension, category=category
        )
        .first()
    )
    return fact.value if fact else None


def test_figures_equal_an_independent_count(foshan, market, caseworker):
    factories.make_unemployment(market[2].person, by=caseworker)  # no resume
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    published = JobPosting.objects.exclude(published_at__isnull=True)
    for unit in (foshan["city"], foshan["chancheng"], foshan["nanhai"]):
        mine = published.filter(org_unit__code__startswith=unit.descendant_prefix)
        assert value(unit, period, "demand") == mine.aggregate(
            total=Sum("headcount"))["total"]  # fmt: skip
        assert value(unit, period, "demand", "occupation", "6") == (
            mine.filter(occupation_group="6").aggregate(total=Sum("headcount"))["total"]
            or 0
        )
    assert value(foshan["city"], period, "seekers") == 3
    assert value(foshan["chancheng"], period, "seekers") == 2
    women = sum(1 for user in market if user.person.sex == "F")
    assert (value(foshan["city"], period, "seekers", "sex", "F") or 0) == women
    assert value(foshan["city"], period, "demand", "salary", "negotiable") == 4
    assert value(foshan["city"], period, "seekers", "seeker_category",
                 "lost_job") == 1  # fmt: skip


def test_the_city_is_the_sum_of_its_districts(foshan, market):
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    districts = OrgUnit.objects.filter(level="district")
    for indicator in ("demand", "seekers"):
        parts = sum(value(district, period, indicator) or 0 for district in districts)
        assert value(foshan["city"], period, indicator) == parts


def test_the_table_has_shares_ratio_and_changes(foshan, market):
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    services.refresh_facts(period.previous())
    total, *rows = queries.supply_demand_table(foshan["city"], period, "occupation")
    assert (total.demand, total.seekers, total.ratio) == (9, 2, Decimal("4.50"))
    groups = {row.key: row for row in rows}
    assert groups["6"].demand_share == Decimal("22.22")
    assert groups["2"].seekers == 2 and groups["2"].ratio == 0  # no demand
    assert total.ratio_mom is None  # nothing last month


def test_a_closed_period_never_changes(foshan, market, leader, employer):
    last_month = Period.containing("month", timezone.localdate()).previous()
    factories.backdate_postings(60)
    services.close_period(last_month, by=leader)
    before = value(foshan["city"], last_month, "demand")
    factories.make_posting(employer.employer, headcount=50)
    factories.backdate_postings(60)
    assert services.refresh_facts(last_month) == 0
    assert value(foshan["city"], last_month, "demand") == before
    assert ClosedPeriod.is_closed(last_month)


def test_only_city_leaders_close_finished_periods(foshan, leader, caseworker):
    district_leader = factories.make_staff("leader", org_unit=foshan["chancheng"])
    current = Period.containing("month", timezone.localdate())
    for user, period in ((leader, current), (district_leader, current.previous()),
                         (caseworker, current.previous())):  # fmt: skip
        with pytest.raises(services.StatsError):
            services.close_period(period, by=user)
    assert not ClosedPeriod.objects.exists()


def test_registration_figures_per_unit_equal_the_count_for_that_unit(
    foshan, market, caseworker, employer
):
    from registration.queries import COUNTS, counts

    factories.make_unemployment(market[2].person, by=caseworker)
    factories.file_hire(employer, market[0].person, timezone.localdate())
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    for unit in (foshan["city"], foshan["chancheng"], foshan["nanhai_street"]):
        expected = counts(unit, period.start, period.end)
        assert {name: value(unit, period, name) for name in COUNTS} == expected
    assert value(foshan["city"], period, "new_employment") == 1


def test_the_occupations_most_short_of_people(foshan, market):
    factories.make_resume(market[2], intended_occupations="仓库管理、叉车司机")
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    [gap] = queries.largest_gaps(foshan["city"], period)
    # Every posting is for 仓库管理 (9 people); one seeker names it.
    assert (gap["name"], gap["demand"], gap["seekers"], gap["gap"]) == (
        "仓库管理",
        9,
        1,
        8,
    )
