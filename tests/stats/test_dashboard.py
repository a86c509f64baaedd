import pytest
from django.urls import reverse
from django.utils import timezone

from stats import services
from stats.models import Fact, WarningRule
from stats.periods import Period
from tests import factories

URL = reverse("stats:dashboard")


def test_leaders_and_city_caseworkers_see_the_dashboard(
    client, leader, city_caseworker, caseworker, seeker, employer
):
    services.refresh_facts(Period.containing("month", timezone.localdate()))
    for user in (leader, city_caseworker):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200
        assert "佛山市" in response.text
    for user in (caseworker, seeker, employer):  # a district caseworker too
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_a_district_leader_sees_only_their_district(client, foshan):
    district_leader = factories.make_staff("leader", org_unit=foshan["chancheng"])
    client.force_login(district_leader)
    response = client.get(URL)
    assert response.context["unit"] == foshan["chancheng"]
    assert client.get(URL, {"unit": foshan["nanhai"].code}).status_code == 404
    assert client.get(URL, {"unit": foshan["city"].code}).status_code == 404
    street = client.get(URL, {"unit": foshan["chancheng_street"].code})
    assert street.status_code == 200


def test_a_streets_dashboard_links_to_no_community(client, leader, foshan):
    """Figures stop at streets: a street's page offers no drill-down into
    communities (which would lead nowhere)."""
    client.force_login(leader)
    street = foshan["chancheng_street"]
    response = client.get(URL, {"unit": street.code})
    assert response.status_code == 200
    assert response.context["children"] == []
    assert foshan["chancheng_community"].code not in response.text
    district = client.get(URL, {"unit": foshan["chancheng"].code})
    assert street in [row["unit"] for row in district.context["children"]]


@pytest.fixture
def two_months(foshan):
    period = Period.containing("month", timezone.localdate())
    for month, count in ((period.previous(), 10), (period, 12)):
        Fact.objects.create(
            indicator="unemployed_at_end", org_unit=foshan["chancheng"],
            period_kind="month", period_start=month.start, value=count,
        )  # fmt: skip
    return period


def test_an_early_warning_shows_when_a_figure_jumps(client, leader, foshan, two_months):
    rule = WarningRule.objects.get(indicator="unemployed_at_end")  # seeded, 10 %
    WarningRule.objects.filter(pk=rule.pk).update(threshold=25)
    client.force_login(leader)
    assert not client.get(URL).context["warnings"]  # +20 % is within 25 %
    WarningRule.objects.update(threshold=15)
    [warning] = client.get(URL).context["warnings"]
    assert warning["unit"] == foshan["chancheng"] and warning["change"] == 20
