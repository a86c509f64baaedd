import datetime

from portal.models import Person
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
    # docs/registration-rules.md, "Retirement age": a man born 1965-05 retires
    # 2025-07; a woman worker born 1975-03 (50 track) retires 2025-05.
    man = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="19650515", sequence=13),
    )
    man.refresh_from_db()
    assert man.statutory_retirement_date() == datetime.date(2025, 7, 1)
    woman = factories.make_person(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="19750310", sequence=12),
        retirement_track=Person.RetirementTrack.FEMALE_50,
    )
    woman.refresh_from_db()
    assert woman.statutory_retirement_date() == datetime.date(2025, 5, 1)


def test_women_default_to_the_55_track(foshan):
    number = factories.id_number(birth="19800101", sequence=22)
    assert (
        factories.make_person(
            residence=foshan["city"], id_number=number
        ).retirement_track
        == Person.RetirementTrack.FEMALE_55
    )
