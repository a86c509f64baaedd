"""Early-warning thresholds per city: the rules without a city apply everywhere; a
city's own rule for a figure and direction replaces them in that city only. A
city's staff keep only their own city's rules."""

import pytest
from django.urls import reverse
from django.utils import timezone

from stats import queries, services
from stats.models import Fact, WarningRule
from stats.periods import Period
from tests import factories


@pytest.fixture
def period():
    return Period.containing("month", timezone.localdate())


def rise_by_a_fifth(period, *units):
    for unit in units:
        for month, count in ((period.previous(), 10), (period, 12)):
            Fact.objects.create(
                indicator="unemployed_at_end", org_unit=unit,
                period_kind="month", period_start=month.start, value=count,
            )  # fmt: skip


def own_rule(city, **values):
    staff = factories.make_staff("caseworker", org_unit=city)
    rule = WarningRule(
        city=city, indicator="unemployed_at_end", direction="rise", **values
    )
    return services.save_warning_rule(rule, by=staff, changed_fields=[])


def warned(unit, period):
    return {warning["unit"] for warning in queries.warnings(unit, period)}


def test_a_citys_own_threshold_replaces_the_one_of_every_city_there_only(
    province, period
):
    rise_by_a_fifth(period, province["chancheng"], province["duanzhou"])
    # The seeded rule of every city: a rise of more than 10 %.
    assert warned(province["city"], period) == {province["chancheng"]}
    assert warned(province["zhaoqing"], period) == {province["duanzhou"]}
    rule = own_rule(province["zhaoqing"], threshold=30)
    assert warned(province["zhaoqing"], period) == set()
    assert warned(province["city"], period) == {province["chancheng"]}
    rule.threshold = 15  # its own, lowered, warns
    services.save_warning_rule(
        rule, by=factories.make_staff("caseworker", org_unit=province["zhaoqing"]),
        changed_fields=["threshold"],
    )  # fmt: skip
    assert warned(province["zhaoqing"], period) == {province["duanzhou"]}


def test_a_citys_rule_switched_off_switches_that_warning_off_in_the_city(
    province, period
):
    rise_by_a_fifth(period, province["province"], province["city"])
    rise_by_a_fifth(period, province["zhaoqing"])
    rise_by_a_fifth(period, province["duanzhou"])
    own_rule(province["zhaoqing"], threshold=10, is_active=False)
    assert warned(province["zhaoqing"], period) == set()
    # The province watches its own figure and every city's by the rules without a
    # city, which a city's own rule does not switch off.
    assert warned(province["province"], period) == {
        province["province"],
        province["city"],
        province["zhaoqing"],
    }


def test_a_citys_staff_change_only_their_own_citys_thresholds(province):
    every = WarningRule.objects.get(indicator="unemployed_at_end")
    zhaoqing = own_rule(province["zhaoqing"], threshold=30)
    foshan_staff = factories.make_staff("caseworker", org_unit=province["city"])
    zhaoqing_staff = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    district = factories.make_staff("caseworker", org_unit=province["duanzhou"])
    for rule, staff in ((every, zhaoqing_staff), (zhaoqing, foshan_staff),
                        (zhaoqing, district)):  # fmt: skip
        rule.threshold = 50
        with pytest.raises(services.StatsError):
            services.save_warning_rule(rule, by=staff, changed_fields=["threshold"])
    zhaoqing.city = province["city"]  # taken over by Foshan
    with pytest.raises(services.StatsError):
        services.save_warning_rule(zhaoqing, by=foshan_staff, changed_fields=["city"])
    province_staff = factories.make_staff("caseworker", org_unit=province["province"])
    district_rule = WarningRule(city=province["duanzhou"], indicator="demand",
                                direction="fall", threshold=5)  # fmt: skip
    with pytest.raises(services.StatsError):  # a district is no city
        services.save_warning_rule(district_rule, by=province_staff, changed_fields=[])
    assert WarningRule.objects.get(pk=every.pk).threshold == 10
    assert WarningRule.objects.get(pk=zhaoqing.pk).threshold == 30
    assert WarningRule.objects.get(pk=zhaoqing.pk).city == province["zhaoqing"]
    every.threshold = 12
    services.save_warning_rule(every, by=province_staff, changed_fields=["threshold"])
    assert WarningRule.objects.get(pk=every.pk).threshold == 12


def rule_form(**values):
    return {"indicator": "demand", "direction": "fall", "threshold": "25",
            "is_active": "on", **values}  # fmt: skip


