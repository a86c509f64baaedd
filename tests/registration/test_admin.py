import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from registration.models import (
    CancellationReason,
    DifficultyRecognition,
    EmploymentRegistration,
    InsuranceImport,
    LocalRules,
    UnemploymentRegistration,
)
from tests import factories

CHANGELIST = "admin:registration_unemploymentregistration_changelist"


def test_caseworkers_see_only_their_area(
    client, seeker, other_seeker, caseworker, outsider_caseworker
):
    mine = factories.make_unemployment(seeker.person, by=seeker, register=False)
    factories.make_unemployment(other_seeker.person, by=other_seeker, register=False)
    client.force_login(caseworker)
    listing = client.get(reverse(CHANGELIST))
    assert seeker.person.masked_id_number in listing.text
    assert other_seeker.person.masked_id_number not in listing.text
    # Acting on a registration outside the area does nothing.
    client.force_login(outsider_caseworker)
    client.post(
        reverse(CHANGELIST),
        {"action": "accept_selected", "_selected_action": [mine.pk]},
    )
    mine.refresh_from_db()
    assert mine.status == "submitted"


def test_caseworker_registers_returns_and_cancels(
    client, seeker, other_seeker, caseworker, outsider_caseworker
):
    registration = factories.make_unemployment(seeker.person, by=seeker, register=False)
    client.force_login(caseworker)
    url = reverse(CHANGELIST)
    selection = {"action": "return_selected", "_selected_action": [registration.pk]}
    assert client.post(url, selection).status_code == 200  # asks for the reason
    client.post(url, {**selection, "reason": "请补充身份证复印件"})
    registration.refresh_from_db()
    assert registration.status == "returned"

    registration.status = "submitted"
    registration.save(update_fields=["status"])
    client.post(
        url, {"action": "accept_selected", "_selected_action": [registration.pk]}
    )
    registration.refresh_from_db()
    assert registration.status == "registered"

    reason = CancellationReason.objects.get(code="school_army_emigration")
    selection = {"action": "cancel_selected", "_selected_action": [registration.pk]}
    client.post(url, {**selection, "reason": reason.pk, "note": "参军"})
    registration.refresh_from_db()
    assert (registration.status, registration.cancellation_reason) == (
        "cancelled",
        reason,
    )


def test_search_by_masked_id_number(client, seeker, caseworker):
    factories.make_unemployment(seeker.person, by=caseworker)
    client.force_login(caseworker)
    response = client.get(reverse(CHANGELIST), {"q": seeker.person.masked_id_number})
    assert seeker.person.name in response.text
    assert seeker.person.id_number not in response.text


def test_counter_registration_through_the_admin(client, caseworker, foshan):
    person = factories.make_person(residence=foshan["chancheng_community"])
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:registration_unemploymentregistration_add"),
        {
            "person": person.pk,
            "cause": "lost_job",
            "unemployed_since": "2026-10-01",
            "job_wishes": "保安",
        },
    )
    assert response.status_code == 302
    registration = UnemploymentRegistration.objects.get(person=person)
    assert (registration.status, registration.channel) == ("registered", "counter")


def test_counter_form_shows_why_someone_cannot_register(
    client, caseworker, employer, foshan
):
    person = factories.make_person(residence=foshan["chancheng_community"])
    factories.file_hire(employer, person, datetime.date(2026, 1, 1))
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:registration_unemploymentregistration_add"),
        {
            "person": person.pk,
            "cause": "lost_job",
            "unemployed_since": "2026-10-01",
            "job_wishes": "保安",
        },
    )
    assert response.status_code == 200
    assert employer.employer.name in response.text
    assert not UnemploymentRegistration.objects.exists()


def test_export_to_xlsx_keeps_id_numbers_masked(client, seeker, caseworker):
    registration = factories.make_unemployment(seeker.person, by=caseworker)
    client.force_login(caseworker)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_selected", "_selected_action": [registration.pk]},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == seeker.person.name
    assert rows[1][1] == seeker.person.masked_id_number


def test_leader_cannot_act(client, seeker, leader):
    registration = factories.make_unemployment(seeker.person, by=seeker, register=False)
    client.force_login(leader)
    client.post(
        reverse(CHANGELIST),
        {"action": "accept_selected", "_selected_action": [registration.pk]},
    )
    registration.refresh_from_db()
    assert registration.status == "submitted"


def test_recognition_actions_in_the_admin(client, seeker, foshan, caseworker):
    from portal.models import DifficultyCategory
    from registration import services

    recognition = services.apply_for_recognition(
        DifficultyRecognition(
            person=seeker.person,
            category=DifficultyCategory.objects.get(code="disabled"),
            statement="持残疾证",
        ),
        by=seeker,
    )
    street = factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])
    client.force_login(street)
    url = reverse("admin:registration_difficultyrecognition_changelist")
    client.post(
        url, {"action": "start_notice_selected", "_selected_action": [recognition.pk]}
    )
    recognition.refresh_from_db()
    assert recognition.status == "on_notice"


def test_insurance_import_runs_as_a_task_from_the_admin(
    client, city_caseworker, employer, foshan, django_capture_on_commit_callbacks
):
    person = factories.make_person(residence=foshan["chancheng_community"])
    text = (
        "id_number,uscc,start_date,end_date,insurance_type\n"
        f"{person.id_number},{employer.employer.uscc},2026-03-01,,110\n"
    )
    client.force_login(city_caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:registration_insuranceimport_add"),
            {"file": SimpleUploadedFile("enrolments.csv", text.encode())},
        )
    assert response.status_code == 302
    insurance_import = InsuranceImport.objects.get()
    assert insurance_import.status == "done"
    assert insurance_import.requested_by == city_caseworker
    assert EmploymentRegistration.objects.filter(person=person).exists()
    page = client.get(
        reverse("admin:registration_insuranceimport_change", args=[insurance_import.pk])
    )
    assert "100%" in page.text


def test_only_city_staff_change_the_local_rules(client, caseworker, city_caseworker):
    rules = LocalRules.current()
    url = reverse("admin:registration_localrules_change", args=[rules.pk])
    client.force_login(caseworker)
    client.post(url, {**_rules_form(rules), "notice_days": 9})
    assert LocalRules.current().notice_days == 5
    client.force_login(city_caseworker)
    client.post(url, {**_rules_form(rules), "notice_days": 7})
    assert LocalRules.current().notice_days == 7


def _rules_form(rules):
    return {
        "hire_filing_days": rules.hire_filing_days,
        "separation_filing_days": rules.separation_filing_days,
        "self_filing_days": rules.self_filing_days,
        "no_contact_months": rules.no_contact_months,
        "notice_days": rules.notice_days,
    }


def test_only_city_staff_import_insurance_records(client, caseworker):
    client.force_login(caseworker)
    url = reverse("admin:registration_insuranceimport_add")
    assert client.get(url).status_code == 403


def test_counter_registration_is_limited_to_the_caseworkers_area(
    client, caseworker, foshan
):
    outsider = factories.make_person(residence=foshan["nanhai_community"])
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:registration_unemploymentregistration_add"),
        {
            "person": outsider.pk,
            "cause": "lost_job",
            "unemployed_since": "2026-10-01",
            "job_wishes": "保安",
        },
    )
    assert response.status_code == 200
    assert not UnemploymentRegistration.objects.exists()
