"""The province above its cities in the statistics: its figures are computed as a
city's are (each counted at the province itself, the additive ones adding up from
its cities), its leaders see the province and drill down to a city and a
district, reports cover it, and a city's staff still see only their own city."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import OrgUnit
from stats import queries, services, tasks
from stats.models import ClosedPeriod, EmployedPopulation, Fact, Report
from stats.periods import Period
from tests import factories
from tests.stats.test_reports import pdf_text

DASHBOARD = reverse("stats:dashboard")
REPORTS = reverse("stats:report_list")


@pytest.fixture
def two_cities(province, market, caseworker, employer):
    """The market of Foshan, and in Zhaoqing a posting and a seeker with a resume
    who is registered unemployed; a hire in each city; both cities' facts
    computed."""
    zhaoqing_staff = factories.make_staff("caseworker", org_unit=province["duanzhou"])
    boss = factories.make_employer_user(
        org_unit=province["duanzhou_street"], name="肇庆市测试建材有限公司"
    )
    factories.make_posting(boss.employer, headcount=5, occupation_group="6")
    seeker = factories.make_seeker(residence=province["duanzhou_community"])
    factories.make_resume(seeker)
    factories.make_unemployment(seeker.person, by=zhaoqing_staff)
    factories.make_unemployment(market[0].person, by=caseworker)
    for user, unit in ((boss, "duanzhou_community"), (employer, "nanhai_community")):
        hired = factories.make_person(residence=province[unit])
        factories.file_hire(user, hired, timezone.localdate())
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    return period


def by_unit(period, unit) -> dict:
    return {
        (fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(period).filter(org_unit=unit)
    }


def test_for_every_additive_figure_the_province_is_the_sum_of_its_cities(
    province, two_cities
):
    cities = [province["city"], province["zhaoqing"]]
    summed = defaultdict(int)
    for city in cities:
        for key, value in by_unit(two_cities, city).items():
            summed[key] += value
    whole = by_unit(two_cities, province["province"])
    keys = {
        key
        for key in whole.keys() | summed.keys()
        if key[0] in queries.ADDITIVE_INDICATORS
    }
    assert {key: whole.get(key, 0) for key in keys} == {
        key: summed.get(key, 0) for key in keys
    }
    for name in ("demand", "seekers", "unemployed_at_end", "employed_at_end"):
        parts = [by_unit(two_cities, city)[(name, "", "")] for city in cities]
        assert all(parts), name  # both cities have some
        assert whole[(name, "", "")] == sum(parts)
    assert whole[("new_employment", "", "")] == 2


def test_the_cities_districts_and_streets_keep_the_figures_of_the_old_way(
    province, two_cities, monkeypatch
):
    """Facts computed with the levels as they were before the province (city,
    district, street) equal the new ones for every unit but the province."""
    new = {
        (fact.org_unit_id, fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(two_cities)
    }
    old_levels = [OrgUnit.Level.CITY, OrgUnit.Level.DISTRICT, OrgUnit.Level.STREET]
    monkeypatch.setattr("stats.services.facts.LEVELS", old_levels)
    monkeypatch.setattr(
        "stats.supply_demand.UNIT_PREFIXES", {"city": 4, "district": 6, "street": 9}
    )
    services.refresh_facts(two_cities)
    old = {
        (fact.org_unit_id, fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(two_cities)
    }
    assert not any(key[0] == province["province"].pk for key in old)
    assert len(old) > 1000
    assert {k: v for k, v in new.items() if k[0] != province["province"].pk} == old


def test_a_province_leader_sees_the_province_and_drills_down_to_a_city_and_district(
    client, province, two_cities
):
    leader = factories.make_staff("leader", org_unit=province["province"])
    client.force_login(leader)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["unit"] == province["province"]
    assert [row["unit"] for row in response.context["children"]] == [
        province["city"],
        province["zhaoqing"],
    ]
    assert response.context["figures"]["demand"]["value"] == 3 + 2 + 4 + 5
    city = client.get(DASHBOARD, {"unit": province["zhaoqing"].code})
    assert city.status_code == 200
    assert city.context["figures"]["demand"]["value"] == 5
    district = client.get(DASHBOARD, {"unit": province["duanzhou"].code})
    assert district.context["breadcrumbs"] == [
        province["province"],
        province["zhaoqing"],
        province["duanzhou"],
    ]


@pytest.mark.parametrize("role", ["caseworker", "leader"])
def test_a_citys_staff_see_only_their_city(client, province, two_cities, role):
    foshan = factories.make_staff(role, org_unit=province["city"])
    client.force_login(foshan)
    assert client.get(DASHBOARD).context["unit"] == province["city"]
    # Their breadcrumbs start at their own city, not at the province.
    assert client.get(DASHBOARD).context["breadcrumbs"] == [province["city"]]
    for unit in ("province", "zhaoqing", "duanzhou", "duanzhou_street"):
        assert client.get(DASHBOARD, {"unit": province[unit].code}).status_code == 404
    zhaoqing = factories.make_staff(role, org_unit=province["zhaoqing"])
    client.force_login(zhaoqing)
    response = client.get(DASHBOARD)
    assert response.context["unit"] == province["zhaoqing"]
    assert "禅城区" not in response.text and "南海区" not in response.text
    for unit in ("province", "city", "chancheng", "nanhai_street"):
        assert client.get(DASHBOARD, {"unit": province[unit].code}).status_code == 404


def test_a_province_leader_makes_the_provinces_report_and_a_city_cannot(
    client, province, two_cities, django_capture_on_commit_callbacks
):
    leader = factories.make_staff("leader", org_unit=province["province"])
    client.force_login(leader)
    form = {
        "kind": "month",
        "period": two_cities.slug,
        "unit": province["province"].pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPORTS, form)
    report = Report.objects.get()
    assert response.url == report.get_absolute_url()
    assert report.status == "done" and report.org_unit == province["province"]
    text = pdf_text(report)
    assert "广东省" in text and "14" in text  # 3 + 2 + 4 in Foshan, 5 in Zhaoqing
    assert "全省数为各市数之和" in text

    city_leader = factories.make_staff("leader", org_unit=province["city"])
    client.force_login(city_leader)
    refused = client.post(REPORTS, form)
    assert refused.status_code == 200 and refused.context["form"].errors["unit"]
    with pytest.raises(services.StatsError):
        services.request_report(two_cities, province["province"], by=city_leader)
    with pytest.raises(services.StatsError):
        services.request_report(two_cities, province["zhaoqing"], by=city_leader)
    assert Report.objects.count() == 1
    assert client.get(report.get_absolute_url()).status_code == 404
    download = reverse("stats:report_download", args=[report.code, "pdf"])
    assert client.get(download).status_code == 404


@pytest.mark.django_db
def test_last_months_reports_include_the_province(
    province, django_capture_on_commit_callbacks
):
    leader = factories.make_staff("leader", org_unit=province["zhaoqing"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.last_months_reports() == 1 + 2 + 3
    assert set(Report.objects.values_list("org_unit__level", flat=True)) == {
        "province",
        "city",
        "district",
    }
    # Zhaoqing's leader hears of Zhaoqing's and 端州's reports, not the others.
    assert leader.notifications.count() == 2


def test_only_the_provinces_leaders_close_a_period_in_a_province(client, province):
    period = Period.containing("month", timezone.localdate()).previous()
    close = reverse("stats:period_close")
    for unit in ("city", "zhaoqing"):
        city_leader = factories.make_staff("leader", org_unit=province[unit])
        assert services.closing_refusal(city_leader, period)
        client.force_login(city_leader)
        client.post(close, {"period": period.slug})
    assert not ClosedPeriod.objects.exists()
    client.force_login(factories.make_staff("leader", org_unit=province["province"]))
    client.post(close, {"period": period.slug})
    assert ClosedPeriod.is_closed(period)


def test_each_city_enters_its_own_urban_employed_population(province):
    def figure(unit):
        return EmployedPopulation(
            org_unit=unit, year=2025, employed=1_000_000, source="统计公报"
        )

    zhaoqing = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    services.save_employed_population(
        figure(province["duanzhou"]), by=zhaoqing, changed_fields=[]
    )
    for unit in ("city", "chancheng", "province"):
        with pytest.raises(services.StatsError):
            services.save_employed_population(
                figure(province[unit]), by=zhaoqing, changed_fields=[]
            )
    staff = factories.make_staff("caseworker", org_unit=province["province"])
    services.save_employed_population(
        figure(province["province"]), by=staff, changed_fields=[]
    )
    assert set(EmployedPopulation.objects.values_list("org_unit__code", flat=True)) == {
        province["duanzhou"].code,
        province["province"].code,
    }


def test_the_province_has_its_registered_unemployment_rate(province, two_cities):
    staff = factories.make_staff("caseworker", org_unit=province["province"])
    services.save_employed_population(
        EmployedPopulation(
            org_unit=province["province"],
            year=timezone.localdate().year,
            employed=998,
            source="广东省统计公报",
        ),
        by=staff,
        changed_fields=[],
    )
    services.refresh_facts(two_cities)
    figures = by_unit(two_cities, province["province"])
    assert figures[("unemployed_at_end", "", "")] == 2
    assert figures[("unemployment_rate", "", "")] == Decimal("0.20")  # 2 of 1000


def test_an_administrator_starts_at_the_province(client, province, administrator):
    client.force_login(administrator)
    assert client.get(DASHBOARD).context["unit"] == province["province"]
