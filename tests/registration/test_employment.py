import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import AuditEntry, Person
from registration import services
from registration.models import EmploymentCertificate, EmploymentRegistration
from tests import factories


def hire(person, start, **overrides):
    return services.Hire(
        name=overrides.get("name", person.name),
        id_number=person.id_number,
        start_date=start,
        job_title="普工",
    )


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0))
def test_employer_files_several_hires_and_late_ones_are_flagged(foshan, employer):
    on_time = factories.make_person(residence=foshan["chancheng_community"])
    late = factories.make_person(residence=foshan["chancheng_community"], name="王五")
    rows = services.register_hires(
        employer.employer,
        [
            hire(on_time, datetime.date(2026, 10, 24)),  # 30 days ago: on time
            hire(late, datetime.date(2026, 10, 23)),  # 31 days ago: late
        ],
        by=employer,
    )
    assert [row.is_late for row in rows] == [False, True]
    assert all(row.org_unit == employer.employer.org_unit for row in rows)


def test_people_new_to_the_registry_are_added(employer):
    number = factories.id_number(birth="19950505")
    newcomer = services.Hire(
        name="赵六", id_number=number, start_date=datetime.date.today()
    )
    [row] = services.register_hires(employer.employer, [newcomer], by=employer)
    assert Person.objects.get(id_number=number).name == "赵六"
    expected = "male60" if int(number[16]) % 2 else "female55"
    assert row.person.retirement_track == expected


def test_one_bad_row_refuses_the_whole_filing_with_row_messages(foshan, employer):
    person = factories.make_person(residence=foshan["chancheng_community"])
    child = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="20150101"),
        name="小明",
    )
    with pytest.raises(services.HiresRefused) as refused:
        services.register_hires(
            employer.employer,
            [
                hire(person, datetime.date.today()),
                hire(person, datetime.date.today(), name="别人"),
                hire(child, datetime.date.today()),
            ],
            by=employer,
        )
    assert set(refused.value.row_errors) == {2, 3}
    assert not EmploymentRegistration.objects.exists()


def test_a_second_job_overlapping_the_first_is_refused(
    foshan, employer, other_employer
):
    person = factories.make_person(residence=foshan["chancheng_community"])
    factories.file_hire(employer, person, datetime.date(2026, 1, 1))
    with pytest.raises(services.HiresRefused) as refused:
        factories.file_hire(other_employer, person, datetime.date(2026, 5, 1))
    [message] = refused.value.row_errors[1]
    # The other employer learns that the person works elsewhere, not where.
    assert employer.employer.name not in message and "2026" in message


