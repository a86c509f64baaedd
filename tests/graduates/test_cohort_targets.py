"""Cohort targets per city and graduation year: a city's follow-up rates are
measured against its own targets for the year, else against the targets without
a city. A city's staff keep only their own city's targets."""

import datetime

import pytest
from django.urls import reverse

from graduates import services
from graduates.models import CohortTarget
from graduates.queries import leaver_rates
from tests import factories


@pytest.fixture
def staff(province):
    return {
        name: factories.make_staff("caseworker", org_unit=province[name])
        for name in ("province", "city", "zhaoqing", "duanzhou")
    }


def save(target, by, *changed):
    return services.save_cohort_target(target, by=by, changed_fields=list(changed))


def test_a_city_is_measured_against_its_own_targets_for_the_year(province, staff):
    save(CohortTarget(graduation_year=2026, contact_rate=97), staff["province"])
    save(
        CohortTarget(
            city=province["zhaoqing"], graduation_year=2026, employment_rate=80
        ),
        staff["zhaoqing"],
    )
    seeker = factories.make_seeker(residence=province["duanzhou_community"])
    graduate = factories.make_graduate(seeker.person)
    services.register_leaver(graduate, by=seeker, job_wishes="会计", service_needs=[])
    factories.file_hire(
        factories.make_employer_user(org_unit=province["duanzhou_street"]),
        seeker.person,
        datetime.date.today(),
    )
    zhaoqing = leaver_rates(2026, province["duanzhou"])
    assert (zhaoqing["contact_target"], zhaoqing["employment_target"]) == (98, 80)
    assert zhaoqing["employment_met"]  # 100 % against its own 80 %
    for unit in ("chancheng", "city", "province"):
        rates = leaver_rates(2026, province[unit])
        assert (rates["contact_target"], rates["employment_target"]) == (97, 90)
    # No targets of its own for another year: those without a city, or defaults.
    assert leaver_rates(2025, province["duanzhou"])["employment_target"] == 90


def test_a_citys_staff_keep_only_their_own_citys_targets(province, staff):
    every = save(CohortTarget(graduation_year=2026), staff["province"])
    zhaoqing = save(
        CohortTarget(city=province["zhaoqing"], graduation_year=2026),
        staff["zhaoqing"],
    )
    refused = [
        (every, staff["zhaoqing"]),
        (zhaoqing, staff["city"]),
        (zhaoqing, staff["duanzhou"]),
        (CohortTarget(city=province["city"], graduation_year=2027), staff["zhaoqing"]),
        (CohortTarget(graduation_year=2027), staff["city"]),
    ]
    for target, by in refused:
        target.contact_rate = 50
        with pytest.raises(services.GraduateError):
            save(target, by, "contact_rate")
    with pytest.raises(services.GraduateError):  # the year is set already
        save(
            CohortTarget(city=province["zhaoqing"], graduation_year=2026),
            staff["zhaoqing"],
        )
    assert {(t.city_id, t.contact_rate) for t in CohortTarget.objects.all()} == {
        (None, 98),
        (province["zhaoqing"].pk, 98),
    }


def target_form(**values):
    return {"graduation_year": "2026", "contact_rate": "95",
            "employment_rate": "85", **values}  # fmt: skip


def test_in_the_back_office_a_city_adds_its_own_targets_once_a_year(
    client, province, staff
):
    every = save(CohortTarget(graduation_year=2026), staff["province"])
    foshan = save(
        CohortTarget(city=province["city"], graduation_year=2026), staff["city"]
    )
    client.force_login(staff["zhaoqing"])
    listing = client.get(reverse("admin:graduates_cohorttarget_changelist"))
    assert set(listing.context["cl"].result_list) == {every}
    add = reverse("admin:graduates_cohorttarget_add")
    client.post(add, target_form(city="", graduation_year="2027"))
    client.post(add, target_form(city=province["city"].pk))
    assert CohortTarget.objects.count() == 2
    assert (
        client.post(add, target_form(city=province["zhaoqing"].pk)).status_code == 302
    )
    again = client.post(add, target_form(city=province["zhaoqing"].pk))
    assert again.status_code == 200 and again.context["adminform"].form.errors
    own = CohortTarget.objects.get(city=province["zhaoqing"])
    client.post(add, target_form(city=province["zhaoqing"].pk, graduation_year=2025))
    moved = client.post(
        reverse("admin:graduates_cohorttarget_change", args=[own.pk]),
        target_form(graduation_year="2025"),
    )
    assert moved.status_code == 200 and moved.context["adminform"].form.errors
    for target in (every, foshan):
        client.post(
            reverse("admin:graduates_cohorttarget_change", args=[target.pk]),
            target_form(contact_rate="10"),
        )
        assert CohortTarget.objects.get(pk=target.pk).contact_rate == 98

    client.force_login(staff["province"])
    client.post(
        reverse("admin:graduates_cohorttarget_change", args=[foshan.pk]),
        target_form(contact_rate="96"),
    )
    assert CohortTarget.objects.get(pk=foshan.pk).contact_rate == 96
