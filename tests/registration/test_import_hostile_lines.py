"""Lines no social-insurance export holds, which a hand-edited or hostile file may:
each is refused on its own line, and the rest of the file is still imported."""

import pytest
from django.core.files.base import ContentFile

from registration import services
from registration.models import EmploymentRegistration, InsuranceImport
from tests import factories

HEADER = "id_number,uscc,start_date,end_date,insurance_type\n"


def run_import(data: bytes, by) -> InsuranceImport:
    insurance_import = InsuranceImport(requested_by=by)
    insurance_import.file.save("enrolments.csv", ContentFile(data))
    return services.run_insurance_import(insurance_import)


@pytest.fixture
def person(foshan):
    return factories.make_person(residence=foshan["chancheng_community"])


@pytest.mark.parametrize("start", ["-infinity", "infinity", " -INFINITY "])
def test_an_endless_start_date_is_refused(person, employer, city_caseworker, start):
    uscc = employer.employer.uscc
    result = run_import(
        (HEADER + f"{person.id_number},{uscc},{start},,110\n").encode(),
        city_caseworker,
    )
    assert [row["problem"] for row in result.errors] == ["start_date"]
    assert not EmploymentRegistration.objects.exists()


@pytest.mark.parametrize(
    "day",
    ["today", "now", "yesterday", "epoch", "tomorrow", "yesterday 10:00",
     "today 00:00:01", "2024-01-01 BC", "2024-01-01T00:00"],
)  # fmt: skip
def test_a_date_word_is_refused_not_read_as_the_day_of_the_import(
    person, employer, city_caseworker, day
):
    # PostgreSQL reads these words as dates: a line starting 'today' would become
    # a registration starting on whichever day the file is imported.
    uscc = employer.employer.uscc
    result = run_import(
        (
            HEADER
            + f"{person.id_number},{uscc},{day},,110\n"
            + f"{person.id_number},{uscc},2025-01-01,{day},110\n"
        ).encode(),
        city_caseworker,
    )
    assert [row["problem"] for row in result.errors] == ["start_date", "end_date"]
    assert not EmploymentRegistration.objects.exists()


def test_an_endless_end_date_is_refused(person, employer, city_caseworker):
    uscc = employer.employer.uscc
    result = run_import(
        (HEADER + f"{person.id_number},{uscc},2025-01-01,infinity,110\n").encode(),
        city_caseworker,
    )
    assert [row["problem"] for row in result.errors] == ["end_date"]
    assert not EmploymentRegistration.objects.exists()


def test_a_nul_byte_spoils_its_line_only(
    person, employer, other_employer, city_caseworker
):
    good = f"{person.id_number},{employer.employer.uscc},2025-01-01,,110\n"
    spoilt = f"{person.id_number},{other_employer.employer.uscc}\x00,2024-01-01,,110\n"
    result = run_import((HEADER + spoilt + good).encode(), city_caseworker)
    assert result.status == "done"
    assert [(row["line"], row["problem"]) for row in result.errors] == [(2, "employer")]
    assert EmploymentRegistration.objects.get().employer == employer.employer
