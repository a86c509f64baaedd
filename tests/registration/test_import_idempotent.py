"""Importing a file again changes nothing, also when its lines supersede each
other: the first import already reads the file as each person's history."""

import datetime
import random

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
D = datetime.date


def run_import(text: str, by) -> InsuranceImport:
    insurance_import = InsuranceImport(requested_by=by)
    insurance_import.file.save("enrolments.csv", ContentFile(text.encode()))
    return services.run_insurance_import(insurance_import)


def register(people) -> list[dict]:
    return list(
        EmploymentRegistration.objects.filter(person__in=people)
        .order_by("person_id", "start_date", "employer_id")
        .values(
            "id",
            "person_id",
            "employer_id",
            "kind",
            "source",
            "start_date",
            "end_date",
            "end_reason",
            "ended_at",
            "ended_by_id",
            "updated_at",
        )
    )


def unemployment(people) -> list[dict]:
    return list(
        UnemploymentRegistration.objects.filter(person__in=people)
        .order_by("pk")
        .values("pk", "status", "cancelled_on", "cancellation_reason_id")
    )


def outcome(result: InsuranceImport) -> dict:
    return {
        name: getattr(result, name)
        for name in ("status", "row_count", "error_count", "errors")
    }


def periods(person) -> list[tuple]:
    return list(
        EmploymentRegistration.objects.filter(person=person)
        .order_by("start_date")
        .values_list("employer__uscc", "start_date", "end_date", "end_reason")
    )


@pytest.fixture
def third_employer(foshan):
    return factories.make_employer_user(org_unit=foshan["chancheng_street"])


@pytest.fixture
def people(foshan):
    return [
        factories.make_person(residence=foshan["chancheng_community"], name=f"参保{i}")
        for i in range(13)
    ]


def test_a_file_whose_lines_supersede_each_other_imports_the_same_twice(
    people, employer, other_employer, third_employer, caseworker, city_caseworker
):
    e1, e2, e3 = (u.employer.uscc for u in (employer, other_employer, third_employer))
    p = [person.id_number for person in people]
    # On file before the import: hand-filed hires, still open.
    for i, start in ((5, D(2025, 1, 1)), (6, D(2024, 1, 1)), (7, D(2024, 1, 1))):
        factories.file_hire(employer, people[i], start)
    factories.file_hire(employer, people[8], D(2024, 1, 1))
    factories.file_hire(employer, people[12], D(2024, 1, 1))
    closed = factories.file_hire(third_employer, people[11], D(2024, 7, 1))
    services.end_employment(
        closed, end_date=D(2024, 8, 31), reason="expired", by=third_employer
    )
    unemployed = factories.make_unemployment(people[9], by=caseworker)
    still_unemployed = factories.make_unemployment(people[11], by=caseworker)
    lines = [
        # The reported case: a new job elsewhere ends the first one in the file.
        f"{p[0]},{e1},2024-01-01,,110",
        f"{p[0]},{e2},2024-06-01,,110",
        # A chain of three jobs, the lines out of order.
        f"{p[1]},{e3},2024-01-01,,110",
        f"{p[1]},{e1},2023-01-01,,110",
        f"{p[1]},{e2},2023-06-01,,310",
        # A true overlap: two ended periods.
        f"{p[2]},{e1},2024-01-01,2024-12-31,110",
        f"{p[2]},{e2},2024-06-01,2024-08-31,110",
        # Two open enrolments at the same employer.
        f"{p[3]},{e1},2024-01-01,,110",
        f"{p[3]},{e1},2024-03-01,,110",
        # Repeats and insurance types of one enrolment.
        f"{p[4]},{e1},2024-02-01,,110",
        f"{p[4]},{e1},2024-02-01,,310",
        f"{p[4]},{e1},2024-02-01,,110",
        # A new job elsewhere ends the job on file (the rule before).
        f"{p[5]},{e2},2025-06-01,,110",
        # The job on file is in the file too, and so is the next one.
        f"{p[6]},{e1},2024-01-01,,110",
        f"{p[6]},{e2},2024-09-01,,110",
        # A job elsewhere, then back at the employer on file.
        f"{p[7]},{e2},2024-03-01,,110",
        f"{p[7]},{e1},2024-06-01,,110",
        # The job on file ended, then a new enrolment at the same employer.
        f"{p[8]},{e1},2024-01-01,2024-03-31,110",
        f"{p[8]},{e1},2024-04-01,,110",
        # Unemployed now: the first job ended long ago, the second one is current.
        f"{p[9]},{e1},2024-01-01,,110",
        f"{p[9]},{e2},2024-06-01,,110",
        # Superseded in the file, but that job overlaps an ended one of the file.
        f"{p[10]},{e1},2024-01-01,2024-04-30,110",
        f"{p[10]},{e3},2024-03-01,,110",
        f"{p[10]},{e2},2024-09-01,,110",
        # Unemployed now: the job that superseded 2024's is refused (it overlaps
        # the ended job on file), so no current job ends the unemployment.
        f"{p[11]},{e1},2024-01-01,,110",
        f"{p[11]},{e2},2024-06-01,,110",
        # The job on file ended twice, with a gap: the earlier end is its own.
        f"{p[12]},{e1},2024-05-01,2024-06-30,110",
        f"{p[12]},{e1},2024-01-01,2024-03-31,110",
    ]
    text = HEADER + "\n".join(lines) + "\n"

    first = run_import(text, city_caseworker)
    after_first = register(people), unemployment(people)
    again = run_import(text, city_caseworker)

    assert (register(people), unemployment(people)) == after_first
    assert outcome(again) == outcome(first)
    assert (again.registered_count, again.ended_count) == (0, 0)
    # 26 enrolments, 4 of them refused, 3 on file already (persons 6, 8, 12).
    assert again.unchanged_count == 26 - 4
    assert (first.registered_count, first.ended_count) == (26 - 4 - 3, 5)
    refused = [(row["line"], row["problem"]) for row in first.errors]
    assert refused == [
        (8, "overlap"),
        (10, "overlap"),
        (24, "overlap"),
        (27, "overlap"),
    ]

    ended = "insurance_ended"
    assert periods(people[0]) == [
        (e1, D(2024, 1, 1), D(2024, 5, 31), ended),
        (e2, D(2024, 6, 1), None, ""),
    ]
    assert periods(people[1]) == [
        (e1, D(2023, 1, 1), D(2023, 5, 31), ended),
        (e2, D(2023, 6, 1), D(2023, 12, 31), ended),
        (e3, D(2024, 1, 1), None, ""),
    ]
    assert periods(people[2]) == [(e1, D(2024, 1, 1), D(2024, 12, 31), ended)]
    assert periods(people[3]) == [(e1, D(2024, 1, 1), None, "")]
    assert periods(people[4]) == [(e1, D(2024, 2, 1), None, "")]
    assert periods(people[5]) == [
        (e1, D(2025, 1, 1), D(2025, 5, 31), ended),
        (e2, D(2025, 6, 1), None, ""),
    ]
    assert periods(people[6]) == [
        (e1, D(2024, 1, 1), D(2024, 8, 31), ended),
        (e2, D(2024, 9, 1), None, ""),
    ]
    assert periods(people[7]) == [
        (e1, D(2024, 1, 1), D(2024, 2, 29), ended),
        (e2, D(2024, 3, 1), D(2024, 5, 31), ended),
        (e1, D(2024, 6, 1), None, ""),
    ]
    assert periods(people[8]) == [
        (e1, D(2024, 1, 1), D(2024, 3, 31), ended),
        (e1, D(2024, 4, 1), None, ""),
    ]
    assert periods(people[10]) == [
        (e1, D(2024, 1, 1), D(2024, 4, 30), ended),
        (e2, D(2024, 9, 1), None, ""),
    ]
    # The unemployment is closed by the current job, from the day it was
    # registered; the job that ended in 2024 does not reach it.
    unemployed.refresh_from_db()
    assert unemployed.status == UnemploymentRegistration.Status.CANCELLED
    assert unemployed.cancelled_on == unemployed.registered_on
    assert periods(people[11]) == [
        (e1, D(2024, 1, 1), D(2024, 5, 31), ended),
        (e3, D(2024, 7, 1), D(2024, 8, 31), "expired"),
    ]
    assert periods(people[12]) == [
        (e1, D(2024, 1, 1), D(2024, 3, 31), ended),
        (e1, D(2024, 5, 1), D(2024, 6, 30), ended),
    ]
    still_unemployed.refresh_from_db()
    assert still_unemployed.status == UnemploymentRegistration.Status.REGISTERED