def test_in_the_back_office_a_city_sees_and_keeps_only_its_own_thresholds(
    client, province
):
    every = WarningRule.objects.get(indicator="unemployed_at_end")
    foshan = own_rule(province["city"], threshold=40)
    client.force_login(
        factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    )
    listing = client.get(reverse("admin:stats_warningrule_changelist"))
    shown = set(listing.context["cl"].result_list)
    assert every in shown and foshan not in shown
    assert "各市通用" in listing.text  # the city column of the rules of every city
    add = reverse("admin:stats_warningrule_add")
    client.post(add, rule_form(city=province["city"].pk))  # not a choice
    client.post(add, rule_form(city=""))  # the rules of every city: required
    assert not WarningRule.objects.filter(indicator="demand", threshold=25).exists()
    assert client.post(add, rule_form(city=province["zhaoqing"].pk)).status_code == 302
    assert WarningRule.objects.get(threshold=25).city == province["zhaoqing"]
    change = reverse("admin:stats_warningrule_change", args=[every.pk])
    client.post(change, {**rule_form(), "indicator": every.indicator})
    assert WarningRule.objects.get(pk=every.pk).threshold == 10  # read only
    other = reverse("admin:stats_warningrule_change", args=[foshan.pk])
    assert client.get(other).status_code == 302  # not there for Zhaoqing

    client.force_login(
        factories.make_staff("caseworker", org_unit=province["province"])
    )
    client.post(other, rule_form(indicator="unemployed_at_end", threshold="45"))
    assert WarningRule.objects.get(pk=foshan.pk).threshold == 45


def warnings_before_rules_per_city(unit, period):
    """queries.warnings as it was before rules per city: every active rule for
    every place."""
    rules = list(WarningRule.objects.filter(is_active=True))
    units = [unit, *queries.units_below(unit, period)]
    previous = period.previous()
    values = queries.facts(units, [period, previous],
                           indicators=[rule.indicator for rule in rules],
                           dimension="", as_of=period)  # fmt: skip
    found = []
    for rule in rules:
        for place in units:
            now = values.get((place.pk, period, rule.indicator, "", ""))
            before = values.get((place.pk, previous, rule.indicator, "", ""))
            moved = queries.change_percent(now, before)
            if moved is None:
                continue
            if (rule.direction == "rise" and moved > rule.threshold) or (
                rule.direction == "fall" and -moved > rule.threshold
            ):
                found.append({"rule": rule, "unit": place, "change": moved,
                              "value": now})  # fmt: skip
    return found


def test_without_rules_of_a_city_the_warnings_are_those_of_before(province, period):
    rise_by_a_fifth(period, province["province"], province["city"])
    rise_by_a_fifth(period, province["chancheng"], province["duanzhou"])
    for month, count in ((period.previous(), 50), (period, 30)):
        Fact.objects.create(
            indicator="demand", org_unit=province["zhaoqing"],
            period_kind="month", period_start=month.start, value=count,
        )  # fmt: skip
    WarningRule.objects.create(indicator="seekers", threshold=5, is_active=False)
    for unit in ("province", "city", "zhaoqing", "chancheng", "duanzhou"):
        now = queries.warnings(province[unit], period)
        assert now == warnings_before_rules_per_city(province[unit], period)
    assert len(queries.warnings(province["province"], period)) == 3


def test_a_rule_submitted_twice_is_kept_once_with_a_clear_message(
    client, province, monkeypatch
):
    """Submitted again after it was saved, the form says the rule is in use;
    submitted twice at once (the second insert meeting the first, after both
    forms were checked), the second goes back to the list with that message."""
    zhaoqing = province["zhaoqing"]
    client.force_login(factories.make_staff("caseworker", org_unit=zhaoqing))
    add = reverse("admin:stats_warningrule_add")
    form = rule_form(city=zhaoqing.pk)
    assert client.post(add, form).status_code == 302
    again = client.post(add, form)
    assert again.status_code == 200
    assert again.context["adminform"].form.non_field_errors()

    # The other submit commits after this form's check of the constraints.
    monkeypatch.setattr(WarningRule, "validate_constraints", lambda *a, **k: None)
    raced = client.post(add, form, follow=True)
    assert raced.redirect_chain[-1][0] == reverse("admin:stats_warningrule_changelist")
    assert [message.level_tag for message in raced.context["messages"]] == ["error"]
    rules = WarningRule.objects.filter(city=zhaoqing, indicator="demand")
    assert rules.count() == 1