def test_the_database_refuses_overlapping_periods(foshan, employer):
    person = factories.make_person(residence=foshan["chancheng_community"])
    first = factories.file_hire(employer, person, datetime.date(2026, 1, 1))
    services.end_employment(
        first,
        by=employer,
        end_date=datetime.date(2026, 3, 31),
        reason="resigned",
    )
    overlapping = EmploymentRegistration(
        person=person,
        kind="employee",
        source="employer",
        employer=employer.employer,
        org_unit=employer.employer.org_unit,
        start_date=datetime.date(2026, 3, 31),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()
    overlapping.start_date = datetime.date(2026, 4, 1)
    overlapping.save()  # the day after the end is free


def test_separation_filed_after_15_days_is_flagged_late(foshan, employer):
    person = factories.make_person(residence=foshan["chancheng_community"])
    registration = factories.file_hire(employer, person, datetime.date(2026, 1, 1))
    with time_machine.travel(datetime.datetime(2026, 11, 17, 10, 0)):
        services.end_employment(
            registration,
            by=employer,
            end_date=datetime.date(2026, 11, 1),
            reason="expired",
        )
    registration.refresh_from_db()
    assert registration.is_end_late
    with pytest.raises(services.RegistrationError):
        services.end_employment(
            registration, by=employer, end_date=datetime.date(2026, 11, 2), reason="x"
        )


def test_unverified_employers_cannot_file(foshan):
    user = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    person = factories.make_person(residence=foshan["chancheng_community"])
    with pytest.raises(services.RegistrationError):
        services.register_hires(
            user.employer, [hire(person, datetime.date.today())], by=user
        )


def test_self_employment_registers_and_issues_the_certificate(seeker):
    registration = services.register_self_employment(
        EmploymentRegistration(
            person=seeker.person,
            kind="flexible",
            source="self",
            business_name="外卖骑手",
            start_date=datetime.date.today(),
        ),
        by=seeker,
    )
    assert registration.org_unit == seeker.person.residence
    assert EmploymentCertificate.objects.filter(person=seeker.person).exists()
    assert registration.can_be_ended_by(seeker)


def test_certificate_is_issued_once_per_person(seeker, caseworker):
    unit = seeker.person.residence
    first = services.issue_certificate(seeker.person, by=caseworker, unit=unit)
    again = services.issue_certificate(seeker.person, by=caseworker, unit=unit)
    assert first == again
    assert EmploymentCertificate.objects.count() == 1


def registry_checks():
    return AuditEntry.objects.filter(action="registration.hire.checked")


def test_every_registry_answer_is_audited_also_when_the_filing_is_refused(
    foshan, employer
):
    known = factories.make_person(residence=foshan["chancheng_community"])
    other = factories.make_person(residence=foshan["chancheng_community"])
    newcomer = factories.id_number(birth="19950505")
    today = datetime.date.today()
    rows = [
        hire(known, today),
        services.Hire(name="赵六", id_number=newcomer, start_date=today),
        hire(other, today, name="别人"),
    ]
    with pytest.raises(services.HiresRefused):
        services.register_hires(employer.employer, rows, by=employer)
    assert not Person.objects.filter(id_number=newcomer).exists()  # rolled back
    answers = {
        entry.data["answer"]: entry.object_id
        for entry in registry_checks().filter(data__filed=False, actor=employer)
    }
    assert answers == {
        "matched": str(known.pk),
        "new": "",
        "name_mismatch": str(other.pk),
    }
    services.register_hires(employer.employer, rows[:2], by=employer)
    filed = registry_checks().filter(data__filed=True)
    assert {entry.data["answer"] for entry in filed} == {"matched", "new"}
    assert filed.get(data__answer="new").object_id == str(
        Person.objects.get(id_number=newcomer).pk
    )


def test_a_wrong_name_is_refused_without_saying_what_the_registry_knows(
    foshan, employer
):
    person = factories.make_person(residence=foshan["chancheng_community"])
    with pytest.raises(services.HiresRefused) as refused:
        services.register_hires(
            employer.employer,
            [hire(person, datetime.date.today(), name="陈晓")],
            by=employer,
        )
    [message] = refused.value.row_errors[1]
    assert person.name not in message
    assert "registry" not in message and "人员库" not in message


def test_employer_staff_check_a_limited_number_of_rows_an_hour(
    settings, foshan, employer, other_employer, caseworker
):
    settings.HIRE_LOOKUPS_PER_HOUR = 2
    people = [
        factories.make_person(residence=foshan["chancheng_community"]) for _ in range(3)
    ]
    today = datetime.date.today()
    with pytest.raises(services.HiresRefused):
        services.register_hires(
            employer.employer,
            [hire(people[0], today), hire(people[1], today, name="别人")],
            by=employer,
        )
    with pytest.raises(services.RegistrationError) as refused:
        services.register_hires(
            employer.employer, [hire(people[0], today)], by=employer
        )
    assert not isinstance(refused.value, services.HiresRefused)
    assert registry_checks().count() == 2  # the refused filing asked nothing
    # Counter staff and another employer are not held back by this employer's count.
    services.register_hires(
        employer.employer, [hire(people[1], today)], by=caseworker, source="counter"
    )
    services.register_hires(
        other_employer.employer, [hire(people[2], today)], by=other_employer
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        services.register_hires(
            employer.employer, [hire(people[0], today)], by=employer
        )
    assert registry_checks().count() == 5
