"""Zeros are figures: an empty category is stored as 0 and every standard row of
every standard table is printed; "—" is left for what does not apply."""

from django.urls import reverse
from django.utils import timezone, translation

from stats import queries, services
from stats.categories import CATEGORIES, REPORT_DIMENSIONS
from stats.models import Fact, Report
from stats.periods import Period
from tests.stats.test_reports import pdf_text, sheet_rows


def test_a_category_without_postings_or_seekers_is_stored_as_zero(foshan, market):
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    stored = {
        (fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(period).filter(org_unit=foshan["nanhai"])
    }
    assert stored[("demand", "sector", "1")] == 0  # no farm posts
    assert stored[("seekers", "seeker_category", "graduate")] == 0
    assert stored[("demand", "skill", "5")] == 0
    assert stored[("subsidy_paid_amount", "", "")] == 0
    # "No requirement" is a demand row only; seekers have no sector at all.
    assert ("seekers", "sex", "any") not in stored
    assert ("seekers", "sector", "1") not in stored


def test_every_standard_table_prints_every_standard_row(foshan, market):
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    for dimension in REPORT_DIMENSIONS:
        total, *rows = queries.supply_demand_table(foshan["city"], period, dimension)
        assert [row.key for row in rows] == [key for key, _ in CATEGORIES[dimension]]
    sector = {row.key: row for row in queries.supply_demand_table(
        foshan["city"], period, "sector")}  # fmt: skip
    assert sector["1"].demand == 0 and sector["1"].demand_share == 0
    assert sector["1"].seekers is None and sector["1"].ratio is None  # not applicable
    skill = {row.key: row for row in queries.supply_demand_table(
        foshan["city"], period, "skill")}  # fmt: skip
    assert skill["5"].demand == 0 and skill["5"].seekers == 0
    assert skill["5"].ratio is None  # no seekers to compare with


def test_the_report_prints_zeros_and_explains_the_dash(foshan, market, leader):
    period = Period.containing("month", timezone.localdate())
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    text = pdf_text(report)
    primary = next(line for line in text.splitlines() if "第一产业" in line)
    assert primary.split()[1:3] == ["0", "0.00"]
    assert "“—”表示不适用或无可比较" in text
    rows = sheet_rows(report, "按技术等级分组")
    with translation.override("zh-hans"):
        labels = [str(label) for _key, label in CATEGORIES["skill"]]
    assert [row[0] for row in rows[1:]] == ["合计", *labels]
    level_5 = rows[2]
    assert level_5[1] == 0 and level_5[5] == 0 and level_5[9] is None


def test_the_dashboard_explains_the_dash(client, leader, foshan, market):
    services.refresh_facts(Period.containing("month", timezone.localdate()))
    client.force_login(leader)
    page = client.get(reverse("stats:dashboard")).content.decode()
    assert "“—”表示不适用或无可比较" in page
