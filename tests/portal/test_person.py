import datetime

from django.urls import reverse

from portal import services
from portal.models import AuditEntry, Person
from tests import factories


def test_sex_and_birth_date_come_from_the_id_number(foshan):
    man = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="19650501", sequence=11),
    )
    man.refresh_from_db()
    assert man.sex == Person.Sex.MALE
    assert man.birth_date == datetime.date(1965, 5, 1)


def test_retirement_date_follows_the_2025_reform(foshan):
    # docs/registration.md, "Retirement age": a man born 1965-05-15 retires
    # 2025-07-15; a woman worker born 1975-03-10 (50 track) retires 2025-05-10.
    man = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="19650515", sequence=13),
    )
    man.refresh_from_db()
    assert man.statutory_retirement_date() == datetime.date(2025, 7, 15)
    assert man.retirement_date == man.statutory_retirement_date()
    woman = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="19750310", sequence=12),
        retirement_track=Person.RetirementTrack.FEMALE_50,
    )
    woman.refresh_from_db()
    assert woman.statutory_retirement_date() == datetime.date(2025, 5, 10)
    assert woman.retirement_date == woman.statutory_retirement_date()


def test_women_default_to_the_55_track(foshan):
    number = factories.id_number(birth="19800101", sequence=22)
    assert (
        factories.make_person(
            residence=foshan["city"], id_number=number
        ).retirement_track
        == Person.RetirementTrack.FEMALE_55
    )


def test_the_retirement_date_column_follows_the_same_rule_as_the_code(foshan):
    # Before the reform, within it, at the caps, and birthdays the retirement
    # month lacks (the 31st, 29 February), on every track.
    births = [
        "19500301",
        "19651130",
        "19650531",
        "19660831",
        "19751231",
        "19800229",
        "19990101",
    ]
    sequence = 300
    for birth in births:
        for track in Person.RetirementTrack.values:
            sequence += 1
            person = factories.make_person(
                residence=foshan["city"],
                id_number=factories.id_number(birth=birth, sequence=sequence),
                retirement_track=track,
            )
            person.refresh_from_db()
            assert person.retirement_date == person.statutory_retirement_date()


def test_a_birthday_the_retirement_month_lacks_is_reached_on_the_1st_after():
    man = Person(id_number=factories.id_number(birth="19660930", sequence=1))
    man.retirement_track = Person.RetirementTrack.MALE_60
    # Originally 2026-09, 21 months in, +6 months: 2027-03-30.
    assert man.statutory_retirement_date() == datetime.date(2027, 3, 30)
    man.id_number = factories.id_number(birth="19670531", sequence=1)
    # Originally 2027-05, 29 months in, +8 months: 2028-01-31.
    assert man.statutory_retirement_date() == datetime.date(2028, 1, 31)
    man.id_number = factories.id_number(birth="19660131", sequence=1)
    # Originally 2026-01, 13 months in, +4 months: 2026-05-31.
    assert man.statutory_retirement_date() == datetime.date(2026, 5, 31)
    man.id_number = factories.id_number(birth="19650831", sequence=1)
    # Originally 2025-08, 8 months in, +2 months: October has a 31st.
    assert man.statutory_retirement_date() == datetime.date(2025, 10, 31)
    man.id_number = factories.id_number(birth="19650731", sequence=1)
    # Originally 2025-07, 7 months in, +2 months: September has no 31st.
    assert man.statutory_retirement_date() == datetime.date(2025, 10, 1)
    man.id_number = factories.id_number(birth="19651130", sequence=1)
    # Originally 2025-11, 11 months in, +3 months: February 2026 has no 30th.
    assert man.statutory_retirement_date() == datetime.date(2026, 3, 1)


def test_a_woman_workers_track_follows_her_occupation_type():
    number = factories.id_number(birth="19800101", sequence=22)
    worker = Person.OccupationType.WORKER
    cadre = Person.OccupationType.CADRE
    assert services.default_retirement_track(number, worker) == "female50"
    assert services.default_retirement_track(number, cadre) == "female55"
    assert services.default_retirement_track(number) == "female55"
    man = factories.id_number(birth="19800101", sequence=23)
    assert services.default_retirement_track(man, worker) == "male60"


def test_a_new_record_in_the_back_office_takes_its_track_from_the_occupation(
    client, foshan, caseworker
):
    client.force_login(caseworker)
    number = factories.id_number(birth="19800101", sequence=24)
    response = client.post(
        reverse("admin:portal_person_add"),
        {
            "name": "周红",
            "id_number": number,
            "residence": foshan["chancheng_community"].pk,
            "occupation_type": "worker",
            "retirement_track": "",
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(id_number=number).retirement_track == "female50"


def test_a_caseworker_corrects_the_track_and_the_change_is_audited(
    client, foshan, caseworker
):
    woman = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="19800101", sequence=26),
    )
    assert woman.retirement_track == "female55"
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:portal_person_change", args=[woman.pk]),
        {
            "residence": foshan["chancheng_community"].pk,
            "occupation_type": "worker",
            "retirement_track": "female50",
        },
    )
    assert response.status_code == 302
    woman.refresh_from_db()
    assert woman.retirement_track == "female50"
    # Originally 50 in 2030-01, 61 months in: 31 months later.
    assert woman.retirement_date == datetime.date(2032, 8, 1)
    entry = AuditEntry.objects.for_object(woman).latest("created_at")
    assert "retirement_track" in entry.data["changes"]
