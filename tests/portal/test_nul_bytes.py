"""A NUL byte anywhere in a request gets the 400 page (PostgreSQL stores none in
text: the page would fail with a 500)."""

import pytest
from django.urls import reverse

from portal.models import AuditEntry, Person, User
from tests import factories

NUL = "\x00"


def test_a_nul_byte_in_the_query_string_gets_the_400_page(client):
    response = client.get(reverse("employer_list"), {"q": f"佛山{NUL}"})
    assert response.status_code == 400
    assert "无法处理您的请求" in response.text


def test_the_400_page_is_in_the_language_the_visitor_chose(english):
    response = english.get(reverse("employer_list"), {"q": NUL})
    assert response.status_code == 400
    assert "The request could not be read" in response.text


def test_a_nul_byte_in_the_path_or_a_cookie_gets_the_400_page(client, seeker):
    assert client.get("/employers/%00/").status_code == 400
    client.force_login(seeker)
    client.cookies["sessionid"] = client.cookies["sessionid"].value + NUL
    assert client.get(reverse("workspace")).status_code == 400


def test_a_posted_form_with_a_nul_byte_is_refused_and_nothing_is_saved(client, foshan):
    data = {
        "name": f"张伟{NUL}",
        "id_number": factories.id_number(birth="19900101", sequence=31),
        "phone": "13800138000",
        "residence": foshan["chancheng_street"].pk,
        "password1": "Fo-shan-2026!",
        "password2": "Fo-shan-2026!",
    }
    response = client.post(reverse("signup_seeker"), data)
    assert response.status_code == 400
    assert not Person.objects.exists()
    assert not User.objects.filter(role="seeker").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "url, query",
    [
        ("stats:dashboard", {"unit": NUL}),
        ("admin:subsidies_application_changelist", {"status__exact": NUL}),
        (
            "admin:autocomplete",
            {
                "term": NUL,
                "app_label": "portal",
                "model_name": "person",
                "field_name": "residence",
            },
        ),
    ],
)
def test_staff_pages_refuse_a_nul_byte_too(client, administrator, url, query):
    client.force_login(administrator)
    assert client.get(reverse(url), query).status_code == 400
