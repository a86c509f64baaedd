import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from openpyxl import Workbook

from portal.models import DifficultyCategory
from registration import services
from registration.models import (
    DifficultyRecognition,
    EmploymentCertificate,
    EmploymentRegistration,
    UnemploymentRegistration,
)
from tests import factories


def test_seeker_applies_online_and_follows_progress(client, seeker):
    client.force_login(seeker)
    home = client.get(reverse("registration:registration_home"))
    assert "申请失业登记" in home.text
    response = client.post(
        reverse("registration:unemployment_apply"),
        {
            "cause": "lost_job",
            "unemployed_since": "2026-09-01",
            "job_wishes": "仓库管理",
        },
    )
    registration = UnemploymentRegistration.objects.get(person=seeker.person)
    assert response.url == registration.get_absolute_url()
    detail = client.get(response.url)
    assert "待审核" in detail.text


def test_an_invalid_application_re_renders_with_messages(client, seeker):
    client.force_login(seeker)
    response = client.post(
        reverse("registration:unemployment_apply"),
        {"cause": "lost_job", "unemployed_since": "2099-01-01"},
    )
    assert response.status_code == 200
    assert "不能晚于今天" in response.text
    assert not UnemploymentRegistration.objects.exists()


def test_ineligible_seeker_sees_the_reasons(client, seeker, employer):
    factories.file_hire(employer, seeker.person, datetime.date(2026, 1, 5))
    client.force_login(seeker)
    response = client.get(reverse("registration:unemployment_apply"))
    assert employer.employer.name in response.text
    assert '<form method="post" class="form"' not in response.text


def test_after_a_separation_dated_today_the_page_says_from_which_day_to_register(
    client, english, seeker, employer
):
    job = factories.file_hire(employer, seeker.person, datetime.date(2026, 1, 5))
    today = timezone.localdate()
    client.force_login(employer)
    client.post(
        reverse("registration:separation_file"),
        {"registrations": [job.pk], "end_date": today, "end_reason": "resigned"},
    )
    client.force_login(seeker)
    home = client.get(reverse("registration:registration_home")).text
    assert "The employment must end first" not in home
    tomorrow = today + datetime.timedelta(days=1)
    with translation.override("en"):
        assert f"register as unemployed from {date_format(tomorrow)}" in home
    with time_machine.travel(tomorrow):
        home = client.get(reverse("registration:registration_home")).text
        assert reverse("registration:unemployment_apply") in home
        form = client.get(reverse("registration:unemployment_apply"))
    assert form.context["form"]["unemployed_since"].value() == tomorrow


def test_the_unemployment_page_calls_its_date_the_submission_date(client, seeker):
    registration = factories.make_unemployment(seeker.person, by=seeker, register=False)
    client.force_login(seeker)
    page = client.get(registration.get_absolute_url()).text
    assert "提交日期" in page and "已投递" not in page


def test_seeker_cannot_open_another_persons_registration(
    client, seeker, other_seeker, caseworker
):
    registration = factories.make_unemployment(other_seeker.person, by=caseworker)
    client.force_login(seeker)
    response = client.get(registration.get_absolute_url())
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["employer", "caseworker"])
def test_registration_pages_are_for_seekers(client, foshan, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("registration:registration_home")).status_code == 403


def test_withdraw_rejects_get(client, seeker):
    registration = factories.make_unemployment(seeker.person, by=seeker, register=False)
    client.force_login(seeker)
    url = reverse("registration:unemployment_withdraw", args=[registration.code])
    assert client.get(url).status_code == 405
    client.post(url)
    registration.refresh_from_db()
    assert registration.status == "withdrawn"


def test_registered_person_confirms_still_looking(client, seeker, caseworker):
    registration = factories.make_unemployment(seeker.person, by=caseworker)
    client.force_login(seeker)
    url = reverse("registration:unemployment_still_looking", args=[registration.code])
    client.post(url)
    assert client.get(registration.get_absolute_url()).status_code == 200


