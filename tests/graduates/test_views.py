import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from graduates.models import Graduate, Leaver
from tests import factories


def test_graduate_reports_online_and_registers_for_follow_up(client, seeker):
    client.force_login(seeker)
    form = client.get(reverse("graduates:graduate_report"))
    assert seeker.person.id_number[:6] in form.text  # home region pre-filled
    response = client.post(
        reverse("graduates:graduate_report"),
        {
            "graduation_year": 2026,
            "school": "佛山大学",
            "major": "会计学",
            "degree": "bachelor",
            "origin_code": "440604",
            "destination": "seeking",
            "archive_transfer": "talent_centre",
        },
    )
    graduate = Graduate.objects.get(person=seeker.person)
    assert response.url == graduate.get_absolute_url()
    client.post(
        reverse("graduates:leaver_register", args=[graduate.code]),
        {"job_wishes": "会计", "service_needs": ["guidance", "internship"]},
    )
    assert Leaver.objects.get(graduate=graduate).service_needs == [
        "guidance",
        "internship",
    ]
    page = client.get(graduate.get_absolute_url())
    assert "职业指导" in page.text


def test_report_form_asks_for_the_employer_of_a_contract(client, seeker):
    client.force_login(seeker)
    response = client.post(
        reverse("graduates:graduate_report"),
        {
            "graduation_year": 2026,
            "school": "佛山大学",
            "major": "会计学",
            "degree": "bachelor",
            "origin_code": "44060",
            "destination": "contract",
            "archive_transfer": "none",
        },
    )
    assert response.status_code == 200
    assert not Graduate.objects.exists()


def test_seeker_cannot_open_another_graduates_page(client, seeker, other_seeker):
    graduate = factories.make_graduate(other_seeker.person)
    client.force_login(seeker)
    assert client.get(graduate.get_absolute_url()).status_code == 404


def test_employer_applies_to_receive_a_graduate(client, employer, seeker):
    factories.make_graduate(seeker.person, destination="contract", employer_name="x")
    client.force_login(employer)
    response = client.post(
        reverse("graduates:receiving_list"),
        {
            "name": seeker.person.name,
            "id_number": seeker.person.id_number,
            "graduation_year": 2026,
            "kind": "both",
            "reason": "已录用",
        },
    )
    assert response.url == reverse("graduates:receiving_list")
    assert seeker.person.masked_id_number in client.get(response.url).text


def test_flows_page_is_for_staff_and_scoped(
    client, seeker, other_seeker, caseworker, leader
):
    factories.make_graduate(seeker.person)
    factories.make_graduate(other_seeker.person)
    client.force_login(caseworker)  # 禅城区
    page = client.get(reverse("graduates:graduate_flows"), {"year": 2026})
    assert "1 名毕业生" in page.text or ">1<" in page.text
    client.force_login(leader)
    assert client.get(reverse("graduates:graduate_flows")).status_code == 200
    client.force_login(seeker)
    assert client.get(reverse("graduates:graduate_flows")).status_code == 403


@pytest.mark.parametrize("year", ["0", "1999", "-1", "2" + "0" * 19, "²", "２０２６"])
def test_flows_page_shows_this_year_for_a_year_it_does_not_record(
    client, caseworker, year
):
    client.force_login(caseworker)
    page = client.get(reverse("graduates:graduate_flows"), {"year": year})
    assert page.status_code == 200
    assert page.context["year"] == timezone.localdate().year


def test_flows_page_shows_a_year_from_2000_to_next_year(client, caseworker):
    client.force_login(caseworker)
    next_year = timezone.localdate().year + 1
    for year in (2000, next_year):
        page = client.get(reverse("graduates:graduate_flows"), {"year": year})
        assert page.context["year"] == year


def test_admin_import_reports_bad_rows(client, city_caseworker):
    client.force_login(city_caseworker)
    text = (
        "姓名,身份证号码,毕业年份,学校,专业,学历,生源地代码,毕业去向\n"
        f"王小明,{factories.id_number(birth='20040506')},2026,佛山大学,会计学,本科,440605,待就业\n"
        "李四,123,2026,佛山大学,会计学,本科,440605,待就业\n"
    )
    response = client.post(
        reverse("admin:graduates_graduate_import"),
        {"file": SimpleUploadedFile("list.csv", text.encode("gb18030"))},
    )
    assert response.status_code == 200
    assert Graduate.objects.count() == 1
    assert "3" in response.text and Leaver.objects.count() == 1


