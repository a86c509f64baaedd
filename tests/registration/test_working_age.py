"""Employment and unemployment registration only between the 16th birthday and the
day before the statutory retirement date, on every path, and never counted outside
it (docs/registration.md, "Working age")."""

import datetime

import pytest
import time_machine

from portal.models import Person
from registration import services
from registration.models import EmploymentRegistration, UnemploymentRegistration
from registration.queries import counts, month_bounds
from tests import factories
from tests.registration.test_insurance_import import HEADER, run_import

TODAY = datetime.datetime(2026, 12, 7, 10, 0)
# Born 1966-03-20: originally 60 in 2026-03, 15 months into the reform, so four
# months later: retires on 2026-07-20.
LATE_MAN_BIRTH, LATE_MAN_RETIRES = "19660320", datetime.date(2026, 7, 20)
# Sixteen on 2026-11-24.
YOUNG_BIRTH, YOUNG_SIXTEEN = "20101124", datetime.date(2026, 11, 24)
DAY = datetime.timedelta(days=1)


def mentions_retirement(text):
    return "retirement" in text or "退休" in text


def person(foshan, birth, *, sequence=1, **overrides):
    return factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth=birth, sequence=sequence),
        **overrides,
    )


def hire(someone, start):
    return services.Hire(
        name=someone.name, id_number=someone.id_number, start_date=start
    )


def self_employment(someone, start):
    return EmploymentRegistration(
        person=someone,
        kind="flexible",
        source="self",
        business_name="外卖骑手",
        start_date=start,
    )


@time_machine.travel(TODAY)
@pytest.mark.parametrize("birth", ["19500301", "19580615"])
def test_an_employer_cannot_file_the_hire_of_a_man_long_past_retirement(
    foshan, employer, birth
):
    retired = person(foshan, birth)
    with pytest.raises(services.HiresRefused) as refused:
        services.register_hires(
            employer.employer, [hire(retired, TODAY.date())], by=employer
        )
    [message] = refused.value.row_errors[1]
    assert mentions_retirement(message)
    assert not EmploymentRegistration.objects.exists()


@time_machine.travel(TODAY)
def test_a_person_new_to_the_registry_past_retirement_is_refused(employer):
    number = factories.id_number(birth="19580615", sequence=1)
    newcomer = services.Hire(name="赵六", id_number=number, start_date=TODAY.date())
    with pytest.raises(services.HiresRefused):
        services.register_hires(employer.employer, [newcomer], by=employer)
    assert not Person.objects.filter(id_number=number).exists()


@time_machine.travel(TODAY)
def test_a_hire_may_start_until_the_day_before_the_retirement_date(
    foshan, employer, other_employer
):
    man = person(foshan, LATE_MAN_BIRTH)
    with pytest.raises(services.HiresRefused):
        services.register_hires(
            employer.employer, [hire(man, LATE_MAN_RETIRES)], by=employer
        )
    [row] = services.register_hires(
        other_employer.employer, [hire(man, LATE_MAN_RETIRES - DAY)], by=other_employer
    )
    assert row.start_date == LATE_MAN_RETIRES - DAY


@time_machine.travel(TODAY)
def test_a_hire_may_start_from_the_16th_birthday(foshan, employer):
    young = person(foshan, YOUNG_BIRTH)
    with pytest.raises(services.HiresRefused) as refused:
        services.register_hires(
            employer.employer, [hire(young, YOUNG_SIXTEEN - DAY)], by=employer
        )
    assert "16" in refused.value.row_errors[1][0]
    services.register_hires(
        employer.employer, [hire(young, YOUNG_SIXTEEN)], by=employer
    )


@time_machine.travel(TODAY)
def test_counter_staff_filing_a_hire_are_refused_past_retirement(
    foshan, employer, caseworker
):
    retired = person(foshan, "19500301")
    with pytest.raises(services.HiresRefused):
        services.register_hires(
            employer.employer,
            [hire(retired, TODAY.date())],
            by=caseworker,
            source=EmploymentRegistration.Source.COUNTER,
        )
    assert not EmploymentRegistration.objects.exists()


@time_machine.travel(TODAY)
@pytest.mark.parametrize("by_counter", [False, True])
def test_self_employment_is_refused_from_the_retirement_date(
    foshan, caseworker, by_counter
):
    user = factories.make_seeker(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth=LATE_MAN_BIRTH, sequence=1),
    )
    man = user.person
    by = caseworker if by_counter else user
    with pytest.raises(services.RegistrationError, match="retirement|退休"):
        services.register_self_employment(self_employment(man, LATE_MAN_RETIRES), by=by)
    services.register_self_employment(
        self_employment(man, LATE_MAN_RETIRES - DAY), by=by
    )


