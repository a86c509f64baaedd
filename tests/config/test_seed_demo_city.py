"""seed_demo --city jiangmen: a second demo city in its own units, under the
province made when it arrives, about half Foshan's size; running either again
changes nothing. Seeded once for the module (it takes a while), then undone."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from fairs.models import JobFair, SeekerPass
from jobs.models import JobPosting, PostingInterval, Resume
from portal.models import Employer, OrgUnit, Person, User
from registration.models import EmploymentRegistration, UnemploymentRegistration
from stats.models import EmployedPopulation, Fact, Report
from stats.periods import MONTH, Period

CITIES = {"foshan": "4406", "jiangmen": "4407"}


@pytest.fixture(scope="module")
def cities(django_db_setup, django_db_blocker, tmp_path_factory):
    """{"alone": the cities and provinces after seed_demo alone, "output": what
    the second command printed}."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            alone = list(
                OrgUnit.objects.filter(level__in=["province", "city"]).values_list(
                    "code", "level"
                )
            )
            output = io.StringIO()
            call_command("seed_demo", city="jiangmen", stdout=output)
            connection.check_constraints()
            yield {"alone": alone, "output": output.getvalue()}
            transaction.set_rollback(True)


def test_seed_demo_alone_makes_one_city_and_no_province(cities, db):
    assert cities["alone"] == [("440600000000", "city")]


def test_the_second_city_arrives_under_a_province_with_the_first_moved_under_it(
    cities, db
):
    province = OrgUnit.objects.top()
    assert (province.code, province.level) == ("440000000000", "province")
    assert sorted(
        OrgUnit.objects.filter(parent=province).values_list("code", "level")
    ) == [("440600000000", "city"), ("440700000000", "city")]
    for username in ("cw_province", "leader_province"):
        assert User.objects.get(username=username).org_unit == province
        assert username in cities["output"]
    jiangmen = OrgUnit.objects.get(code="440700000000")
    assert User.objects.get(username="cw_jiangmen").org_unit == jiangmen
    assert User.objects.get(username="leader_jiangmen").org_unit == jiangmen
    # Real district codes of 江门市 (GB/T 2260), each with streets and communities.
    districts = OrgUnit.objects.filter(parent=jiangmen)
    assert {d.code[:6] for d in districts} == {"440703", "440704", "440705", "440781"}
    for district in districts:
        streets = district.children.all()
        assert streets and all(s.children.exists() for s in streets)
        assert all(district.contains(s) for s in streets)
        assert User.objects.filter(role="caseworker", org_unit=district).exists()


@pytest.mark.parametrize("city", CITIES)
def test_each_citys_records_lie_in_its_own_units(cities, db, city):
    prefix = CITIES[city]
    employers = Employer.objects.filter(org_unit__code__startswith=prefix)
    assert employers.count() == {"foshan": 50, "jiangmen": 25}[city]
    name = OrgUnit.objects.get(code=f"{prefix}00000000").name
    assert all(e.name.startswith(name) for e in employers)
    postings = JobPosting.objects.filter(employer__in=employers)
    assert postings.count() > 300
    assert not postings.exclude(org_unit__code__startswith=prefix).exists()
    intervals = PostingInterval.objects.filter(posting__in=postings)
    assert not intervals.exclude(org_unit__code__startswith=prefix).exists()
    hires = EmploymentRegistration.objects.filter(employer__in=employers)
    assert hires.count() > 1000
    assert not hires.exclude(org_unit__code__startswith=prefix).exists()
    residents = Person.objects.filter(residence__code__startswith=prefix)
    unemployed = UnemploymentRegistration.objects.filter(person__in=residents)
    assert unemployed.count() > 200
    assert not unemployed.exclude(org_unit__code__startswith=prefix).exists()
    assert Resume.objects.filter(person__in=residents).count() > 1000
    fairs = JobFair.objects.filter(org_unit__code=f"{prefix}00000000")
    general = fairs.filter(name__contains="综合招聘会")
    assert fairs.count() > 20 and general.exists()
    assert all(name in fair.name for fair in general)
    passes = SeekerPass.objects.filter(fair__in=fairs)
    assert passes.exists()
    assert not passes.exclude(person__residence__code__startswith=prefix).exists()
    assert Report.objects.filter(org_unit__code=f"{prefix}00000000").exists()


def test_the_second_city_is_about_half_the_first_in_people_and_postings(cities, db):
    def share(queryset, field):
        counts = {
            city: queryset.filter(**{f"{field}__startswith": prefix}).count()
            for city, prefix in CITIES.items()
        }
        return counts["jiangmen"] / counts["foshan"]

    assert 0.35 < share(Person.objects, "residence__code") < 0.65
    assert 0.35 < share(JobPosting.objects, "org_unit__code") < 0.65
    assert 0.35 < share(UnemploymentRegistration.objects, "org_unit__code") < 0.65


def test_the_second_citys_vacancies_per_seeker_stay_between_0_9_and_2(cities, db):
    months = Period.containing(MONTH, timezone.localdate()).trend(12)
    rows = Fact.objects.filter(
        indicator__in=["demand", "seekers"],
        dimension="",
        org_unit__code__startswith="4407",
        org_unit__level__in=["city", "district"],
        period_kind=MONTH,
        period_start__in=[month.start for month in months],
    ).values_list("org_unit__code", "period_start", "indicator", "value")
    figures = {}
    for code, start, indicator, value in rows:
        figures.setdefault((code, start), {})[indicator] = value
    ratios = [f["demand"] / f["seekers"] for f in figures.values() if f.get("seekers")]
    assert len(ratios) == 5 * 12
    assert all(0.9 <= ratio <= 2.0 for ratio in ratios), ratios
    province = EmployedPopulation.objects.get(
        org_unit__level="province", year=timezone.localdate().year
    )
    cities_ = EmployedPopulation.objects.filter(
        org_unit__level="city", year=province.year
    )
    assert province.employed == sum(c.employed for c in cities_) > 0


def test_running_either_city_again_changes_nothing(cities, db):
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label
        in ("portal", "jobs", "registration", "graduates", "fairs", "subsidies")
        or model in (Fact, EmployedPopulation, Report)
    ]
    before = {model: model.objects.count() for model in models}
    parents = dict(OrgUnit.objects.values_list("code", "parent__code"))

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", city="jiangmen", stdout=io.StringIO())

    assert {model: model.objects.count() for model in models} == before
    assert dict(OrgUnit.objects.values_list("code", "parent__code")) == parents


def test_the_second_city_sets_rules_of_its_own(cities, db):
    from graduates.models import CohortTarget
    from stats.models import WarningRule
    from subsidies.models import SubsidyType

    jiangmen = OrgUnit.objects.get(code="440700000000")
    foshan = OrgUnit.objects.get(code="440600000000")
    year = timezone.localdate().year
    own, common = (
        CohortTarget.current(year, jiangmen),
        CohortTarget.current(year, foshan),
    )
    assert own.city == jiangmen and common.city is None
    assert own.contact_rate < common.contact_rate
    assert (
        WarningRule.applying([jiangmen])[jiangmen.pk]
        != (WarningRule.applying([foshan])[foshan.pk])
    )
    offered = set(SubsidyType.objects.offered_in(jiangmen))
    assert offered - set(SubsidyType.objects.offered_in(foshan)) == {
        SubsidyType.objects.get(city=jiangmen)
    }
    assert SubsidyType.objects.get(city=jiangmen).version_on() is not None
