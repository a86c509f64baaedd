"""Fair points rules per city: an employer earns and loses points, and is paused
from booking, by the rules of its own city, wherever the fair is; a city without
rules of its own keeps the rules without a city. A city's staff keep only their
own city's rules."""

import pytest
from django.urls import reverse

from fairs import services
from fairs.models import PointsEntry, PointsRules
from fairs.services.points import award_points, booking_block
from tests import factories


@pytest.fixture
def staff(province):
    return {
        name: factories.make_staff("caseworker", org_unit=province[name])
        for name in ("province", "city", "zhaoqing", "duanzhou")
    }


@pytest.fixture
def zhaoqing_rules(province, staff):
    rules = PointsRules(city=province["zhaoqing"], no_show=-20, no_show_limit=1)
    return services.save_points_rules(rules, by=staff["zhaoqing"], changed_fields=[])


@pytest.fixture
def employers(province):
    return {
        "foshan": factories.make_employer_user(org_unit=province["chancheng_street"]),
        "zhaoqing": factories.make_employer_user(
            org_unit=province["duanzhou_street"], name="肇庆市测试建材有限公司"
        ),
    }


def test_an_employer_loses_points_by_its_own_citys_rules_at_any_fair(
    province, employers, zhaoqing_rules
):
    fair = factories.make_fair(province["chancheng"])  # a fair in Foshan
    for user, booth in zip(employers.values(), ["A01", "B01"], strict=True):
        booking = services.book_booth(
            fair, fair.booths.get(number=booth), employer=user.employer,
            postings=[], by=user,
        )  # fmt: skip
        award_points(booking, PointsEntry.Reason.NO_SHOW)
    points = dict(
        PointsEntry.objects.values_list("employer__org_unit__parent__parent", "points")
    )
    assert points == {province["zhaoqing"].pk: -20, province["city"].pk: -10}
    # Zhaoqing pauses booking after one no-show; the others after two.
    assert booking_block(employers["zhaoqing"].employer) is not None
    assert booking_block(employers["foshan"].employer) is None


def test_a_unit_is_governed_by_its_citys_points_rules_else_the_common_ones(
    province, zhaoqing_rules
):
    common = PointsRules.objects.get(city__isnull=True)
    assert PointsRules.current(province["duanzhou_community"]) == zhaoqing_rules
    for unit in (province["chancheng_street"], province["province"], None):
        assert PointsRules.current(unit) == common


def test_a_citys_staff_change_only_their_own_citys_points_rules(
    province, staff, zhaoqing_rules
):
    common = PointsRules.objects.get(city__isnull=True)
    refused = [
        (common, staff["zhaoqing"]),
        (zhaoqing_rules, staff["city"]),
        (zhaoqing_rules, staff["duanzhou"]),
        (PointsRules(city=province["city"]), staff["zhaoqing"]),
    ]
    for rules, by in refused:
        rules.no_show = -99
        with pytest.raises(services.FairError):
            services.save_points_rules(rules, by=by, changed_fields=["no_show"])
    with pytest.raises(services.FairError):  # one row per city
        services.save_points_rules(
            PointsRules(city=province["zhaoqing"]),
            by=staff["zhaoqing"],
            changed_fields=[],
        )
    assert sorted(PointsRules.objects.values_list("no_show", flat=True)) == [-20, -10]
    common.no_show = -15
    services.save_points_rules(common, by=staff["province"], changed_fields=["no_show"])
    assert PointsRules.current().no_show == -15


def rules_form(**values):
    return {"attended": 5, "hired": 5, "late_cancel": -3, "no_show": -12,
            "no_show_limit": 2, "no_show_months": 12, "block_days": 365,
            **values}  # fmt: skip


def test_in_the_back_office_a_city_adds_its_own_points_rules_once(
    client, province, staff
):
    common = PointsRules.objects.get(city__isnull=True)
    add = reverse("admin:fairs_pointsrules_add")
    client.force_login(staff["city"])
    assert client.post(add, rules_form(city=province["city"].pk)).status_code == 302
    foshan = PointsRules.objects.get(city=province["city"])
    assert client.get(add).status_code == 403  # one row per city

    client.force_login(staff["zhaoqing"])
    client.post(add, rules_form(city=province["city"].pk))  # not a choice
    client.post(add, rules_form(city=""))  # the common rules are the top unit's
    assert PointsRules.objects.count() == 2
    listing = client.get(reverse("admin:fairs_pointsrules_changelist"))
    assert set(listing.context["cl"].result_list) == {common}
    for rules in (common, foshan):
        change = reverse("admin:fairs_pointsrules_change", args=[rules.pk])
        client.post(change, rules_form(no_show=-50))
        assert PointsRules.objects.get(pk=rules.pk).no_show != -50

    client.force_login(staff["province"])
    change = reverse("admin:fairs_pointsrules_change", args=[foshan.pk])
    client.post(change, rules_form(no_show=-50))
    assert PointsRules.objects.get(pk=foshan.pk).no_show == -50