def test_certificate_page_pdf_and_public_verification(client, seeker, caseworker):
    factories.make_unemployment(seeker.person, by=caseworker)
    certificate = EmploymentCertificate.objects.get(person=seeker.person)
    client.force_login(seeker)
    page = client.get(reverse("registration:certificate_detail"))
    assert certificate.number in page.text
    pdf = client.get(reverse("registration:certificate_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    client.logout()
    public = client.get(
        reverse("registration:certificate_verify", args=[certificate.code])
    )
    person = seeker.person
    assert certificate.number in public.text
    assert person.masked_name in public.text
    # Nothing beyond what confirms the certificate: no full name, ID, phone,
    # address, or what the certificate records.
    for secret in [person.name, person.id_number, person.phone, "失业"]:
        assert secret not in public.text
    assert person.masked_id_number in public.text


def test_unknown_certificate_code_is_404(client, db):
    url = reverse(
        "registration:certificate_verify",
        args=["00000000-0000-0000-0000-000000000000"],
    )
    assert client.get(url).status_code == 404


def test_public_notice_lists_masked_ids(client, seeker, caseworker):
    recognition = services.apply_for_recognition(
        DifficultyRecognition(
            person=seeker.person,
            category=DifficultyCategory.objects.get(code="disabled"),
            statement="持残疾证",
        ),
        by=seeker,
    )
    services.start_recognition_notice(recognition, by=caseworker)
    response = client.get(reverse("registration:recognition_notices"))
    assert seeker.person.masked_id_number in response.text
    assert seeker.person.id_number not in response.text


def on_notice(person, code, caseworker):
    recognition = services.apply_for_recognition(
        DifficultyRecognition(
            person=person,
            category=DifficultyCategory.objects.get(code=code),
            statement="可提供证明材料",
        ),
        by=person.user,
    )
    return services.start_recognition_notice(recognition, by=caseworker)


def test_public_notice_shows_masked_names_the_street_and_no_sensitive_category(
    client, seeker, other_seeker, caseworker, foshan
):
    on_notice(seeker.person, "released-prisoner", caseworker)
    on_notice(other_seeker.person, "landless-farmer", caseworker)
    page = client.get(reverse("registration:recognition_notices")).text
    assert "李*红" in page and seeker.person.name not in page
    assert "刑满释放人员" not in page
    assert "失地农民" in page  # not sensitive: named
    # The street, not the community the seeker lives in.
    assert foshan["chancheng_street"].full_name in page
    assert foshan["chancheng_community"].name not in page


def test_staff_decide_whether_a_category_is_sensitive(client, seeker, caseworker):
    on_notice(seeker.person, "landless-farmer", caseworker)
    category = DifficultyCategory.objects.get(code="landless-farmer")
    category.is_sensitive = True
    category.save()
    page = client.get(reverse("registration:recognition_notices")).text
    assert "失地农民" not in page
    assert set(
        DifficultyCategory.objects.sensitive().values_list("code", flat=True)
    ) == {
        "disabled",
        "minimum-living",
        "zero-employment-family",
        "rural-zero-transfer",
        "drug-rehabilitated",
        "released-prisoner",
        "mental-rehabilitated",
        "caring-for-ill-relative",
        "special-family-graduate",
        "landless-farmer",
    }


def test_employer_files_hires_with_the_form(client, employer, foshan):
    person = factories.make_person(residence=foshan["chancheng_community"])
    client.force_login(employer)
    data = {
        "hire-TOTAL_FORMS": "3",
        "hire-INITIAL_FORMS": "0",
        "hire-MIN_NUM_FORMS": "1",
        "hire-MAX_NUM_FORMS": "50",
        "hire-0-name": person.name,
        "hire-0-id_number": person.id_number,
        "hire-0-start_date": datetime.date.today().isoformat(),
        "hire-0-job_title": "普工",
    }
    response = client.post(reverse("registration:hire_new"), data)
    assert response.url == reverse("registration:employee_list")
    listing = client.get(response.url)
    assert person.name in listing.text
    assert person.masked_id_number in listing.text


def test_the_hire_form_says_when_the_hourly_registry_checks_are_used_up(
    client, english, settings, employer, foshan
):
    settings.HIRE_LOOKUPS_PER_HOUR = 0
    person = factories.make_person(residence=foshan["chancheng_community"])
    client.force_login(employer)
    data = {
        "hire-TOTAL_FORMS": "1",
        "hire-INITIAL_FORMS": "0",
        "hire-MIN_NUM_FORMS": "1",
        "hire-MAX_NUM_FORMS": "50",
        "hire-0-name": person.name,
        "hire-0-id_number": person.id_number,
        "hire-0-start_date": datetime.date.today().isoformat(),
    }
    response = client.post(reverse("registration:hire_new"), data)
    assert response.status_code == 200
    assert "may check 0 people against the registry per hour" in response.text
    assert not EmploymentRegistration.objects.exists()


def xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号码", "入职日期", "岗位", "劳动合同"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "hires.xlsx"
    return buffer


def test_employer_upload_with_a_bad_row_files_nothing(client, employer, foshan):
    person = factories.make_person(residence=foshan["chancheng_community"])
    client.force_login(employer)
    upload = xlsx(
        [
            [person.name, person.id_number, datetime.date.today(), "普工", ""],
            ["张三", "44060419900101123X", "2026-13-01", "", ""],
        ]
    )
    response = client.post(reverse("registration:hire_upload"), {"file": upload})
    assert response.status_code == 200
    assert "第 3 行" in response.text or "3" in response.text
    assert not EmploymentRegistration.objects.exists()

    good = xlsx(
        [
            [
                person.name,
                person.id_number,
                datetime.date.today(),
                "普工",
                "固定期限劳动合同",
            ]
        ]
    )
    response = client.post(reverse("registration:hire_upload"), {"file": good})
    assert response.url == reverse("registration:employee_list")
    assert EmploymentRegistration.objects.get().contract_term == "fixed"


def test_a_damaged_upload_is_refused_clearly(client, employer):
    client.force_login(employer)
    broken = io.BytesIO(b"PK\x03\x04 not really a workbook")
    broken.name = "hires.xlsx"
    response = client.post(reverse("registration:hire_upload"), {"file": broken})
    assert response.status_code == 200
    assert "xlsx" in response.text


def test_employer_files_separations(client, employer, foshan):
    person = factories.make_person(residence=foshan["chancheng_community"])
    registration = factories.file_hire(employer, person, datetime.date(2026, 1, 1))
    client.force_login(employer)
    response = client.post(
        reverse("registration:separation_file"),
        {
            "registrations": [registration.pk],
            "end_date": datetime.date.today().isoformat(),
            "end_reason": "resigned",
        },
    )
    assert response.url == reverse("registration:employee_list")
    registration.refresh_from_db()
    assert registration.end_reason == "resigned"


def test_employer_cannot_end_another_employers_registration(
    client, employer, other_employer, foshan
):
    person = factories.make_person(residence=foshan["chancheng_community"])
    registration = factories.file_hire(
        other_employer, person, datetime.date(2026, 1, 1)
    )
    client.force_login(employer)
    response = client.post(
        reverse("registration:separation_file"),
        {
            "registrations": [registration.pk],
            "end_date": datetime.date.today().isoformat(),
            "end_reason": "resigned",
        },
    )
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.end_date is None
    listing = client.get(reverse("registration:employee_list") + "?show=all")
    assert person.name not in listing.text


def test_employer_pages_are_for_verified_employers(client, seeker, foshan):
    unverified = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    for user in (seeker, unverified):
        client.force_login(user)
        assert client.get(reverse("registration:hire_new")).status_code == 403


def test_seeker_registers_and_ends_flexible_work(client, seeker):
    client.force_login(seeker)
    response = client.post(
        reverse("registration:self_employment_new"),
        {
            "kind": "flexible",
            "business_name": "网约车司机",
            "start_date": datetime.date.today().isoformat(),
        },
    )
    assert response.url == reverse("registration:registration_home")
    registration = EmploymentRegistration.objects.get(person=seeker.person)
    url = reverse("registration:employment_end", args=[registration.code])
    client.post(
        url, {"end_date": datetime.date.today().isoformat(), "end_reason": "other"}
    )
    registration.refresh_from_db()
    assert registration.end_date == datetime.date.today()


def test_seeker_cannot_end_an_employers_filing(client, seeker, employer):
    registration = factories.file_hire(
        employer, seeker.person, datetime.date(2026, 1, 1)
    )
    client.force_login(seeker)
    url = reverse("registration:employment_end", args=[registration.code])
    client.post(url, {"end_date": "2026-11-01", "end_reason": "resigned"})
    registration.refresh_from_db()
    assert registration.end_date is None


def test_employee_list_stays_within_its_query_budget(
    client, employer, foshan, django_assert_max_num_queries
):
    for index in range(15):
        person = factories.make_person(
            residence=foshan["chancheng_community"], name=f"职工{index}"
        )
        factories.file_hire(employer, person, datetime.date(2026, 1, 1))
    client.force_login(employer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registration:employee_list"))
    assert response.text.count("职工") >= 15


def test_registration_home_stays_within_its_query_budget(
    client, seeker, employer, caseworker, django_assert_max_num_queries
):
    factories.file_hire(employer, seeker.person, datetime.date(2025, 1, 1))
    client.force_login(seeker)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("registration:registration_home")).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "registration:self_employment_new",
        "registration:recognition_apply",
        "registration:certificate_detail",
        "registration:unemployment_apply",
    ],
)
def test_seeker_pages_refuse_employers(client, employer, name):
    client.force_login(employer)
    assert client.get(reverse(name)).status_code == 403


def test_a_seeker_without_a_certificate_gets_not_found(client, seeker):
    client.force_login(seeker)
    assert client.get(reverse("registration:certificate_pdf")).status_code == 404
