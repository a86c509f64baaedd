import datetime

import time_machine
from django.utils import timezone

from fairs import queries, services
from fairs.services import gate
from tests import factories


def test_period_figures_count_what_happened(foshan, employer, seeker, caseworker):
    fair = factories.make_fair(foshan["chancheng"])
    posting = factories.make_posting(employer.employer, headcount=3)
    booking = services.book_booth(
        fair, fair.booths.first(), employer=employer.employer, postings=[posting],
        by=employer,
    )  # fmt: skip
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    moment = timezone.make_aware(datetime.datetime.combine(fair.date, datetime.time(9)))
    with time_machine.travel(moment, tick=False):
        gate.scan(fair, booking.pass_token, by=caseworker)
        gate.scan(fair, seeker_pass.short_code, by=caseworker)
    figures = queries.period_figures(foshan["city"], fair.date, fair.date)
    assert figures == {
        "interests": 0,
        "intentions": 0,
        "fairs": 1,
        "employers_present": 1,
        "no_shows": 0,
        "seekers_entered": 1,
        "positions": 3,
    }
    assert queries.period_figures(foshan["nanhai"], fair.date, fair.date)["fairs"] == 0


def test_seekers_see_exhibitors_matching_their_resume(client, foshan, employer, seeker):
    fair = factories.make_fair(foshan["chancheng"])
    factories.make_resume(seeker, intended_occupations="仓库管理员")
    wanted = factories.make_posting(employer.employer, title="仓库管理员")
    services.book_booth(
        fair, fair.booths.get(number="A02"), employer=employer.employer,
        postings=[wanted], by=employer,
    )  # fmt: skip
    matches = queries.matching_exhibitors(fair, seeker.person)
    assert [m["booking"].booth.number for m in matches] == ["A02"]
    client.force_login(seeker)
    assert "A02" in client.get(fair.get_absolute_url()).text
