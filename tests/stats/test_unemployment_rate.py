"""The official registered unemployment rate: registered unemployed ÷ (urban
employed persons as the statistics bureau publishes them + registered unemployed),
with the year and source of the denominator printed beside it; no figure entered,
no rate; a closed period keeps the denominator it was closed with."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry
from stats import queries, services
from stats.models import EmployedPopulation, Fact, Report
from stats.periods import Period
from tests import factories
from tests.stats.test_reports import pdf_text, sheet_rows

NO_FIGURE = "未录入城镇从业人员数，不计算登记失业率"


def enter(unit, year, employed, source="佛山市国民经济和社会发展统计公报", *, by):
    return services.save_employed_population(
        EmployedPopulation(org_unit=unit, year=year, employed=employed, source=source),
        by=by,
        changed_fields=[],
    )


def rate(unit, period):
    fact = Fact.objects.for_period(period).filter(
        org_unit=unit, indicator="unemployment_rate"
    )
    return fact.get().value if fact.exists() else None


@pytest.fixture
def unemployed(foshan, caseworker, outsider_caseworker):
    """Three people registered as unemployed in 禅城, one in 南海, and two people
    in work in 禅城 (the rate must not count them)."""
    for _ in range(3):
        person = factories.make_person(residence=foshan["chancheng_community"])
        factories.make_unemployment(person, by=caseworker)
    person = factories.make_person(residence=foshan["nanhai_community"])
    factories.make_unemployment(person, by=outsider_caseworker)
    employer = factories.make_employer_user(org_unit=foshan["chancheng_street"])
    for _ in range(2):
        person = factories.make_person(residence=foshan["chancheng_community"])
        factories.file_hire(employer, person, timezone.localdate())


def test_the_rate_divides_by_the_units_own_published_figure(
    foshan, unemployed, city_caseworker
):
    period = Period.containing("month", timezone.localdate())
    enter(foshan["chancheng"], period.start.year, 997, by=city_caseworker)
    enter(foshan["city"], period.start.year, 1_999_996, by=city_caseworker)
    services.refresh_facts(period)
    assert rate(foshan["chancheng"], period) == Decimal("0.30")  # 3 ÷ (997 + 3)
    assert rate(foshan["city"], period) == Decimal("0.00")  # 4 ÷ 2,000,000
    # 南海 has registered unemployed and people in work, but no published figure.
    assert rate(foshan["nanhai"], period) is None
    assert rate(foshan["chancheng_street"], period) is None  # not its district's


def test_without_a_figure_the_rate_is_a_dash_with_the_reason(
    client, foshan, unemployed, leader
):
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    figure = queries.key_figures(foshan["city"], period)["unemployment_rate"]
    assert figure["value"] is None
    client.force_login(leader)
    page = client.get(reverse("stats:dashboard")).text
    assert NO_FIGURE in page
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    text = pdf_text(report)
    row = next(line for line in text.splitlines() if "登记失业率（%）" in line)
    assert row.split()[1] == "—"
    assert NO_FIGURE in text
    assert any(NO_FIGURE in str(row[0]) for row in sheet_rows(report, "主要指标"))


def test_a_year_without_its_figure_uses_the_latest_earlier_one_and_says_so(
    client, foshan, unemployed, city_caseworker, leader
):
    period = Period.containing("month", timezone.localdate())
    year = period.start.year
    enter(foshan["city"], year - 3, 500_000, "三年前的公报", by=city_caseworker)
    enter(foshan["city"], year - 1, 1_000_000, "上年统计公报", by=city_caseworker)
    services.refresh_facts(period)
    base = queries.rate_base(foshan["city"], period)
    assert base == {"year": year - 1, "employed": 1_000_000, "source": "上年统计公报"}
    note = f"登记失业率分母：{year - 1}年城镇从业人员1,000,000人（来源：上年统计公报）"
    client.force_login(leader)
    assert note in client.get(reverse("stats:dashboard")).text
    enter(foshan["city"], year, 2_000_000, "本年统计公报", by=city_caseworker)
    services.refresh_facts(period)
    assert queries.rate_base(foshan["city"], period)["year"] == year


def test_a_closed_period_keeps_the_denominator_it_was_closed_with(
    foshan, unemployed, city_caseworker, leader
):
    last_month = Period.containing("month", timezone.localdate()).previous()
    figure = enter(
        foshan["city"], last_month.end.year, 1000, "旧公报", by=city_caseworker
    )
    services.close_period(last_month, by=leader)

    def build():
        return services.build_report(
            Report.objects.create(period_kind=last_month.kind,
                                  period_start=last_month.start,
                                  org_unit=foshan["city"], requested_by=leader)
        )  # fmt: skip

    first, closed_rate = build(), rate(foshan["city"], last_month)
    figure.employed, figure.source = 3000, "更正后的公报"
    services.save_employed_population(
        figure, by=city_caseworker, changed_fields=["employed", "source"]
    )
    assert services.refresh_facts(last_month) == 0
    assert rate(foshan["city"], last_month) == closed_rate
    second = build()
    assert "（来源：旧公报）" in pdf_text(second)
    assert sheet_rows(first, "主要指标") == sheet_rows(second, "主要指标")


def test_city_staff_enter_the_figure_in_the_back_office_and_it_is_audited(
    client, foshan, city_caseworker
):
    client.force_login(city_caseworker)
    response = client.post(
        reverse("admin:stats_employedpopulation_add"),
        {"org_unit": foshan["nanhai"].pk, "year": 2025, "employed": 812000,
         "source": "南海区2025年国民经济和社会发展统计公报"},
    )  # fmt: skip
    assert response.status_code == 302
    row = EmployedPopulation.objects.get()
    assert (row.org_unit, row.year, row.employed) == (foshan["nanhai"], 2025, 812000)
    assert row.entered_by == city_caseworker
    entry = AuditEntry.objects.for_object(row).get()
    assert entry.action == "stats.employed_population.created"
    change = reverse("admin:stats_employedpopulation_change", args=[row.pk])
    client.post(change, {"employed": 815000, "source": row.source})
    row.refresh_from_db()
    assert row.employed == 815000 and row.year == 2025  # year and unit stay
    assert AuditEntry.objects.for_object(row).latest("pk").data["changes"][
        "employed"
    ] == ["812000", "815000"]


def test_the_back_office_refuses_a_year_to_come_with_the_reason(
    client, foshan, city_caseworker
):
    client.force_login(city_caseworker)
    next_year = timezone.localdate().year + 1
    response = client.post(
        reverse("admin:stats_employedpopulation_add"),
        {"org_unit": foshan["city"].pk, "year": next_year, "employed": 1000,
         "source": "公报"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "年份须在2000年至" in response.text
    assert not EmployedPopulation.objects.exists()


def test_district_staff_read_their_districts_figure_but_do_not_change_it(
    client, foshan, caseworker, city_caseworker
):
    row = enter(foshan["chancheng"], 2025, 700_000, by=city_caseworker)
    client.force_login(caseworker)
    listing = client.get(reverse("admin:stats_employedpopulation_changelist"))
    assert [obj.pk for obj in listing.context["cl"].result_list] == [row.pk]
    assert client.get(reverse("admin:stats_employedpopulation_add")).status_code == 403
    change = reverse("admin:stats_employedpopulation_change", args=[row.pk])
    client.post(change, {"employed": 1, "source": "x"})
    row.refresh_from_db()
    assert row.employed == 700_000
    with pytest.raises(services.StatsError):
        enter(foshan["chancheng"], 2024, 690_000, by=caseworker)


@pytest.mark.parametrize(
    "year, employed, source, problem",
    [
        (1999, 1000, "公报", "年份须在"),
        (datetime.date.today().year + 1, 1000, "公报", "年份须在"),
        (2025, 0, "公报", "必须大于0"),
        (2025, 1000, "  ", "请注明数字的出处"),
        (2025, 1000, "公报\x00", "无法保存的字符"),
        (2025, 1000, "公" * 101, "不超过100个字"),
    ],
)
def test_the_service_refuses_a_figure_the_reports_could_not_sign(
    foshan, city_caseworker, year, employed, source, problem
):
    with pytest.raises(services.StatsError, match=problem):
        enter(foshan["city"], year, employed, source, by=city_caseworker)
    assert not EmployedPopulation.objects.exists()


def test_a_community_gets_no_figure_and_a_unit_no_second_one_for_a_year(
    foshan, city_caseworker
):
    with pytest.raises(services.StatsError, match="请为全省、某一市、某一区或某一街道"):
        enter(foshan["chancheng_community"], 2025, 1000, by=city_caseworker)
    enter(foshan["city"], 2025, 1000, by=city_caseworker)
    with pytest.raises(services.StatsError, match="已有2025年的数字"):
        enter(foshan["city"], 2025, 2000, by=city_caseworker)
