"""Caseworkers and leaders see their own org unit and below, in lists and admin."""

from django.urls import reverse

from portal.models import Employer, Person
from tests import factories


def test_district_caseworker_sees_only_their_district(
    foshan, seeker, other_seeker, caseworker
):
    people = Person.objects.for_user(caseworker)
    assert list(people) == [seeker.person]


def test_city_caseworker_and_leader_see_every_district(
    foshan, seeker, other_seeker, city_caseworker, leader
):
    assert Person.objects.for_user(city_caseworker).count() == 2
    assert Person.objects.for_user(leader).count() == 2


def test_seeker_sees_only_their_own_record(seeker, other_seeker):
    assert list(Person.objects.for_user(seeker)) == [seeker.person]


def test_employer_staff_see_only_their_own_employer(employer, other_employer):
    assert list(Employer.objects.for_user(employer)) == [employer.employer]
    assert not Person.objects.for_user(employer).exists()


def test_admin_person_list_is_scoped(client, seeker, other_seeker, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("admin:portal_person_changelist"))
    assert response.status_code == 200
    assert seeker.person.name in response.text
    assert other_seeker.person.masked_id_number not in response.text


def test_outsider_caseworker_cannot_open_a_record_of_another_district(
    client, seeker, outsider_caseworker
):
    client.force_login(outsider_caseworker)
    url = reverse("admin:portal_person_change", args=[seeker.person.pk])
    response = client.get(url)
    assert response.status_code == 302  # the admin redirects a missing object
    assert (
        not Person.objects.for_user(outsider_caseworker)
        .filter(pk=seeker.person.pk)
        .exists()
    )


def test_admin_employer_list_is_scoped(client, employer, other_employer, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("admin:portal_employer_changelist"))
    assert employer.employer.uscc in response.text
    assert other_employer.employer.uscc not in response.text


def test_caseworker_cannot_file_a_person_outside_their_district(
    client, foshan, caseworker
):
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:portal_person_add"),
        {
            "name": "周建国",
            "id_number": factories.id_number(area="440605", sequence=55),
            "phone": "",
            "residence": foshan["nanhai_street"].pk,
            "retirement_track": "male60",
        },
    )
    assert response.status_code == 200
    assert not Person.objects.filter(name="周建国").exists()


def test_caseworker_files_a_person_without_an_account(client, foshan, caseworker):
    client.force_login(caseworker)
    number = factories.id_number(area="440604", sequence=57)
    response = client.post(
        reverse("admin:portal_person_add"),
        {
            "name": "周建国",
            "id_number": number,
            "phone": "13600136000",
            "residence": foshan["chancheng_community"].pk,
            "retirement_track": "male60",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(id_number=number)
    assert person.user is None


def test_leader_can_view_but_not_change_people(client, seeker, leader):
    client.force_login(leader)
    url = reverse("admin:portal_person_change", args=[seeker.person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"address": "改动"})
    assert response.status_code == 403


def test_seekers_and_employers_cannot_enter_the_back_office(client, seeker, employer):
    for user in (seeker, employer):
        client.force_login(user)
        response = client.get(reverse("admin:portal_person_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response.url


def test_workspace_counts_only_the_caseworkers_area(
    client, seeker, other_seeker, caseworker
):
    client.force_login(caseworker)
    response = client.get(reverse("workspace"))
    assert response.context["person_total"] == 1


def test_unit_picker_offers_only_units_in_the_caseworkers_area(
    client, foshan, caseworker
):
    client.force_login(caseworker)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "portal",
            "model_name": "person",
            "field_name": "residence",
            "term": "区",
        },
    )
    names = {result["text"] for result in response.json()["results"]}
    assert "禅城区第一社区" in names
    assert "南海区第一社区" not in names
