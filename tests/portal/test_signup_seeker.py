from django.urls import reverse

from portal.models import AuditEntry, Person, User
from tests import factories


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


def test_seeker_signs_up_and_lands_in_the_workspace(client, foshan):
    response = client.post(reverse("signup_seeker"), _data(foshan))
    assert response.status_code == 302
    assert response.url == reverse("workspace")
    person = Person.objects.get(name="张伟")
    assert person.user.role == User.Role.SEEKER
    assert person.residence == foshan["chancheng_street"]
    assert AuditEntry.objects.filter(action="portal.seeker.registered").count() == 1
    page = client.get(reverse("workspace"))
    assert person.masked_id_number in page.text
    assert person.id_number not in page.text


def test_bad_id_number_re_renders_the_form_with_a_message(client, english, foshan):
    good = factories.id_number(birth="19900101", sequence=31)
    bad = good[:-1] + ("1" if good[-1] == "0" else "0")
    data = _data(foshan, id_number=bad)
    response = client.post(reverse("signup_seeker"), data)
    assert response.status_code == 200
    assert "check character is wrong" in response.text
    assert 'value="张伟"' in response.text  # nothing typed is lost
    assert not Person.objects.exists()


def test_mismatched_passwords_and_bad_phone_are_reported(client, english, foshan):
    data = _data(foshan, password2="different-2026!", phone="12345")
    response = client.post(reverse("signup_seeker"), data)
    assert "The two passwords do not match." in response.text
    assert "11-digit mainland mobile number" in response.text


def test_duplicate_id_number_gets_a_clear_message(client, english, foshan, seeker):
    data = _data(foshan, id_number=seeker.person.id_number, name=seeker.person.name)
    response = client.post(reverse("signup_seeker"), data)
    assert response.status_code == 200
    assert "already has an account" in response.text
    assert Person.objects.count() == 1


def test_person_registered_at_the_counter_can_claim_the_record(client, foshan):
    person = factories.make_person(residence=foshan["chancheng_community"], name="张伟")
    response = client.post(
        reverse("signup_seeker"), _data(foshan, id_number=person.id_number)
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user is not None
    assert person.residence == foshan["chancheng_community"]


def test_claiming_someone_elses_record_with_another_name_is_refused(
    client, english, foshan
):
    person = factories.make_person(residence=foshan["chancheng_community"], name="王芳")
    data = _data(foshan, id_number=person.id_number, name="张伟")
    response = client.post(reverse("signup_seeker"), data)
    assert "name does not match" in response.text
    person.refresh_from_db()
    assert person.user is None


def test_signup_is_csrf_protected(foshan):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("signup_seeker"), _data(foshan)
    )
    assert response.status_code == 403
