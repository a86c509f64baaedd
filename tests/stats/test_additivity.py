"""The city is the sum of its districts for exactly the figures that say so
(ADDITIVE_INDICATORS), in every breakdown; the reports print that sentence only
under those figures (docs/statistics.md, "Additivity")."""

import re
from collections import defaultdict

import pytest
from django.utils import timezone, translation

from portal.models import OrgUnit
from stats import queries, reports, services
from stats.models import Fact, Report
from stats.periods import Period
from subsidies.models import Application, SubsidyType
from tests import factories
from tests.stats.test_reports import pdf_text, sheet_rows

SUMS = "之和"
# Printed figures that are not sums of the districts' (docs/statistics.md,
# "Additivity"): distinct people, graduates the city serves itself, fairs the
# city holds, rates and ratios.
NOT_ADDITIVE = {
    "ratio",
    "new_employment",
    "reemployed",
    "difficulty_employed",
    "unemployment_rate",
    "fair_fairs",
    "fair_seekers_entered",
    "graduates_reported",
    "leavers_contact_rate",
    "leavers_employment_rate",
    "video_seekers",
    "hall_check_ins",
    "hall_resumes",
    "hall_invitations",
    "hall_intentions",
    "hall_hires",
}


def start_up(unit, name):
    """A graduate living in `unit` applies for the start-up subsidy."""
    from subsidies import services as subsidies

    seeker = factories.make_seeker(residence=unit, name=name)
    factories.make_graduate(seeker.person)
    return subsidies.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="start-up"), person=seeker.person
        ),
        by=seeker,
    )


@pytest.fixture
def city(
    foshan,
    market,
    employer,
    other_employer,
    caseworker,
    outsider_caseworker,
    city_caseworker,
):
    """Postings, seekers, registrations and subsidy applications in both districts,
    and a graduate the city serves itself (no residence, from outside the city)."""
    factories.make_unemployment(market[0].person, by=caseworker)
    factories.make_unemployment(market[2].person, by=outsider_caseworker)
    for unit in (foshan["chancheng_community"], foshan["nanhai_community"]):
        hired = factories.make_person(residence=unit)
        factories.file_hire(employer, hired, timezone.localdate())
    start_up(foshan["chancheng_community"], "甲禅城")
    start_up(foshan["nanhai_street"], "乙南海")
    outsider = factories.make_person(
        residence=None, id_number=factories.id_number(area="110101")
    )
    factories.make_graduate(outsider, by=city_caseworker)
    for boss in (employer, other_employer):  # a video interview in each district
        factories.make_video_room(
            boss.employer, market[0], held_at=timezone.now(), outcome="hire"
        )
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    return period


def by_unit(period, unit) -> dict:
    return {
        (fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(period).filter(org_unit=unit)
    }


def test_for_every_additive_figure_the_city_is_the_sum_of_its_districts(foshan, city):
    districts = OrgUnit.objects.filter(parent=foshan["city"])
    assert districts.count() == 2
    summed = defaultdict(int)
    for district in districts:
        for key, value in by_unit(city, district).items():
            summed[key] += value
    whole = by_unit(city, foshan["city"])
    keys = {
        key
        for key in whole.keys() | summed.keys()
        if key[0] in queries.ADDITIVE_INDICATORS
    }
    assert {key for key in keys if key[1] == "" and whole.get(key)} >= {
        ("demand", "", ""),
        ("seekers", "", ""),
        ("new_unemployed", "", ""),
        ("unemployed_at_end", "", ""),
        ("employed_at_end", "", ""),
        ("subsidy_applications", "", ""),
        ("video_held", "", ""),
        ("video_employers", "", ""),
        ("video_hire", "", ""),
    }  # the data reaches every kind of row
    assert {key: whole.get(key, 0) for key in keys} == {
        key: summed.get(key, 0) for key in keys
    }


def test_each_unit_stores_the_subsidy_figures_fund_use_gives_that_unit(foshan, city):
    """The figures read all units' subsidies at once (fund_use_by_unit); each unit
    still stores its own."""
    from subsidies.queries import FIGURES, fund_use

    names = {f"subsidy_{name}" for name in FIGURES}
    units = OrgUnit.objects.exclude(level="community")
    assert units.count() == 5
    for unit in units:
        rows = fund_use(unit, city.start, city.end)
        expected = {
            (f"subsidy_{name}", "subsidy_type", row["code"]): row[name]
            for row in rows
            for name in FIGURES
        }
        for name in FIGURES:
            expected[(f"subsidy_{name}", "", "")] = sum(row[name] for row in rows)
        stored = by_unit(city, unit)
        assert {key: value for key, value in stored.items() if key[0] in names} == (
            expected
        )
    assert by_unit(city, foshan["nanhai"])[("subsidy_applications", "", "")] == 1


def test_graduates_are_not_additive_since_the_city_serves_some_itself(foshan, city):
    districts = OrgUnit.objects.filter(parent=foshan["city"])
    parts = sum(by_unit(city, d)[("graduates_reported", "", "")] for d in districts)
    assert by_unit(city, foshan["city"])[("graduates_reported", "", "")] == parts + 1
    assert "graduates_reported" not in queries.ADDITIVE_INDICATORS


def labels(names) -> set[str]:
    """The Chinese labels the report gives these figures."""
    figures = [*((name, label) for name, label, _rate in reports.KEY_ROWS)]
    figures += [*reports.AREA_FIGURES, *reports.VIDEO_ROWS, *reports.HALL_ROWS]
    with translation.override("zh-hans"):
        return {str(label) for name, label in figures if name in names}


def test_the_report_says_the_city_is_a_sum_only_of_additive_figures(
    foshan, city, leader
):
    report = services.build_report(
        Report.objects.create(period_kind=city.kind, period_start=city.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    text = pdf_text(report)
    claims = [line.strip() for line in text.splitlines() if SUMS in line]
    # No other sentence says so, wrapped over two lines or not.
    assert re.sub(r"\s+", "", text).count(SUMS) == len(claims) == 4
    sheets = sheet_rows(report, "主要指标") + sheet_rows(report, "分地区")
    sheets += sheet_rows(report, "视频面试")
    claims += [str(row[0]) for row in sheets if SUMS in str(row[0])]
    # Key figures, by area, the tables, video interviews; and in the sheets.
    assert len(claims) == 7
    named = set()
    for claim in claims:
        figures, _colon, rest = claim.partition("：")
        assert rest == "全市数为各区数之和。"
        named |= set(figures.split("、"))
    assert named <= labels(queries.ADDITIVE_INDICATORS) and "需求人数" in named
    assert "视频面试场次" in named
    assert not named & labels(NOT_ADDITIVE)
    assert not NOT_ADDITIVE & queries.ADDITIVE_INDICATORS
