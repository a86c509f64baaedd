"""Registration rules per city: in a province, a city may set rules of its own,
which govern its employers and residents; every other city keeps the rules
without a city. A city's staff edit only their own city's rules."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from registration import services
from registration.models import LocalRules
from tests import factories


@pytest.fixture
def zhaoqing_rules(province):
    staff = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    return services.save_local_setting(
        LocalRules(
            city=province["zhaoqing"],
            hire_filing_days=10,
            no_contact_months=3,
            notice_days=3,
        ),
        by=staff,
        changed_fields=[],
    )


def test_a_unit_is_governed_by_its_citys_rules_else_by_the_rules_without_a_city(
    province, zhaoqing_rules
):
    default = LocalRules.objects.get(city__isnull=True)
    assert LocalRules.current(province["duanzhou_community"]) == zhaoqing_rules
    assert LocalRules.current(province["zhaoqing"]) == zhaoqing_rules
    for unit in (province["chancheng_street"], province["city"], province["province"]):
        assert LocalRules.current(unit) == default
    assert LocalRules.current() == default


def test_a_hire_is_late_by_the_rules_of_the_employers_city(province, zhaoqing_rules):
    start = timezone.localdate() - datetime.timedelta(days=15)
    zhaoqing = factories.make_employer_user(
        org_unit=province["duanzhou_street"], name="肇庆市测试建材有限公司"
    )
    foshan = factories.make_employer_user(org_unit=province["chancheng_street"])
    late = factories.file_hire(
        zhaoqing,
        factories.make_person(residence=province["chancheng_community"]),
        start,
    )
    on_time = factories.file_hire(
        foshan, factories.make_person(residence=province["duanzhou_community"]), start
    )
    assert late.is_late and not on_time.is_late


def test_lost_contact_is_flagged_after_each_citys_own_months(province, zhaoqing_rules):
    zhaoqing_staff = factories.make_staff("caseworker", org_unit=province["duanzhou"])
    foshan_staff = factories.make_staff("caseworker", org_unit=province["chancheng"])
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0)):
        zhaoqing = factories.make_unemployment(
            factories.make_seeker(residence=province["duanzhou_community"]).person,
            by=zhaoqing_staff,
        )
        foshan = factories.make_unemployment(
            factories.make_seeker(residence=province["chancheng_community"]).person,
            by=foshan_staff,
        )
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0)):
        assert services.flag_lost_contact() == 0
    with time_machine.travel(datetime.datetime(2026, 6, 2, 10, 0)):
        assert services.flag_lost_contact() == 1  # Zhaoqing's three months
    zhaoqing.refresh_from_db()
    assert zhaoqing.contact_review_due
    with time_machine.travel(datetime.datetime(2026, 9, 2, 10, 0)):
        assert services.flag_lost_contact() == 1  # the six months of the others
    foshan.refresh_from_db()
    assert foshan.contact_review_due


def test_a_citys_staff_change_only_their_own_citys_rules(province, zhaoqing_rules):
    default = LocalRules.objects.get(city__isnull=True)
    zhaoqing = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    foshan = factories.make_staff("caseworker", org_unit=province["city"])
    zhaoqing_rules.notice_days = 4
    services.save_local_setting(
        zhaoqing_rules, by=zhaoqing, changed_fields=["notice_days"]
    )
    for rules in (default, zhaoqing_rules):
        rules.notice_days = 9
        with pytest.raises(services.RegistrationError):
            services.save_local_setting(
                rules, by=foshan, changed_fields=["notice_days"]
            )
    with pytest.raises(services.RegistrationError):
        services.save_local_setting(
            default, by=zhaoqing, changed_fields=["notice_days"]
        )
    with pytest.raises(services.RegistrationError):  # Foshan's own, made by Zhaoqing
        services.save_local_setting(
            LocalRules(city=province["city"]), by=zhaoqing, changed_fields=[]
        )
    district = factories.make_staff("caseworker", org_unit=province["duanzhou"])
    with pytest.raises(services.RegistrationError):
        services.save_local_setting(
            zhaoqing_rules, by=district, changed_fields=["notice_days"]
        )
    assert LocalRules.objects.get(pk=default.pk).notice_days == 5
    assert LocalRules.objects.get(pk=zhaoqing_rules.pk).notice_days == 4
    province_staff = factories.make_staff("caseworker", org_unit=province["province"])
    services.save_local_setting(
        default, by=province_staff, changed_fields=["notice_days"]
    )
    assert LocalRules.objects.get(pk=default.pk).notice_days == 9


def rules_form(rules, **changes):
    fields = [
        "hire_filing_days",
        "separation_filing_days",
        "self_filing_days",
        "no_contact_months",
        "notice_days",
    ]
    return {**{name: getattr(rules, name) for name in fields}, **changes}


def test_in_the_back_office_a_city_adds_and_edits_its_own_rules_only(client, province):
    default = LocalRules.objects.get(city__isnull=True)
    add = reverse("admin:registration_localrules_add")
    client.force_login(factories.make_staff("caseworker", org_unit=province["city"]))
    # Zhaoqing's rules, posted by Foshan: not a choice.
    client.post(add, {**rules_form(default), "city": province["zhaoqing"].pk})
    assert not LocalRules.objects.filter(city=province["zhaoqing"]).exists()
    response = client.post(add, {**rules_form(default), "city": province["city"].pk})
    assert response.status_code == 302
    foshan_rules = LocalRules.objects.get(city=province["city"])
    assert client.get(add).status_code == 403  # one row per city
    change = reverse("admin:registration_localrules_change", args=[default.pk])
    client.post(change, rules_form(default, notice_days=9))
    assert LocalRules.objects.get(pk=default.pk).notice_days == 5

    client.force_login(
        factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    )
    mine = reverse("admin:registration_localrules_change", args=[foshan_rules.pk])
    client.post(mine, rules_form(foshan_rules, notice_days=8))
    assert LocalRules.objects.get(pk=foshan_rules.pk).notice_days == 5
    listing = client.get(reverse("admin:registration_localrules_changelist"))
    assert listing.status_code == 200  # every member of staff reads the rules

    client.force_login(
        factories.make_staff("caseworker", org_unit=province["province"])
    )
    client.post(mine, rules_form(foshan_rules, notice_days=8))
    assert LocalRules.objects.get(pk=foshan_rules.pk).notice_days == 8


def test_a_city_cannot_add_the_rules_without_a_city_even_when_there_are_none(
    client, province
):
    """The rules of every other city are the top unit's to keep: a form error."""
    default = LocalRules.objects.get(city__isnull=True)
    form = rules_form(default)
    default.delete()
    client.force_login(factories.make_staff("caseworker", org_unit=province["city"]))
    add = reverse("admin:registration_localrules_add")
    refused = client.post(add, {**form, "city": ""})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert not LocalRules.objects.exists()
