import datetime
import threading

import pytest
import time_machine
from django.db import connection

from portal.models import Person
from registration import services
from registration.models import (
    CancellationReason,
    EmploymentCertificate,
    UnemploymentRegistration,
)
from tests import factories

TODAY = datetime.datetime(2026, 11, 23, 10, 0)


def application(person, **overrides):
    fields = {
        "cause": UnemploymentRegistration.Cause.LOST_JOB,
        "unemployed_since": datetime.date(2026, 9, 1),
        "job_wishes": "仓库管理员",
        **overrides,
    }
    return UnemploymentRegistration(person=person, **fields)


@pytest.mark.parametrize(
    "birth, allowed",
    [("20101123", True), ("20101124", False)],
    ids=["16th-birthday-today", "16th-birthday-tomorrow"],
)
@time_machine.travel(TODAY)
def test_registration_opens_on_the_16th_birthday(foshan, birth, allowed):
    person = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth=birth),
    )
    refusals = services.unemployment_refusals(person)
    assert (refusals == []) is allowed
    if not allowed:
        assert "16" in refusals[0]


@pytest.mark.parametrize(
    "birth, track, retires",
    [
        # Men born 1965-05-15 retire on 2025-07-15 (+2 months,
        # docs/registration.md, "Retirement age").
        ("19650515", Person.RetirementTrack.MALE_60, datetime.date(2025, 7, 15)),
        # Women workers born 1975-03-10 retire on 2025-05-10 (+2 months).
        ("19750310", Person.RetirementTrack.FEMALE_50, datetime.date(2025, 5, 10)),
        # Women cadres born 1971-01-10: original 2026-01 → +4 months.
        ("19710110", Person.RetirementTrack.FEMALE_55, datetime.date(2026, 5, 10)),
    ],
)
def test_registration_closes_on_the_personal_retirement_date(
    foshan, birth, track, retires
):
    sequence = 1 if track == Person.RetirementTrack.MALE_60 else 2
    person = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth=birth, sequence=sequence),
        retirement_track=track,
    )
    assert person.statutory_retirement_date() == retires
    day_before = retires - datetime.timedelta(days=1)
    assert services.unemployment_refusals(person, day=day_before) == []
    [reason] = services.unemployment_refusals(person, day=retires)
    assert "retirement" in reason or "退休" in reason


def test_non_local_hukou_is_no_reason_to_refuse(foshan):
    person = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(area="510104"),
        hukou_place="四川省成都市",
    )
    assert services.unemployment_refusals(person) == []


def test_online_application_is_reviewed_then_registered(seeker, caseworker):
    person = seeker.person
    registration = services.apply_for_unemployment(application(person), by=seeker)
    assert registration.status == "submitted"
    assert registration.org_unit == person.residence
    services.return_unemployment(
        registration, "请补充：1. 解除劳动合同证明；2. 身份证复印件", by=caseworker
    )
    registration.refresh_from_db()
    assert registration.status == "returned"
    assert seeker.notifications.filter(body__contains="解除劳动合同证明").exists()
    registration.last_employer = "佛山市某五金厂"
    services.resubmit_unemployment(registration, by=seeker)
    services.accept_unemployment(registration, by=caseworker)
    registration.refresh_from_db()
    assert registration.status == "registered"
    assert registration.registered_on is not None
    certificate = EmploymentCertificate.objects.get(person=person)
    assert len(certificate.number) == 16
    assert certificate.number.startswith("440604")


def test_a_second_open_registration_is_refused(seeker, caseworker):
    factories.make_unemployment(seeker.person, by=caseworker)
    with pytest.raises(services.RegistrationError):
        services.apply_for_unemployment(application(seeker.person), by=seeker)


def test_counter_registration_is_registered_at_once(foshan, caseworker):
    person = factories.make_person(residence=foshan["chancheng_community"])
    registration = services.apply_for_unemployment(
        application(person, channel="counter"), by=caseworker
    )
    assert registration.status == "registered"
    assert registration.submitted_by == caseworker


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_applications_leave_one_open_registration():
    foshan = factories.make_org_tree()
    seeker = factories.make_seeker(residence=foshan["chancheng_community"])
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            services.apply_for_unemployment(application(seeker.person), by=seeker)
            outcomes.append("ok")
        except services.RegistrationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert UnemploymentRegistration.objects.open().count() == 1


def test_the_database_refuses_a_second_open_registration(seeker, caseworker):
    from django.db import IntegrityError, transaction

    first = factories.make_unemployment(seeker.person, by=caseworker)
    duplicate = application(seeker.person, org_unit=first.org_unit, submitted_by=seeker)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_employment_registration_closes_the_unemployment_registration(
    seeker, caseworker, employer
):
    registration = factories.make_unemployment(seeker.person, by=caseworker)
    factories.file_hire(employer, seeker.person, datetime.date.today())
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert registration.cancellation_reason.code == "employment_registered"
    assert registration.cancellation_reason.counts_as_reemployment


def test_caseworker_cancels_with_a_reason_code(seeker, caseworker):
    registration = factories.make_unemployment(seeker.person, by=caseworker)
    reason = CancellationReason.objects.get(code="school_army_emigration")
    services.cancel_unemployment(registration, by=caseworker, reason=reason)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert registration.cancellation_reason == reason
    with pytest.raises(services.RegistrationError):
        services.cancel_unemployment(registration, by=caseworker, reason=reason)


def test_six_months_without_contact_are_flagged_not_cancelled(seeker, caseworker):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0)):
        registration = factories.make_unemployment(seeker.person, by=caseworker)
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0)):
        assert services.flag_lost_contact() == 0
    with time_machine.travel(datetime.datetime(2026, 9, 2, 10, 0)):
        assert services.flag_lost_contact() == 1
        assert services.flag_lost_contact() == 0
    registration.refresh_from_db()
    assert registration.contact_review_due
    assert registration.status == "registered"
    services.record_contact(registration, by=caseworker)
    registration.refresh_from_db()
    assert not registration.contact_review_due
