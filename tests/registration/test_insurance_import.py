import datetime

import pytest
from django.core.files.base import ContentFile

from registration import services
from registration.models import (
    EmploymentRegistration,
    InsuranceImport,
    UnemploymentRegistration,
)
from tests import factories

HEADER = "id_number,uscc,start_date,end_date,insurance_type\n"


def run_import(text: str, by, encoding="utf-8") -> InsuranceImport:
    insurance_import = InsuranceImport(requested_by=by)
    insurance_import.file.save("enrolments.csv", ContentFile(text.encode(encoding)))
    return services.run_insurance_import(insurance_import)


@pytest.fixture
def people(foshan):
    return [
        factories.make_person(residence=foshan["chancheng_community"], name=name)
        for name in ("陈一", "林二", "黄三")
    ]


def test_enrolments_become_registrations_and_a_reimport_changes_nothing(
    people, employer, city_caseworker
):
    uscc = employer.employer.uscc
    text = HEADER + "".join(
        [
            # Two insurance types of one employment count once.
            f"{people[0].id_number},{uscc},2026-03-01,,110\n",
            f"{people[0].id_number},{uscc},2026-03-01,,310\n",
            f"{people[1].id_number},{uscc},2025-01-01,2026-06-30,110\n",
        ]
    )
    first = run_import(text, city_caseworker)
    assert first.status == "done"
    assert (first.row_count, first.registered_count, first.error_count) == (3, 2, 0)
    current = EmploymentRegistration.objects.get(person=people[0])
    assert current.source == "insurance" and current.end_date is None
    assert current.org_unit == employer.employer.org_unit
    ended = EmploymentRegistration.objects.get(person=people[1])
    assert ended.end_date == datetime.date(2026, 6, 30)

    again = run_import(text, city_caseworker)
    assert (again.registered_count, again.ended_count) == (0, 0)
    assert again.unchanged_count == 2
    assert EmploymentRegistration.objects.count() == 2


def test_an_ended_enrolment_terminates_the_registration(
    people, employer, city_caseworker
):
    registration = factories.file_hire(employer, people[0], datetime.date(2026, 2, 1))
    uscc = employer.employer.uscc
    result = run_import(
        HEADER + f"{people[0].id_number},{uscc},2026-02-01,2026-10-31,110\n",
        city_caseworker,
    )
    assert (result.registered_count, result.ended_count) == (0, 1)
    registration.refresh_from_db()
    assert registration.end_date == datetime.date(2026, 10, 31)
    assert registration.end_reason == "insurance_ended"


def test_a_new_enrolment_elsewhere_ends_the_old_job_and_the_unemployment(
    people, employer, other_employer, caseworker, city_caseworker
):
    old_job = factories.file_hire(employer, people[0], datetime.date(2025, 5, 1))
    unemployed = factories.make_unemployment(people[1], by=caseworker)
    uscc = other_employer.employer.uscc
    result = run_import(
        HEADER
        + f"{people[0].id_number},{uscc},2026-09-01,,110\n"
        + f"{people[1].id_number},{uscc},2026-10-01,,110\n",
        city_caseworker,
    )
    assert (result.registered_count, result.ended_count) == (2, 1)
    old_job.refresh_from_db()
    assert old_job.end_date == datetime.date(2026, 8, 31)
    unemployed.refresh_from_db()
    assert unemployed.status == UnemploymentRegistration.Status.CANCELLED
    assert unemployed.cancellation_reason.code == "employment_registered"


def test_bad_rows_are_reported_by_line_and_good_rows_still_count(
    people, employer, city_caseworker
):
    uscc = employer.employer.uscc
    lines = [
        f"{people[0].id_number},{uscc},2026-03-01,,110",  # line 2: fine
        f"{people[1].id_number},{uscc},2026-02-30,,110",  # 3: no such date
        f"{people[2].id_number},{uscc},2026-03-01",  # 4: columns missing
        f"440604199001011230,{uscc},2026-03-01,,110",  # 5: wrong check digit
        f"{people[2].id_number},91440604MA00000000,2026-03-01,,110",  # 6: employer
        f"{people[2].id_number},{uscc},2026-03-01,,999",  # 7: insurance type
        f"{people[2].id_number},{uscc},2026-05-01,2026-04-01,110",  # 8: order
    ]
    result = run_import(HEADER + "\n".join(lines) + "\n", city_caseworker)
    assert result.status == "done"
    assert result.registered_count == 1
    problems = {row["line"]: row["problem"] for row in result.errors}
    assert problems == {
        3: "start_date",
        4: "columns",
        5: "id_number",
        6: "employer",
        7: "insurance_type",
        8: "end_before_start",
    }
    assert "2026-02-30" in result.problem_rows()[0]["text"]


