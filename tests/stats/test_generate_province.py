"""generate_city --cities N: a province of N cities, each at the given scale, with
valid division codes; the figures of the province add up its cities'."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from jobs.models import JobPosting
from portal.models import OrgUnit, Person
from stats.models import EmployedPopulation
from tests import factories

SCALE = 0.001


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    """Three cities generated once for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        factories.make_org_tree()
        factories.make_staff("admin")
        call_command("generate_city", scale=SCALE, cities=3, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_a_province_of_cities_holds_each_city_with_a_copy_of_the_first_ones_tree(
    province, db
):
    top = OrgUnit.objects.top()
    assert (top.code, top.level) == ("440000000000", "province")
    cities = OrgUnit.objects.filter(level="city").order_by("code")
    assert [c.code for c in cities] == ["440100000000", "440300000000", "440600000000"]
    assert all(city.parent == top for city in cities)
    for unit in OrgUnit.objects.exclude(level="province").select_related("parent"):
        assert len(unit.code) == 12 and unit.code.isdigit()
        assert unit.parent.contains(unit) and unit.parent.code != unit.code
    shapes = {
        city.code: sorted((u.level, u.code[4:]) for u in OrgUnit.objects.within(city))
        for city in cities
    }
    assert len({tuple(shape) for shape in shapes.values()}) == 1


def test_a_province_of_cities_has_people_and_postings_in_every_city_at_its_scale(
    province, db
):
    people = dict(
        Person.objects.values("residence__code")
        .annotate(n=Count("pk"))
        .values_list("residence__code", "n")
    )
    per_city = {}
    for code, n in people.items():
        per_city[code[:4]] = per_city.get(code[:4], 0) + n
    assert set(per_city) == {"4401", "4403", "4406"}
    assert sum(per_city.values()) == 3 * 5_000_000 * SCALE
    assert min(per_city.values()) > 0.8 * max(per_city.values())
    postings = JobPosting.objects.values_list("org_unit__code", flat=True)
    assert {code[:4] for code in postings} == {"4401", "4403", "4406"}
    figures = EmployedPopulation.objects.filter(year=timezone.localdate().year)
    province_figure = figures.get(org_unit__level="province").employed
    city_figures = figures.filter(org_unit__level="city").values_list(
        "employed", flat=True
    )
    assert province_figure == sum(city_figures) > 0
