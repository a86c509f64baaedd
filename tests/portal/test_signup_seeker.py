"""Seekers open an account with a code that reaches them, never with name + ID alone."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.models import AccountClaim, AuditEntry, Person, SmsMessage, User
from portal.sms import ConsoleBackend
from tests import factories


@pytest.fixture(autouse=True)
def outbox():
    ConsoleBackend.outbox.clear()
    return ConsoleBackend.outbox


def _data(foshan, **overrides):
    return {
        "name": "张伟",
        "id_number": factories.id_number(birth="19900101", sequence=31),
        "phone": "13800138000",
        "residence": foshan["chancheng_street"].pk,
        "password1": "Fo-shan-2026!",
        "password2": "Fo-shan-2026!",
        **overrides,
    }


def _ask(client, capture, data, address="203.0.113.7"):
    """Step one; returns the confirm page's URL."""
    with capture(execute=True):
        response = client.post(reverse("signup_seeker"), data, REMOTE_ADDR=address)
    assert response.status_code == 302
    return response.url


def _code(outbox, phone):
    texts = [m["text"] for m in outbox if m["phone"] == phone]
    return re.search(r"\d{6}", texts[-1]).group() if texts else None


def test_new_seeker_gets_a_code_by_sms_and_lands_in_the_workspace(
    client, foshan, outbox, django_capture_on_commit_callbacks
):
    url = _ask(client, django_capture_on_commit_callbacks, _data(foshan))
    assert not Person.objects.exists()  # nothing opens before the code
    response = client.post(url, {"code": _code(outbox, "13800138000")})
    assert response.status_code == 302
    assert response.url == reverse("workspace")
    person = Person.objects.get(name="张伟")
    assert (person.user.role, person.phone) == (User.Role.SEEKER, "13800138000")
    assert person.residence == foshan["chancheng_street"]
    assert AuditEntry.objects.filter(action="portal.seeker.registered").count() == 1
    page = client.get(reverse("workspace"))
    assert person.masked_id_number in page.text
    assert person.id_number not in page.text


def test_stranger_with_name_and_id_cannot_take_over_a_record(
    client, foshan, outbox, django_capture_on_commit_callbacks
):
    person = factories.make_person(
        residence=foshan["chancheng_community"], name="张伟", phone="13711112222"
    )
    data = _data(foshan, id_number=person.id_number, phone="13600000000")
    url = _ask(client, django_capture_on_commit_callbacks, data)
    assert _code(outbox, "13600000000") is None  # the stranger's phone gets nothing
    for guess in ("000000", "123456", "999999"):
        page = client.post(url, {"code": guess})
        assert page.status_code == 200
    person.refresh_from_db()
    assert person.user is None and person.phone == "13711112222"
    # The person, with the code sent to the phone on record, opens the account.
    response = client.post(url, {"code": _code(outbox, "13711112222")})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user is not None and person.phone == "13711112222"


def test_sign_up_answers_alike_for_new_known_mismatched_and_taken_id_numbers(
    client, english, foshan, seeker, outbox, django_capture_on_commit_callbacks
):
    counter = factories.make_person(
        residence=foshan["chancheng_community"], name="王芳"
    )
    cases = [
        _data(foshan),  # new to the registry
        _data(foshan, id_number=counter.id_number, name="王芳"),  # no account yet
        _data(foshan, id_number=counter.id_number, name="张伟"),  # wrong name
        _data(foshan, id_number=seeker.person.id_number, name=seeker.person.name),
    ]
    pages = []
    for data in cases:
        url = _ask(english, django_capture_on_commit_callbacks, data)
        page = english.get(url).text
        pages.append(re.sub(r'value="[^"]+"', "", page))  # CSRF tokens differ
    assert len(set(pages)) == 1
    assert "Please log in instead" not in pages[0]
    assert "name does not match" not in pages[0]
    # Codes went only where an account can open, and only to the right phones.
    assert sorted(m["phone"] for m in outbox) == sorted(["13800138000", counter.phone])


def test_a_code_expires_and_works_only_once(
    client, foshan, outbox, django_capture_on_commit_callbacks
):
    url = _ask(client, django_capture_on_commit_callbacks, _data(foshan))
    code = _code(outbox, "13800138000")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert client.post(url, {"code": code}).status_code == 200
    assert not Person.objects.exists()
    url = _ask(client, django_capture_on_commit_callbacks, _data(foshan))
    code = _code(outbox, "13800138000")
    assert client.post(url, {"code": code}).status_code == 302
    client.logout()
    assert client.post(url, {"code": code}).status_code == 200  # used up
    assert User.objects.filter(role=User.Role.SEEKER).count() == 1


def test_five_wrong_codes_end_the_claim(
    client, english, foshan, outbox, django_capture_on_commit_callbacks
):
    url = _ask(english, django_capture_on_commit_callbacks, _data(foshan))
    code = _code(outbox, "13800138000")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _attempt in range(5):
        page = english.post(url, {"code": wrong})
        assert "wrong or has expired" in page.text
    assert english.post(url, {"code": code}).status_code == 200
    assert AccountClaim.objects.get().failed_attempts == 5
    assert not Person.objects.exists()


def test_codes_are_rate_limited_per_id_number_phone_and_address(
    client, english, foshan, django_capture_on_commit_callbacks
):
    data = _data(foshan)
    for _request in range(5):
        _ask(english, django_capture_on_commit_callbacks, data)
    page = english.post(reverse("signup_seeker"), data)
    assert "Too many codes" in page.text  # this ID number and this phone
    other_id = _data(foshan, id_number=factories.id_number(sequence=39))
    page = english.post(reverse("signup_seeker"), other_id, REMOTE_ADDR="192.0.2.1")
    assert "Too many codes" in page.text  # a new ID number, the same phone
    for sequence in range(40, 50):  # other people, one address
        other = _data(
            foshan,
            id_number=factories.id_number(sequence=sequence),
            phone=f"139000000{sequence}",
        )
        _ask(english, django_capture_on_commit_callbacks, other, address="198.51.100.9")
    other = _data(
        foshan, id_number=factories.id_number(sequence=50), phone="13900000050"
    )
    page = english.post(reverse("signup_seeker"), other, REMOTE_ADDR="198.51.100.9")
    assert "Too many codes" in page.text


def test_the_sms_row_keeps_its_status_but_not_the_code(
    client, foshan, outbox, django_capture_on_commit_callbacks
):
    _ask(client, django_capture_on_commit_callbacks, _data(foshan))
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.SENT
    assert message.provider_id.startswith("console-")
    assert message.params["code"] == "******"
    assert _code(outbox, "13800138000") not in str(message.params)


def test_bad_id_number_re_renders_the_form_with_a_message(client, english, foshan):
    good = factories.id_number(birth="19900101", sequence=31)
    bad = good[:-1] + ("1" if good[-1] == "0" else "0")
    data = _data(foshan, id_number=bad)
    response = client.post(reverse("signup_seeker"), data)
    assert response.status_code == 200
    assert "check character is wrong" in response.text
    assert 'value="张伟"' in response.text  # nothing typed is lost
    assert not AccountClaim.objects.exists()


def test_mismatched_passwords_and_bad_phone_are_reported(client, english, foshan):
    data = _data(foshan, password2="different-2026!", phone="12345")
    response = client.post(reverse("signup_seeker"), data)
    assert "The two passwords do not match." in response.text
    assert "11-digit mainland mobile number" in response.text


def test_signup_is_csrf_protected(foshan):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("signup_seeker"), _data(foshan)
    )
    assert response.status_code == 403
