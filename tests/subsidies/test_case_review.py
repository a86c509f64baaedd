"""The subsidy application's review page (portal/casework.py on ApplicationAdmin):
what a caseworker sees, and decisions posted from it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import AuditEntry
from subsidies import services
from subsidies.models import Application, Decision, SubsidyType
from subsidies.services import chain
from tests import factories

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PDF = b"%PDF-1.4 scanned certificate"


def change_url(application) -> str:
    return reverse("admin:subsidies_application_change", args=[application.pk])


def decide_url(application, decision) -> str:
    return reverse(
        "admin:subsidies_application_decide", args=[application.pk, decision]
    )


def start_up(seeker):
    factories.make_graduate(seeker.person)
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="start-up"), person=seeker.person
        ),
        by=seeker,
        documents=[
            SimpleUploadedFile("营业执照.jpg", JPEG, "image/jpeg"),
            SimpleUploadedFile("毕业证书.pdf", PDF, "application/pdf"),
        ],
    )


@pytest.fixture
def street_caseworker(foshan):
    return factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])


@pytest.fixture
def at_district(seeker, street_caseworker):
    """A 禅城 application whose next step is the district's review."""
    application = start_up(seeker)
    chain.accept_application(application, by=street_caseworker)
    chain.pass_step(application, by=street_caseworker)
    application.refresh_from_db()
    assert application.current_level == "district"
    return application


def another_at_district(foshan, street_caseworker, name="周小芳"):
    seeker = factories.make_seeker(residence=foshan["chancheng_community"], name=name)
    application = start_up(seeker)
    chain.accept_application(application, by=street_caseworker)
    chain.pass_step(application, by=street_caseworker)
    application.refresh_from_db()
    return application


def seen(client, application) -> str:
    return client.get(change_url(application)).context["case"]["seen"]


def test_a_district_caseworker_sees_documents_checks_and_only_the_open_decisions(
    english, caseworker, at_district
):
    english.force_login(caseworker)
    page = english.get(change_url(at_district))
    assert page.status_code == 200
    documents = [
        reverse("subsidies:document_download", args=[document.pk])
        for document in at_district.documents.order_by("pk")
    ]
    assert f'<img src="{documents[0]}"' in page.text
    assert f'href="{documents[1]}" target="_blank"' in page.text
    assert english.get(documents[0]).status_code == 200  # served to this caseworker
    checks = [check.label for check in page.context["case"]["checks"]]
    assert "Conditions and double-claim rules" in checks
    assert at_district.person.masked_id_number in page.text
    assert at_district.person.id_number not in page.text
    open_decisions = {
        item["decision"].name for item in page.context["case"]["decisions"]
    }
    assert open_decisions == {"pass", "return", "refuse"}
    assert decide_url(at_district, "pass") in page.text
    assert decide_url(at_district, "accept") not in page.text
    assert decide_url(at_district, "approve") not in page.text
    assert "Review at District level" in page.text


def test_someone_who_decided_an_earlier_step_is_told_another_caseworker_decides(
    english, administrator, seeker
):
    application = start_up(seeker)
    chain.accept_application(application, by=administrator)
    chain.pass_step(application, by=administrator)
    english.force_login(administrator)
    page = english.get(change_url(application))
    assert page.context["case"]["decisions"] == []
    assert "you decided another step of this application" in page.text
    assert "Another caseworker has to take this step." in page.text


def test_another_districts_caseworker_is_refused_the_page_and_every_decision(
    client, outsider_caseworker, at_district
):
    client.force_login(outsider_caseworker)
    page = client.get(change_url(at_district), follow=True)
    assert page.redirect_chain[-1][0] == reverse("admin:index")
    for decision in ("accept", "pass", "approve", "return", "refuse"):
        answer = client.post(
            decide_url(at_district, decision), {"seen": "", "refuse-reason": "x"}
        )
        assert answer.status_code == 404
    at_district.refresh_from_db()
    assert (at_district.status, at_district.step) == ("in_review", 1)


def test_a_decision_goes_through_the_service_with_its_audit_entry_to_the_next_case(
    client, caseworker, foshan, street_caseworker, at_district
):
    following = another_at_district(foshan, street_caseworker)
    client.force_login(caseworker)
    answer = client.post(
        decide_url(at_district, "pass"), {"seen": seen(client, at_district)}
    )
    at_district.refresh_from_db()
    assert (at_district.step, at_district.current_level) == (2, "city")
    assert Decision.objects.filter(
        application=at_district, kind="passed", decided_by=caseworker
    ).exists()
    assert AuditEntry.objects.filter(
        action="subsidies.application.passed",
        actor=caseworker,
        object_id=str(at_district.pk),
    ).exists()
    assert answer.status_code == 302
    assert answer.url == change_url(following)
    # The last case of the queue leads back to the to-do home.
    answer = client.post(
        decide_url(following, "return"),
        {"seen": seen(client, following), "return-reason": "缺少营业执照副本"},
    )
    following.refresh_from_db()
    assert following.status == "returned"
    assert following.return_reason == "缺少营业执照副本"
    assert answer.url == reverse("admin:index")


def test_the_same_decision_posted_twice_is_taken_once(client, caseworker, at_district):
    client.force_login(caseworker)
    page_state = seen(client, at_district)
    for _twice in range(2):
        client.post(decide_url(at_district, "pass"), {"seen": page_state})
    assert (
        Decision.objects.filter(application=at_district, decided_by=caseworker).count()
        == 1
    )
    at_district.refresh_from_db()
    assert at_district.step == 2


def test_a_return_without_a_reason_decides_nothing(client, caseworker, at_district):
    client.force_login(caseworker)
    answer = client.post(
        decide_url(at_district, "return"),
        {"seen": seen(client, at_district), "return-reason": ""},
    )
    assert answer.url == change_url(at_district)
    at_district.refresh_from_db()
    assert at_district.status == "in_review"


def test_the_read_only_page_goes_back_to_the_list_instead_of_closing(
    english, caseworker, at_district
):
    english.force_login(caseworker)
    page = english.get(change_url(at_district))
    assert ">Back to the list</a>" in page.text
    assert ">Close</a>" not in page.text