def test_admin_import_reports_a_year_in_other_digits_as_a_bad_row(
    client, city_caseworker
):
    client.force_login(city_caseworker)
    text = (
        "姓名,身份证号码,毕业年份,学校,专业,学历,生源地代码,毕业去向\n"
        f"王小明,{factories.id_number(birth='20040506')},²,佛山大学,会计学,本科,440605,\n"
    )
    response = client.post(
        reverse("admin:graduates_graduate_import"),
        {"file": SimpleUploadedFile("list.csv", text.encode("gb18030"))},
    )
    assert response.status_code == 200
    assert "毕业年份无效" in response.text
    assert not Graduate.objects.exists()


def test_caseworker_logs_a_contact_with_referrals(client, caseworker, seeker, employer):
    graduate = factories.make_graduate(seeker.person)
    from graduates import services

    leaver = services.register_leaver(
        graduate, by=seeker, job_wishes="数控", service_needs=["referral"]
    )
    posting = factories.make_posting(employer.employer, title="数控车床操作工")
    client.force_login(caseworker)
    url = reverse("admin:graduates_leaver_contact", args=[leaver.pk])
    assert "数控车床操作工" in client.get(url).text
    client.post(
        url,
        {
            "contacted_on": "2026-11-20",
            "channel": "phone",
            "services": ["referral"],
            "referred_postings": [posting.pk],
        },
    )
    assert leaver.contacts.get().referred_postings.get() == posting


def test_the_contact_form_shows_the_number_to_call_to_staff_who_may_see_it(
    client, caseworker, seeker
):
    from django.contrib.auth.models import Permission

    from graduates import services
    from portal.models import AuditEntry

    leaver = services.register_leaver(
        factories.make_graduate(seeker.person), by=seeker, job_wishes="x",
        service_needs=[],
    )  # fmt: skip
    phone = seeker.person.phone
    url = reverse("admin:graduates_leaver_contact", args=[leaver.pk])
    client.force_login(caseworker)
    assert f'href="tel:{phone}"' in client.get(url).text
    assert AuditEntry.objects.filter(
        action="portal.person.identity_viewed", actor=caseworker
    ).exists()
    # Follow-up rights without the right to see phones: the number stays masked.
    limited = factories.make_staff("caseworker", org_unit=caseworker.org_unit)
    limited.groups.clear()
    limited.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_leaver", "follow_up_leaver", "view_contact"]
        )
    )
    client.force_login(limited)
    page = client.get(url).text
    assert phone not in page and seeker.person.masked_phone in page


def test_outsider_caseworker_cannot_log_contacts(client, outsider_caseworker, seeker):
    from graduates import services

    leaver = services.register_leaver(
        factories.make_graduate(seeker.person), by=seeker, job_wishes="x",
        service_needs=[],
    )  # fmt: skip
    client.force_login(outsider_caseworker)
    url = reverse("admin:graduates_leaver_contact", args=[leaver.pk])
    assert client.get(url).status_code == 404


def test_export_of_graduates(client, caseworker, seeker):
    graduate = factories.make_graduate(seeker.person)
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:graduates_graduate_changelist"),
        {"action": "export_selected", "_selected_action": [graduate.pk]},
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.iter_rows(values_only=True))[1][0] == seeker.person.name


def test_graduate_says_they_found_work(client, seeker):
    from graduates import services

    graduate = factories.make_graduate(seeker.person)
    leaver = services.register_leaver(
        graduate, by=seeker, job_wishes="x", service_needs=[]
    )
    client.force_login(seeker)
    url = reverse("graduates:leaver_found_work", args=[graduate.code])
    assert client.get(url).status_code == 405
    client.post(url)
    leaver.refresh_from_db()
    assert leaver.status == "employed"


def test_talent_centre_files_a_receiving_application(client, city_caseworker, seeker):
    factories.make_graduate(seeker.person)
    client.force_login(city_caseworker)
    url = reverse("admin:graduates_receiving_talent_centre")
    data = {
        "name": seeker.person.name,
        "id_number": seeker.person.id_number,
        "graduation_year": 2026,
        "kind": "archive",
        "reason": "人才引进，档案存放人才中心",
    }
    assert client.post(url, {**data, "name": "别人"}).status_code == 200
    client.post(url, data)
    from graduates.models import ReceivingApplication

    application = ReceivingApplication.objects.get()
    assert application.employer is None and application.receiver == "市人才服务中心"
