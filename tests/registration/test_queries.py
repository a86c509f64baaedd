import datetime

import time_machine

from portal.models import DifficultyCategory
from registration import services
from registration.models import (
    CancellationReason,
    DifficultyRecognition,
    UnemploymentRegistration,
)
from registration.queries import counts, counts_by_unit, month_bounds
from tests import factories


def test_counts_per_unit_and_month(foshan, caseworker, employer, other_employer):
    community = foshan["chancheng_community"]
    people = [
        factories.make_person(residence=community, name=f"人员{i}") for i in range(4)
    ]
    with time_machine.travel(datetime.datetime(2026, 9, 10, 10, 0)):
        for person in people[:3]:
            factories.make_unemployment(person, by=caseworker)
        recognition = services.apply_for_recognition(
            DifficultyRecognition(
                person=people[1],
                category=DifficultyCategory.objects.get(code="disabled"),
                statement="持残疾证",
            ),
            by=caseworker,
        )
        services.start_recognition_notice(recognition, by=caseworker)
    with time_machine.travel(datetime.datetime(2026, 9, 20, 10, 0)):
        services.approve_recognition(
            recognition, by=factories.make_staff("caseworker", org_unit=foshan["city"])
        )
    with time_machine.travel(datetime.datetime(2026, 10, 15, 10, 0)):
        # Two of the unemployed find work in October; one of them is recognised.
        factories.file_hire(employer, people[0], datetime.date(2026, 10, 12))
        factories.file_hire(employer, people[1], datetime.date(2026, 10, 14))
        # A job change is not new employment.
        old = factories.file_hire(other_employer, people[3], datetime.date(2025, 1, 1))
        services.end_employment(
            old,
            by=other_employer,
            end_date=datetime.date(2026, 10, 1),
            reason="resigned",
        )
        factories.file_hire(employer, people[3], datetime.date(2026, 10, 5))

    chancheng = foshan["chancheng"]
    assert counts(chancheng, *month_bounds(2026, 9)) == {
        "new_unemployed": 3,
        "unemployed_at_end": 3,
        "employed_at_end": 0,
        "reemployed": 0,
        "difficulty_employed": 0,
        "new_employment": 0,
    }
    assert counts(chancheng, *month_bounds(2026, 10)) == {
        "new_unemployed": 0,
        "unemployed_at_end": 1,
        "employed_at_end": 3,
        "reemployed": 2,
        "difficulty_employed": 1,
        "new_employment": 2,
    }
    assert counts(foshan["nanhai"], *month_bounds(2026, 10))["new_unemployed"] == 0
    assert counts(foshan["city"], *month_bounds(2026, 9))["new_unemployed"] == 3


def test_the_unemployment_counts_of_every_unit_equal_the_count_for_that_unit(
    foshan, caseworker
):
    """counts_by_unit counts the three unemployment figures in one scan; each
    equals counts() of that unit alone: registrations for the new and the
    registered at the end, distinct people for the re-employed (one re-employed in
    two districts counts once in each and once in the city)."""
    hired = CancellationReason.objects.get(code="hired")
    withdrew = CancellationReason.objects.get(code="withdrew")
    Status = UnemploymentRegistration.Status

    def registered(community, on, cancelled=None, reason=None, person=None):
        person = person or factories.make_person(residence=foshan[community])
        row = factories.make_unemployment(person, by=caseworker)
        UnemploymentRegistration.objects.filter(pk=row.pk).update(
            org_unit=foshan[community],
            registered_on=on,
            cancelled_on=cancelled,
            cancellation_reason=reason,
            status=Status.CANCELLED if cancelled else Status.REGISTERED,
        )
        return person

    day = datetime.date
    registered("chancheng_community", day(2026, 9, 3))
    registered("chancheng_community", day(2026, 8, 1))
    moved = registered("chancheng_community", day(2026, 7, 1), day(2026, 9, 10), hired)
    registered("nanhai_community", day(2026, 9, 12), day(2026, 9, 25), hired, moved)
    registered("nanhai_community", day(2026, 9, 5), day(2026, 9, 20), withdrew)
    registered("nanhai_community", day(2026, 10, 1))  # after the month

    first, last = month_bounds(2026, 9)
    by_unit = counts_by_unit(first, last)
    names = ["new_unemployed", "unemployed_at_end", "reemployed"]
    for key in ("city", "chancheng", "chancheng_street", "nanhai", "nanhai_street"):
        unit = foshan[key]
        expected = {name: counts(unit, first, last)[name] for name in names}
        found = by_unit.get(unit.descendant_prefix, {})
        assert {name: found.get(name, 0) for name in names} == expected
    assert [by_unit["4406"].get(name, 0) for name in names] == [3, 2, 1]
    assert [by_unit["440604"].get(name, 0) for name in names] == [1, 2, 1]
    assert [by_unit["440605"].get(name, 0) for name in names] == [2, 0, 1]
