import datetime

import time_machine

from portal.models import DifficultyCategory
from registration import services
from registration.models import DifficultyRecognition
from registration.queries import counts, month_bounds
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
