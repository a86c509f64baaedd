"""People in work at the end of a day, read from the changes the database keeps per
street and day, equal the full count over every registration (registration.queries
counts(), the definition) on every day around every edge, after every kind of
write: inserts of one row and of many, ends, deletions, bulk updates, a person's
corrected ID number or retirement track, a unit's new code, compacting and
rebuilding."""

import datetime
import threading

import pytest
from django.db import transaction

from portal.models import OrgUnit, Person
from registration import services
from registration.models import EmployedChange, EmploymentRegistration
from registration.queries import counts, counts_by_unit
from tests import factories

DAY = datetime.timedelta(days=1)
# Sixteen on 2026-11-24; the woman born 1971-05-10 (worker track) retires in
# 2026 under the reform, the man born 1966-03-20 on 2026-07-20.
BIRTHS = ["20101124", "19710510", "19660320", "19900101", "19850615"]


def register(person, unit, start, end=None, **overrides):
    return EmploymentRegistration(
        person=person,
        kind="flexible",
        source="self",
        business_name="外卖骑手",
        org_unit=unit,
        start_date=start,
        end_date=end,
        **overrides,
    )


@pytest.fixture
def people(foshan):
    return [
        factories.make_person(
            residence=foshan["chancheng_community"],
            id_number=factories.id_number(birth=birth, sequence=index),
        )
        for index, birth in enumerate(BIRTHS, 1)
    ]


@pytest.fixture
def registrations(foshan, people):
    """Each person's periods in a street, a community, both districts; one
    starting before the 16th birthday, one running past retirement, one of a
    single day."""
    young, woman, man, worker, other = people
    chancheng, nanhai = foshan["chancheng_community"], foshan["nanhai_street"]
    rows = [
        register(young, chancheng, datetime.date(2026, 11, 20)),
        register(woman, nanhai, datetime.date(2020, 1, 1), datetime.date(2024, 5, 31)),
        register(woman, chancheng, datetime.date(2024, 6, 1)),
        register(man, foshan["chancheng_street"], datetime.date(2010, 3, 1)),
        register(
            worker, nanhai, datetime.date(2026, 11, 30), datetime.date(2026, 11, 30)
        ),
        register(worker, chancheng, datetime.date(2026, 12, 1)),
        register(other, foshan["nanhai_community"], datetime.date(2025, 2, 1)),
    ]
    for row in rows[:-1]:  # one statement per row
        row.save()
    EmploymentRegistration.objects.bulk_create(rows[-1:])  # and a bulk insert
    return rows


def edges():
    """Every day where something starts, ends, turns 16 or retires, and the days
    either side."""
    days = set()
    for row in EmploymentRegistration.objects.select_related("person"):
        for day in (row.start_date, row.end_date, row.person.retirement_date):
            if day is not None:
                days.update({day - DAY, day, day + DAY})
    for person in Person.objects.all():
        sixteenth = person.birth_date.replace(year=person.birth_date.year + 16)
        days.update({sixteenth - DAY, sixteenth, sixteenth + DAY})
    return sorted(days)


def assert_equal_to_the_full_count():
    units = list(OrgUnit.objects.exclude(level="community"))
    checked = 0
    for day in edges():
        by_unit = counts_by_unit(day, day)
        for unit in units:
            expected = counts(unit, day, day)["employed_at_end"]
            found = by_unit.get(unit.descendant_prefix, {}).get("employed_at_end", 0)
            assert found == expected, (unit.code, day)
            checked += expected
    assert checked  # the data has people in work on the days checked


def test_people_in_work_per_street_equal_the_full_count_on_every_edge(
    registrations,
):
    assert_equal_to_the_full_count()


def test_ends_deletions_and_bulk_updates_keep_the_counts_equal(registrations):
    young, woman_before, woman, man, *_rest = registrations
    woman.end_date = datetime.date(2026, 8, 31)
    woman.save()
    young.delete()
    EmploymentRegistration.objects.filter(person=man.person).update(
        start_date=datetime.date(2011, 1, 1), end_date=datetime.date(2025, 12, 31)
    )
    assert_equal_to_the_full_count()


