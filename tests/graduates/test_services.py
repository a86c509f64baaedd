import datetime

import pytest
from django.db import IntegrityError, transaction

from graduates import services
from graduates.models import Graduate, Leaver, ReceivingApplication
from graduates.queries import flows, leaver_rates, referral_suggestions
from graduates.services import GraduateRow
from tests import factories


def test_graduate_reports_and_the_city_receives(seeker, caseworker):
    graduate = factories.make_graduate(
        seeker.person, destination="contract", employer_name="某公司"
    )
    assert graduate.report_status == "submitted"
    assert graduate.org_unit == seeker.person.residence
    services.return_report(graduate, "请补充就业单位全称", by=caseworker)
    graduate.refresh_from_db()
    assert graduate.report_status == "returned"
    assert seeker.notifications.filter(body__contains="就业单位全称").exists()
    graduate.employer_name = "佛山市某某科技有限公司"
    services.submit_report(graduate, by=seeker)
    services.receive_report(graduate, by=caseworker)
    graduate.refresh_from_db()
    assert graduate.report_status == "received"
    with pytest.raises(services.GraduateError):
        services.submit_report(graduate, by=seeker)


def test_one_report_per_person_and_graduation_year(seeker):
    factories.make_graduate(seeker.person)
    with pytest.raises(services.GraduateError):
        factories.make_graduate(seeker.person)
    factories.make_graduate(seeker.person, year=2025)  # another year is fine
    duplicate = Graduate(
        person=seeker.person,
        graduation_year=2025,
        school="x",
        major="y",
        degree="bachelor",
        origin_code="440604",
        org_unit=seeker.person.residence,
        source="report",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_employer_receiving_application_is_decided(seeker, employer, caseworker):
    graduate = factories.make_graduate(seeker.person, destination="contract",
                                       employer_name="x")  # fmt: skip
    application = services.apply_to_receive(
        employer=employer.employer,
        by=employer,
        name=seeker.person.name,
        id_number=seeker.person.id_number,
        graduation_year=2026,
        kind="archive",
        reason="已签订劳动合同",
    )
    with pytest.raises(services.GraduateError):  # one pending at a time
        services.apply_to_receive(
            employer=employer.employer,
            by=employer,
            name=seeker.person.name,
            id_number=seeker.person.id_number,
            graduation_year=2026,
            kind="hukou",
            reason="again",
        )
    services.approve_receiving(application, by=caseworker)
    application.refresh_from_db()
    assert application.status == ReceivingApplication.Status.APPROVED
    assert employer.notifications.exists()
    assert graduate.receiving_applications.count() == 1


def test_receiving_needs_a_known_graduate_with_the_right_name(seeker, employer):
    factories.make_graduate(seeker.person)
    with pytest.raises(services.GraduateError):
        services.apply_to_receive(
            employer=employer.employer,
            by=employer,
            name="别人",
            id_number=seeker.person.id_number,
            graduation_year=2026,
            kind="archive",
            reason="x",
        )


def test_leaver_follow_up_plan_and_rates(seeker, caseworker, employer, foshan):
    graduate = factories.make_graduate(seeker.person)
    leaver = services.register_leaver(
        graduate,
        by=seeker,
        job_wishes="机械设计",
        service_needs=["guidance", "referral"],
    )
    with pytest.raises(services.GraduateError):
        services.register_leaver(graduate, by=seeker, job_wishes="x", service_needs=[])
    posting = factories.make_posting(employer.employer, title="机械设计工程师")
    services.log_contact(
        leaver,
        by=caseworker,
        contacted_on=datetime.date.today(),
        channel="phone",
        services=["referral"],
        postings=[posting],
    )
    plan = {item["code"]: item["done_on"] for item in leaver.plan()}
    assert plan == {"guidance": None, "referral": datetime.date.today()}
    rates = leaver_rates(2026, foshan["chancheng"])
    assert (rates["registered"], rates["contacted"], rates["employed"]) == (1, 1, 0)
    assert rates["contact_rate"] == 100 and rates["contact_met"]
    assert not rates["employment_met"]
    factories.file_hire(employer, seeker.person, datetime.date.today())
    assert leaver_rates(2026, foshan["chancheng"])["employed"] == 1
    assert leaver_rates(2026, foshan["nanhai"])["registered"] == 0


def test_a_graduate_with_a_job_cannot_register_as_leaver(seeker):
    graduate = factories.make_graduate(
        seeker.person, destination="contract", employer_name="某公司"
    )
    with pytest.raises(services.GraduateError):
        services.register_leaver(graduate, by=seeker, job_wishes="x", service_needs=[])


def test_referral_suggestions_come_from_wishes_without_a_resume(seeker, employer):
    leaver = services.register_leaver(
        factories.make_graduate(seeker.person),
        by=seeker,
        job_wishes="数控",
        service_needs=[],
    )
    wanted = factories.make_posting(employer.employer, title="数控车床操作工")
    factories.make_posting(employer.employer, title="会计")
    assert list(referral_suggestions(leaver)) == [wanted]


def rows(*specs):
    return [GraduateRow(line=index + 2, **spec) for index, spec in enumerate(specs)]


def test_import_is_idempotent_and_keeps_own_reports(seeker, city_caseworker):
    factories.make_graduate(
        seeker.person, school="自己报告的学校", destination="contract",
        employer_name="某公司",
    )  # fmt: skip
    newcomer = factories.id_number(birth="20040506")
    listing = rows(
        {"name": "王小明", "id_number": newcomer, "graduation_year": 2026,
         "school": "佛山大学", "major": "会计学", "degree": "bachelor",
         "origin_code": "440605", "destination": "seeking"},
        {"name": seeker.person.name, "id_number": seeker.person.id_number,
         "graduation_year": 2026, "school": "名单上的学校", "major": "x",
         "degree": "college", "origin_code": "440604", "destination": "seeking"},
        {"name": "对不上", "id_number": seeker.person.id_number,
         "graduation_year": 2025, "school": "s", "major": "m", "degree": "master",
         "origin_code": "440604", "destination": ""},
    )  # fmt: skip
    first = services.import_graduates(listing, by=city_caseworker)
    assert (first["created"], first["unchanged"], first["leavers"]) == (1, 1, 1)
    assert list(first["refused"]) == [4]
    imported = Graduate.objects.get(person__id_number=newcomer)
    assert (
        imported.org_unit == Graduate.objects.get(person__id_number=newcomer).org_unit
    )  # served by 南海区 (home region 440605)
    assert imported.org_unit.code.startswith("440605")
    assert Leaver.objects.filter(graduate=imported).exists()
    assert Graduate.objects.get(person=seeker.person).school == "自己报告的学校"

    again = services.import_graduates(listing, by=city_caseworker)
    assert (again["created"], again["updated"], again["leavers"]) == (0, 0, 0)
    assert Graduate.objects.count() == 2


def test_flows_by_destination_and_origin(foshan, city_caseworker):
    listing = rows(*[
        {"name": f"毕业生{i}", "id_number": factories.id_number(birth="20040101"),
         "graduation_year": 2026, "school": "佛山大学", "major": "会计学",
         "degree": "bachelor", "origin_code": "440604" if i < 3 else "430102",
         "destination": "seeking" if i % 2 else "further_study"}
        for i in range(4)
    ])  # fmt: skip
    services.import_graduates(listing, by=city_caseworker)
    by_origin = {
        row["label"]: row["count"] for row in flows(2026, foshan["city"], "origin")
    }
    assert set(by_origin.values()) == {3, 1}
    groups = {
        row["label"]: row["count"] for row in flows(2026, foshan["city"], "group")
    }
    assert groups == {"升学": 2, "未就业": 2}
    by_destination = flows(2026, foshan["city"], "destination")
    assert sum(row["count"] for row in by_destination) == 4
    assert sum(row["share"] for row in by_destination) == 100


def test_referrals_use_the_words_of_wishes_and_major(seeker, employer):
    graduate = factories.make_graduate(seeker.person, major="会计学")
    leaver = services.register_leaver(
        graduate, by=seeker, job_wishes="行政文员或技术支持，禅城区", service_needs=[]
    )
    clerk = factories.make_posting(employer.employer, title="行政文员")
    accountant = factories.make_posting(employer.employer, title="出纳会计")
    factories.make_posting(employer.employer, title="叉车司机")
    assert set(referral_suggestions(leaver)) == {clerk, accountant}


def test_rates_count_each_graduate_once_whatever_the_contacts(
    seeker, caseworker, foshan
):
    leaver = services.register_leaver(
        factories.make_graduate(seeker.person), by=seeker, job_wishes="x",
        service_needs=[],
    )  # fmt: skip
    for _ in range(3):
        services.log_contact(
            leaver, by=caseworker, contacted_on=datetime.date.today(), channel="phone",
            services=[],
        )  # fmt: skip
    rates = leaver_rates(2026, foshan["chancheng"])
    assert (rates["registered"], rates["contacted"]) == (1, 1)


def test_a_graduates_own_correction_survives_later_imports(seeker, city_caseworker):
    listing = rows(
        {"name": seeker.person.name, "id_number": seeker.person.id_number,
         "graduation_year": 2026, "school": "名单上的学校", "major": "x",
         "degree": "college", "origin_code": "440604", "destination": ""},
    )  # fmt: skip
    services.import_graduates(listing, by=city_caseworker)
    graduate = Graduate.objects.get(person=seeker.person)
    graduate.school = "本人更正的学校"
    graduate.destination = "further_study"
    services.submit_report(graduate, by=seeker)
    services.import_graduates(listing, by=city_caseworker)
    graduate.refresh_from_db()
    assert graduate.school == "本人更正的学校"
