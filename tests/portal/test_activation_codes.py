"""A caseworker who has seen the ID card hands out a code that opens the account."""

import datetime
import re

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry
from tests import factories


def _issue(client, caseworker, person):
    """The caseworker, in their own browser, issues a code for the person."""
    staff = Client()
    staff.force_login(caseworker)
    url = reverse("admin:portal_person_activation_code", args=[person.pk])
    assert "<code>" not in staff.get(url).text  # nothing issued on a GET
    page = staff.post(url).text
    return re.search(r"<code>([A-Z0-9]{8})</code>", page).group(1)


def _activate(client, person, code, **overrides):
    data = {
        "id_number": person.id_number,
        "code": code,
        "phone": "",
        "password1": "Fo-shan-2026!",
        "password2": "Fo-shan-2026!",
        **overrides,
    }
    return client.post(reverse("signup_activate"), data)


def test_person_opens_the_account_with_the_counter_code(client, foshan, caseworker):
    person = factories.make_person(residence=foshan["chancheng_community"], phone="")
    code = _issue(client, caseworker, person)
    entry = AuditEntry.objects.get(action="portal.activation_code.issued")
    assert entry.actor == caseworker and code not in str(entry.data)
    response = _activate(client, person, code, phone="13722223333")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user is not None
    assert person.phone == "13722223333"  # the record had none


def test_counter_code_works_once_and_expires(client, english, foshan, caseworker):
    person = factories.make_person(residence=foshan["chancheng_community"])
    code = _issue(client, caseworker, person)
    later = timezone.now() + datetime.timedelta(hours=25)
    with time_machine.travel(later):
        assert "wrong or has expired" in _activate(english, person, code).text
    code = _issue(client, caseworker, person)
    assert _activate(english, person, code).status_code == 302
    english.logout()
    english.cookies["django_language"] = "en"
    assert "wrong or has expired" in _activate(english, person, code).text


def test_a_new_code_cancels_the_old_and_wrong_codes_run_out(
    client, english, foshan, caseworker
):
    person = factories.make_person(residence=foshan["chancheng_community"])
    first = _issue(client, caseworker, person)
    second = _issue(client, caseworker, person)
    assert "wrong or has expired" in _activate(english, person, first).text
    for _attempt in range(4):  # with the first, five wrong codes in all
        assert "wrong or has expired" in _activate(english, person, "ABCDEFGH").text
    assert "wrong or has expired" in _activate(english, person, second).text
    person.refresh_from_db()
    assert person.user is None


def test_unknown_id_number_gets_the_same_answer(client, english, foshan):
    stranger = factories.make_person(residence=foshan["chancheng_community"])
    unknown = factories.id_number(sequence=77)
    answers = {
        _activate(english, stranger, "ABCDEFGH").text.count("wrong or has expired"),
        _activate(english, stranger, "ABCDEFGH", id_number=unknown).text.count(
            "wrong or has expired"
        ),
    }
    assert answers == {1}


def test_caseworker_of_another_district_cannot_issue_a_code(
    client, foshan, outsider_caseworker
):
    person = factories.make_person(residence=foshan["chancheng_community"])
    client.force_login(outsider_caseworker)
    url = reverse("admin:portal_person_activation_code", args=[person.pk])
    assert client.post(url).status_code == 404
    assert not AuditEntry.objects.filter(action="portal.activation_code.issued")


def test_no_code_for_a_person_who_already_has_an_account(client, seeker, caseworker):
    client.force_login(caseworker)
    url = reverse("admin:portal_person_activation_code", args=[seeker.person.pk])
    page = client.post(url, follow=True)
    assert "<code>" not in page.text
    assert not AuditEntry.objects.filter(action="portal.activation_code.issued")


def test_city_staff_reach_people_without_a_residence_and_districts_do_not(
    client, foshan, caseworker, city_caseworker
):
    """Records from an employer's filing have no residence: the city issues codes."""
    person = factories.make_person(residence=None, id_number=factories.id_number())
    code = _issue(client, city_caseworker, person)
    assert len(code) == 8
    staff = Client()
    staff.force_login(caseworker)
    url = reverse("admin:portal_person_activation_code", args=[person.pk])
    assert staff.post(url).status_code == 404
