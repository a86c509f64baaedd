from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import Employer, User
from tests import factories


def _data(foshan, **overrides):
    return {
        "name": "佛山市禅城区宏达五金制品有限公司",
        "uscc": factories.credit_code(),
        "org_unit": foshan["chancheng_street"].pk,
        "address": "季华五路18号",
        "contact_name": "黄经理",
        "contact_phone": "13700137000",
        "contact_email": "hr@hongda.example.cn",
        "licence": factories.licence_file(),
        "password1": "Hong-da-2026!",
        "password2": "Hong-da-2026!",
        **overrides,
    }


def test_employer_registers_and_waits_for_verification(client, english, foshan):
    response = client.post(reverse("signup_employer"), _data(foshan))
    assert response.status_code == 302
    employer = Employer.objects.get()
    assert employer.verification_status == Employer.Verification.PENDING
    assert employer.licence.name.startswith("licences/")
    user = User.objects.get(employer=employer)
    assert user.username == employer.uscc
    page = client.get(reverse("workspace"))
    assert "Pending review" in page.text


def test_invalid_credit_code_is_explained(client, english, foshan):
    data = _data(foshan, uscc="91350100M000100Y4A")
    response = client.post(reverse("signup_employer"), data)
    assert response.status_code == 200
    assert "check character is wrong" in response.text
    assert not Employer.objects.exists()


def test_licence_that_is_not_a_pdf_or_image_is_refused(client, english, foshan):
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    data = _data(foshan, licence=fake)
    response = client.post(reverse("signup_employer"), data)
    assert "PDF, JPG or PNG" in response.text
    assert not Employer.objects.exists()


def test_duplicate_credit_code_gets_a_clear_message(client, english, foshan, employer):
    data = _data(foshan, uscc=employer.employer.uscc)
    response = client.post(reverse("signup_employer"), data)
    assert response.status_code == 200
    assert "already registered" in response.text
    assert Employer.objects.count() == 1


def test_licence_is_only_shown_to_its_employer_and_caseworkers(
    client, employer, other_employer, caseworker, outsider_caseworker
):
    url = reverse("employer_licence", args=[employer.employer.pk])
    for user, status in [
        (employer, 200),
        (caseworker, 200),
        (other_employer, 404),
        (outsider_caseworker, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status
    client.logout()
    assert client.get(url).status_code == 302