@time_machine.travel(datetime.datetime(2026, 7, 19, 10, 0))
def test_unemployment_registration_closes_on_the_exact_retirement_day(
    foshan, caseworker
):
    # The old rule refused from the 1st of the retirement month.
    man = person(foshan, LATE_MAN_BIRTH)
    registration = factories.make_unemployment(
        man, by=caseworker, unemployed_since=datetime.date(2026, 7, 1)
    )
    assert registration.status == UnemploymentRegistration.Status.REGISTERED
    other = person(foshan, LATE_MAN_BIRTH, sequence=3)
    pending = factories.make_unemployment(
        other, by=caseworker, register=False, unemployed_since=datetime.date(2026, 7, 1)
    )
    with time_machine.travel(datetime.datetime(2026, 7, 20, 10, 0)):
        with pytest.raises(services.RegistrationError, match="retirement|退休"):
            services.accept_unemployment(pending, by=caseworker)


@time_machine.travel(TODAY)
def test_the_insurance_import_refuses_rows_outside_working_age_with_a_reason(
    foshan, employer, city_caseworker
):
    retired = person(foshan, "19500301")
    man = person(foshan, LATE_MAN_BIRTH)
    young = person(foshan, YOUNG_BIRTH)
    fine = person(foshan, "19900101")
    uscc = employer.employer.uscc
    lines = [
        f"{retired.id_number},{uscc},2026-03-01,,110",  # line 2
        f"{man.id_number},{uscc},{LATE_MAN_RETIRES},,110",  # 3
        f"{man.id_number},{uscc},{LATE_MAN_RETIRES - DAY},,210",  # 4: fine
        f"{young.id_number},{uscc},{YOUNG_SIXTEEN - DAY},,110",  # 5
        f"{young.id_number},{uscc},{YOUNG_SIXTEEN},,210",  # 6: fine
        f"{fine.id_number},{uscc},2026-03-01,,110",  # 7: fine
    ]
    result = run_import(HEADER + "\n".join(lines) + "\n", city_caseworker)
    problems = {row["line"]: row["problem"] for row in result.errors}
    assert problems == {2: "working_age", 3: "working_age", 5: "working_age"}
    assert mentions_retirement(str(result.problem_rows()[0]["problem"]))
    assert result.registered_count == 3
    assert set(EmploymentRegistration.objects.values_list("start_date", flat=True)) == {
        LATE_MAN_RETIRES - DAY,
        YOUNG_SIXTEEN,
        datetime.date(2026, 3, 1),
    }


def _legacy_employment(someone, employer, start):
    """A row the old rules let in, written as they wrote it."""
    return EmploymentRegistration.objects.create(
        person=someone,
        kind="employee",
        source="employer",
        employer=employer.employer,
        org_unit=employer.employer.org_unit,
        start_date=start,
    )


def _legacy_unemployment(someone, registered_on, *, by):
    return UnemploymentRegistration.objects.create(
        person=someone,
        submitted_by=by,
        org_unit=someone.residence,
        status=UnemploymentRegistration.Status.REGISTERED,
        cause=UnemploymentRegistration.Cause.LOST_JOB,
        unemployed_since=registered_on,
        job_wishes="普工",
        registered_on=registered_on,
    )


@time_machine.travel(TODAY)
def test_a_registration_outside_16_to_retirement_is_refused_and_never_counted(
    foshan, employer
):
    retired = person(foshan, "19580615")
    with pytest.raises(services.HiresRefused):
        factories.file_hire(employer, retired, datetime.date(2026, 11, 2))
    _legacy_employment(retired, employer, datetime.date(2026, 11, 2))
    _legacy_unemployment(
        person(foshan, "19500301"), datetime.date(2026, 11, 3), by=employer
    )
    figures = counts(foshan["chancheng"], *month_bounds(2026, 11))
    assert figures["new_employment"] == 0
    assert figures["employed_at_end"] == 0
    assert figures["new_unemployed"] == 0
    assert figures["unemployed_at_end"] == 0


@time_machine.travel(TODAY)
def test_counts_match_a_recount_of_the_rows_by_the_working_age_rule(foshan, employer):
    first, last = month_bounds(2026, 7)
    starts = [
        ("19500301", datetime.date(2026, 7, 1)),
        ("19580615", datetime.date(2026, 7, 2)),
        (LATE_MAN_BIRTH, LATE_MAN_RETIRES - DAY),  # counted, retired by month end
        (LATE_MAN_BIRTH, LATE_MAN_RETIRES),
        ("20100715", datetime.date(2026, 7, 14)),  # the day before turning 16
        ("20100715", datetime.date(2026, 7, 15)),
        ("19900101", datetime.date(2026, 7, 3)),
        ("19750310", datetime.date(2026, 7, 4)),
    ]
    rows = [
        _legacy_employment(
            person(foshan, birth, sequence=2 * index + 1), employer, start
        )
        for index, (birth, start) in enumerate(starts)
    ]
    for row in rows:
        _legacy_unemployment(row.person, row.start_date, by=employer)
    in_age = [r for r in rows if r.person.working_age_problem(r.start_date) is None]
    at_end = [r for r in in_age if r.person.working_age_problem(last) is None]
    assert len(in_age) == 4 and len(at_end) == 3
    figures = counts(foshan["chancheng"], first, last)
    assert figures["new_employment"] == len(in_age)
    assert figures["employed_at_end"] == len(at_end)
    assert figures["new_unemployed"] == len(in_age)
    # Their unemployment is still open but overlaps the employment; the counts
    # take the rows as they are.
    assert figures["unemployed_at_end"] == len(at_end)
