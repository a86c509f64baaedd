"""A province above the cities: its staff see every city below it, a city's staff
only their own city."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.models import Employer, OrgUnit, Person
from tests import factories


@pytest.fixture
def people(province):
    return {
        "foshan": factories.make_person(residence=province["chancheng"]),
        "zhaoqing": factories.make_person(residence=province["duanzhou"]),
        "unplaced": factories.make_person(
            residence=None, id_number=factories.id_number(area="440604")
        ),
    }


def test_levels_from_province_to_community_compare_by_rank(province):
    assert province["province"].is_at_least(OrgUnit.Level.CITY)
    assert province["city"].is_at_least(OrgUnit.Level.CITY)
    assert not province["chancheng"].is_at_least(OrgUnit.Level.CITY)
    assert province["chancheng"].is_at_least(OrgUnit.Level.DISTRICT)
    assert not province["chancheng_street"].is_at_least(OrgUnit.Level.DISTRICT)


def test_province_contains_every_city_and_their_units(province):
    guangdong = province["province"]
    assert guangdong.descendant_prefix == "44"
    assert guangdong.contains(province["chancheng_community"])
    assert guangdong.contains(province["duanzhou"])
    assert not province["city"].contains(province["duanzhou"])
    within = set(OrgUnit.objects.within(guangdong))
    assert {province["city"], province["zhaoqing"], province["duanzhou"]} <= within


def test_province_staff_see_every_city_and_the_unplaced(people, province):
    caseworker = factories.make_staff("caseworker", org_unit=province["province"])
    assert set(Person.objects.for_user(caseworker)) == set(people.values())


def test_city_staff_see_only_their_own_city(people, province):
    foshan = factories.make_staff("caseworker", org_unit=province["city"])
    zhaoqing = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    # Nothing says which city a person without a residence belongs to: the
    # province serves them, not every city.
    assert list(Person.objects.for_user(foshan)) == [people["foshan"]]
    assert list(Person.objects.for_user(zhaoqing)) == [people["zhaoqing"]]
    district = factories.make_staff("caseworker", org_unit=province["duanzhou"])
    assert list(Person.objects.for_user(district)) == [people["zhaoqing"]]


def test_another_citys_staff_cannot_open_a_record_in_the_back_office(
    client, people, province
):
    zhaoqing = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    client.force_login(zhaoqing)
    person = people["foshan"]
    url = reverse("admin:portal_person_change", args=[person.pk])
    assert client.get(url).status_code == 302  # the admin redirects a missing object
    listing = client.get(reverse("admin:portal_person_changelist"))
    assert person.masked_id_number not in listing.text


def test_only_the_province_has_the_pages_for_the_whole_area(province):
    from portal.admin import is_city_staff

    province_staff = factories.make_staff("caseworker", org_unit=province["province"])
    city_staff = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    assert is_city_staff(province_staff)
    assert not is_city_staff(city_staff)  # payments and imports of every city


def test_province_staff_find_employers_of_every_city(province):
    foshan = factories.make_employer(org_unit=province["chancheng_street"])
    zhaoqing = factories.make_employer(
        org_unit=province["duanzhou"], name="肇庆市测试建材有限公司"
    )
    caseworker = factories.make_staff("caseworker", org_unit=province["province"])
    assert set(Employer.objects.for_user(caseworker)) == {foshan, zhaoqing}
    city = factories.make_staff("caseworker", org_unit=province["zhaoqing"])
    assert list(Employer.objects.for_user(city)) == [zhaoqing]


def test_only_a_province_or_a_city_may_stand_without_a_parent(province):
    with transaction.atomic(), pytest.raises(IntegrityError):
        OrgUnit.objects.create(code="441203000000", name="鼎湖区", level="district")
    OrgUnit.objects.create(code="450000000000", name="广西壮族自治区", level="province")


def test_the_top_unit_is_the_province_when_there_is_one(foshan):
    assert OrgUnit.objects.top() == foshan["city"]
    guangdong = OrgUnit.objects.create(
        code="440000000000", name="广东省", level="province"
    )
    foshan["city"].parent = guangdong
    foshan["city"].save()
    assert OrgUnit.objects.top() == guangdong


def test_a_graduate_without_a_residence_is_served_by_their_home_city(province):
    from graduates.services.reports import serving_unit

    person = factories.make_person(
        residence=None, id_number=factories.id_number(area="441203")
    )
    # 鼎湖区 (441203) is no district here: its city, Zhaoqing, serves them.
    assert serving_unit(person, "441203") == province["zhaoqing"]
    assert serving_unit(person, "440604") == province["chancheng"]
    # From another province: the top unit, as people without a residence are.
    assert serving_unit(person, "430102") == province["province"]


def test_a_units_division_code_cannot_be_changed_in_the_back_office(
    client, administrator, province
):
    """Records and the job list's copies hold the code; a re-division makes a
    new unit instead."""
    client.force_login(administrator)
    unit = province["zhaoqing"]
    url = reverse("admin:portal_orgunit_change", args=[unit.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="code"' not in page.text
    add = client.get(reverse("admin:portal_orgunit_add"))
    assert 'name="code"' in add.text