def test_random_files_import_the_same_twice(
    foshan, employer, other_employer, third_employer, city_caseworker
):
    """Files of a few people with random enrolments, some people with periods
    on file from an earlier file: the second import of each file changes
    nothing and refuses the same lines."""
    usccs = [u.employer.uscc for u in (employer, other_employer, third_employer)]
    rng = random.Random(17)
    starts = [D(2023, 1, 1) + datetime.timedelta(days=61 * i) for i in range(13)]

    def enrolment(number: str) -> str:
        start = rng.choice(starts)
        end = ""
        if rng.random() < 0.4:
            end = str(start + datetime.timedelta(days=rng.choice([30, 90, 200, 400])))
        return f"{number},{rng.choice(usccs)},{start},{end},110"

    for _ in range(15):
        people = [
            factories.make_person(residence=foshan["chancheng_community"])
            for _ in range(3)
        ]
        numbers = [person.id_number for person in people]
        earlier = [enrolment(rng.choice(numbers)) for _ in range(3)]
        run_import(HEADER + "\n".join(earlier) + "\n", city_caseworker)
        lines = [enrolment(rng.choice(numbers)) for _ in range(8)]
        text = HEADER + "\n".join(lines) + "\n"

        first = run_import(text, city_caseworker)
        after_first = register(people)
        again = run_import(text, city_caseworker)

        assert register(people) == after_first, text
        assert outcome(again) == outcome(first), text
        assert (again.registered_count, again.ended_count) == (0, 0), text


def test_an_unknown_person_with_a_valid_foshan_number_is_an_unknown_person(
    employer, city_caseworker
):
    # 440604 (Chancheng) dates from 2002; python-stdnum refuses it for anyone
    # born before, yet such numbers are real and pass the registry's check.
    born_1990 = factories.id_number(area="440604", birth="19900101")
    wrong_check = born_1990[:17] + ("1" if born_1990[17] != "1" else "2")
    uscc = employer.employer.uscc
    result = run_import(
        HEADER
        + f"{born_1990},{uscc},2026-03-01,,110\n"
        + f"{wrong_check},{uscc},2026-03-01,,110\n",
        city_caseworker,
    )
    assert [row["problem"] for row in result.errors] == ["person", "id_number"]