def test_overlapping_enrolments_of_one_person_are_refused_not_half_written(
    people, employer, other_employer, city_caseworker
):
    text = (
        HEADER
        + f"{people[0].id_number},{employer.employer.uscc},2026-01-01,2026-12-31,110\n"
        + f"{people[0].id_number},{other_employer.employer.uscc},2026-06-01,"
        "2026-08-31,110\n"
    )
    result = run_import(text, city_caseworker)
    assert result.registered_count == 1
    assert [row["problem"] for row in result.errors] == ["overlap"]
    assert EmploymentRegistration.objects.filter(person=people[0]).count() == 1


def test_a_file_with_the_wrong_header_changes_nothing(
    people, employer, city_caseworker
):
    text = (
        "name,id\n"
        + f"{people[0].id_number},{employer.employer.uscc},2026-03-01,,110\n"
    )
    result = run_import(text, city_caseworker)
    assert result.status == "failed"
    assert "id_number" in result.failure
    assert not EmploymentRegistration.objects.exists()


def test_gb18030_files_with_chinese_headers_are_read(people, employer, city_caseworker):
    text = (
        "身份证号码,统一社会信用代码,参保开始日期,参保终止日期,险种\r\n"
        f"{people[0].id_number},{employer.employer.uscc},2026-03-01,,110\r\n"
    )
    result = run_import(text, city_caseworker, encoding="gb18030")
    assert (result.status, result.registered_count) == ("done", 1)


def test_a_task_delivered_twice_imports_once(people, employer, city_caseworker):
    text = HEADER + f"{people[0].id_number},{employer.employer.uscc},2026-03-01,,110\n"
    result = run_import(text, city_caseworker)
    services.run_insurance_import(result)
    result.refresh_from_db()
    assert result.registered_count == 1
    assert EmploymentRegistration.objects.count() == 1


def test_files_in_the_inbox_are_imported_and_moved(
    people, employer, settings, tmp_path
):
    settings.INSURANCE_INBOX = tmp_path
    (tmp_path / "2026-11-22.csv").write_text(
        HEADER + f"{people[0].id_number},{employer.employer.uscc},2026-03-01,,110\n"
    )
    [result] = services.import_inbox_files()
    assert (result.status, result.registered_count) == ("done", 1)
    assert not list(tmp_path.glob("*.csv"))
    assert len(list((tmp_path / "done").glob("*2026-11-22.csv"))) == 1
    assert services.import_inbox_files() == []


def test_an_enrolment_overlapping_a_closed_period_on_file_is_refused(
    people, employer, other_employer, city_caseworker
):
    earlier = factories.file_hire(employer, people[0], datetime.date(2025, 1, 1))
    services.end_employment(
        earlier, by=employer, end_date=datetime.date(2025, 12, 31), reason="expired"
    )
    text = (
        HEADER
        + f"{people[0].id_number},{other_employer.employer.uscc},2025-06-01,,110\n"
    )
    result = run_import(text, city_caseworker)
    assert (result.registered_count, result.error_count) == (0, 1)
    assert result.errors[0]["problem"] == "overlap"
    earlier.refresh_from_db()
    assert earlier.end_date == datetime.date(2025, 12, 31)


def test_refused_rows_keep_id_numbers_masked(people, city_caseworker):
    result = run_import(
        HEADER + f"{people[0].id_number},91440604MA00000000,2026-03-01,,110\n",
        city_caseworker,
    )
    assert people[0].id_number not in result.errors[0]["text"]
    assert people[0].masked_id_number in result.errors[0]["text"]