def test_a_corrected_id_number_or_retirement_track_moves_the_counts(
    registrations, people
):
    young, woman, man, *_rest = people
    # A year older: sixteen already when the period began.
    young.id_number = factories.id_number(birth="20091124", sequence=1)
    young.save()
    woman.retirement_track = "cadre_f"
    woman.save()
    Person.objects.filter(pk=man.pk).update(
        id_number=factories.id_number(birth="19700320", sequence=3)
    )
    assert_equal_to_the_full_count()


def test_a_unit_with_a_new_code_takes_its_people_in_work_along(foshan, registrations):
    street = foshan["chancheng_street"]
    street.code = "440604002000"
    street.save()
    community = foshan["chancheng_community"]
    community.code = "440604002001"
    community.save()
    assert counts_by_unit(datetime.date(2026, 12, 1), datetime.date(2026, 12, 1))[
        "440604002"
    ]["employed_at_end"]
    assert_equal_to_the_full_count()


def test_compacting_and_rebuilding_leave_the_counts_as_they_were(registrations):
    registrations[2].end_date = datetime.date(2026, 8, 31)
    registrations[2].save()
    before = EmployedChange.objects.count()
    fewer = services.compact_employed_changes()
    left = EmployedChange.objects.count()
    assert fewer == before - left > 0
    assert_equal_to_the_full_count()
    EmployedChange.objects.all().delete()
    services.rebuild_employed_changes()
    assert EmployedChange.objects.count() == left
    assert_equal_to_the_full_count()


def test_compacting_rewrites_only_the_streets_and_days_with_new_rows(
    foshan, registrations, people
):
    services.compact_employed_changes()
    kept = set(EmployedChange.objects.values_list("pk", flat=True))
    assert services.compact_employed_changes() == 0
    assert set(EmployedChange.objects.values_list("pk", flat=True)) == kept
    nanhai = foshan["nanhai_street"].code[:9]
    # The woman left Nanhai on 2024-06-01 (-1 there): this +1 cancels it out.
    old = EmployedChange.objects.get(street=nanhai, day=datetime.date(2024, 6, 1))
    register(
        people[3],
        foshan["nanhai_street"],
        datetime.date(2024, 6, 1),
        datetime.date(2024, 12, 31),
    ).save()
    new = EmployedChange.objects.get(street=nanhai, day=datetime.date(2025, 1, 1))
    assert services.compact_employed_changes() == 2
    assert set(EmployedChange.objects.values_list("pk", flat=True)) == (
        kept - {old.pk}
    ) | {new.pk}
    assert_equal_to_the_full_count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_registrations_written_while_compacting_are_all_counted(foshan, people):
    """Writers append while the hourly refresh compacts: no change is lost or
    counted twice."""
    from django.db import connection

    start = threading.Barrier(3)

    def write(person, unit):
        start.wait()
        try:
            for month in range(1, 13):
                begins = datetime.date(2026, month, 1)
                register(person, unit, begins, begins + datetime.timedelta(20)).save()
        finally:
            connection.close()

    def compact():
        start.wait()
        try:
            for _round in range(30):
                services.compact_employed_changes()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(people[3], foshan["chancheng_street"])),
        threading.Thread(target=write, args=(people[4], foshan["nanhai_street"])),
        threading.Thread(target=compact),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert EmploymentRegistration.objects.count() == 24
    assert_equal_to_the_full_count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rebuild_waits_for_a_person_changed_meanwhile_and_counts_it_once(
    registrations, people
):
    """A person's retirement date changed in a transaction still open when the
    rebuild starts: the rebuild waits for it to commit and then counts the new
    date, once (without the lock it would run at once, and a commit between its
    delete and its insert would be counted twice)."""
    from django.db import connection

    woman = people[1]
    changed, committing, done = threading.Event(), threading.Event(), threading.Event()

    def change_the_person():
        try:
            with transaction.atomic():
                woman.retirement_track = "cadre_f"
                woman.save()
                changed.set()
                committing.wait(30)
        finally:
            connection.close()

    def rebuild():
        try:
            services.rebuild_employed_changes()
            done.set()
        finally:
            connection.close()

    writer = threading.Thread(target=change_the_person)
    writer.start()
    assert changed.wait(30)
    rebuilder = threading.Thread(target=rebuild)
    rebuilder.start()
    waited = not done.wait(1)
    committing.set()
    writer.join()
    rebuilder.join()
    assert waited
    assert done.is_set()
    assert_equal_to_the_full_count()
