"""Video interviews and recruiting halls on the dashboard, in the PDF and in the
spreadsheet: every figure equals a count made here with SQL over the rows, each
hall shows only within the area of the unit that runs it, and an area without
any says so (docs/statistics.md, "Video interviews", "Recruiting halls")."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from fairs.models import DeskContact, Hall, HallCheckIn, KioskSession
from jobs.models import VideoRoom
from portal.models import Employer, OrgUnit
from stats import services
from stats.models import Fact, Report
from stats.periods import Period
from tests import factories
from tests.stats.test_reports import pdf_text, sheet_rows

URL = reverse("stats:dashboard")
VIDEO_LABELS = [
    "视频面试场次",
    "参加视频面试的用人单位",
    "参加视频面试的求职者",
    "结果为录用",
    "结果为待定",
    "结果为不合适",
    "尚未记录结果",
]
HALL_LABELS = [
    "签到人次",
    "自助机生成简历",
    "桌面机发出面试邀请",
    "达成意向",
    "大厅录用",
]


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def activity(foshan, employer, other_employer):
    """This month and last: video interviews of a Chancheng and a Nanhai employer
    (one seeker met both), and visits to halls run by the city, Chancheng,
    a Chancheng street and Nanhai."""
    period = Period.containing("month", timezone.localdate())
    today, last_month = timezone.localdate(), period.previous().start
    seekers = [
        factories.make_seeker(residence=foshan["chancheng_community"])
        for _n in range(4)
    ]
    for seeker in seekers:
        factories.make_resume(seeker)
    chancheng, nanhai = employer.employer, other_employer.employer
    for seeker, outcome in zip(seekers, ["hire", "hire", "pending", ""], strict=True):
        factories.make_video_room(chancheng, seeker, held_at=at(today), outcome=outcome)
    factories.make_video_room(chancheng, seekers[0])  # never held
    factories.make_video_room(
        chancheng, seekers[1], held_at=at(last_month), outcome="hire"
    )
    factories.make_video_room(
        nanhai, seekers[0], held_at=at(today), outcome="not_suitable"
    )

    halls = {
        "city": factories.make_hall(foshan["city"], "佛山市人力资源市场招聘大厅"),
        "chancheng": factories.make_hall(foshan["chancheng"], "禅城区智慧招聘大厅"),
        "street": factories.make_hall(foshan["chancheng_street"], "祖庙街道招聘服务站"),
        "nanhai": factories.make_hall(foshan["nanhai"], "南海区智慧招聘大厅"),
    }
    visit = factories.make_hall_visit
    visit(halls["chancheng"], seekers[0], today, resume=True, employer_user=employer,
          invite=True, outcome="hired")  # fmt: skip
    visit(halls["chancheng"], seekers[1], today, resume=True, employer_user=employer,
          invite=True, outcome="intention")  # fmt: skip
    visit(halls["chancheng"], seekers[2], today, employer_user=employer,
          outcome="unsuitable")  # fmt: skip
    visit(halls["chancheng"], seekers[3], today)
    visit(halls["chancheng"], seekers[0], last_month, resume=True)
    visit(halls["street"], seekers[1], today, resume=True)
    visit(halls["nanhai"], seekers[2], today, employer_user=other_employer,
          invite=True)  # fmt: skip
    visit(halls["city"], seekers[3], today, resume=True, employer_user=other_employer,
          outcome="hired")  # fmt: skip
    services.refresh_facts(period.previous())
    services.refresh_facts(period)
    return period, halls


def video_counts(unit: OrgUnit, period: Period) -> dict:
    """Counted here with SQL over the rooms, independently of jobs.queries."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*), count(DISTINCT r.employer_id), count(DISTINCT r.seeker_id),
                   count(*) FILTER (WHERE r.outcome = 'hire'),
                   count(*) FILTER (WHERE r.outcome = 'pending'),
                   count(*) FILTER (WHERE r.outcome = 'not_suitable'),
                   count(*) FILTER (WHERE r.outcome = '')
            FROM {VideoRoom._meta.db_table} r
            JOIN {Employer._meta.db_table} e ON e.id = r.employer_id
            JOIN {OrgUnit._meta.db_table} u ON u.id = e.org_unit_id
            WHERE u.code LIKE %s AND (r.held_at AT TIME ZONE %s)::date BETWEEN %s AND %s
            """,  # noqa: S608 (table names from the models)
            [
                unit.descendant_prefix + "%",
                timezone.get_current_timezone_name(),
                period.start,
                period.end,
            ],
        )
        return dict(zip(VIDEO_LABELS, cursor.fetchone(), strict=True))


def hall_counts(hall: Hall, period: Period) -> dict:
    """Counted here over the hall's rows: check-ins, kiosk resumes and the desks'
    invitations and results of the people who checked in in the period."""
    days = {"day__gte": period.start, "day__lte": period.end}
    contacts = DeskContact.objects.filter(
        check_in__in=HallCheckIn.objects.filter(hall=hall, **days)
    )
    made = KioskSession.objects.filter(
        terminal__hall=hall, resume_made_at__isnull=False
    )
    return dict(
        zip(
            HALL_LABELS,
            [
                HallCheckIn.objects.filter(hall=hall, **days).count(),
                sum(
                    period.start <= timezone.localdate(s.resume_made_at) <= period.end
                    for s in made
                ),
                contacts.exclude(invitation=None).count(),
                contacts.filter(outcome__in=["intention", "hired"]).count(),
                contacts.filter(outcome="hired").count(),
            ],
            strict=True,
        )
    )


def shown(rows) -> dict:
    """{label in Chinese: value} of the rows a page was given."""
    with translation.override("zh-hans"):
        return {str(label): figure["value"] for label, figure in rows}


def test_the_dashboard_shows_the_video_interviews_as_counted_with_their_changes(
    client, leader, foshan, activity
):
    period, _halls = activity
    client.force_login(leader)
    for unit in (foshan["city"], foshan["chancheng"], foshan["nanhai"]):
        response = client.get(URL, {"unit": unit.code})
        expected = video_counts(unit, period)
        assert shown(response.context["video_rows"]) == expected
        assert expected["视频面试场次"] > 0
        page = re.sub(r"\s+", " ", response.text)
        for label, value in expected.items():
            assert f'{label}</span><strong class="big">{value}</strong>' in page
    response = client.get(URL, {"unit": foshan["chancheng"].code})
    held = response.context["video_rows"][0][1]
    assert held["value"] == 4 and held["mom"] == 300  # one held last month
    # Two districts, one seeker in both: the city counts them once.
    city = video_counts(foshan["city"], period)
    assert city["参加视频面试的求职者"] == 4 and city["视频面试场次"] == 5


def test_the_dashboard_shows_each_hall_of_the_area_as_counted(
    client, leader, foshan, activity
):
    period, halls = activity
    client.force_login(leader)
    response = client.get(URL, {"unit": foshan["chancheng"].code})
    blocks = response.context["halls"]
    assert [block["name"] for block in blocks] == [
        "全部大厅",
        *sorted([halls["chancheng"].name, halls["street"].name]),
    ]
    by_name = {block["name"]: shown(block["rows"]) for block in blocks}
    for key in ("chancheng", "street"):
        assert by_name[halls[key].name] == hall_counts(halls[key], period)
    assert by_name[halls["chancheng"].name] == dict(
        zip(HALL_LABELS, [4, 2, 2, 2, 1], strict=True)
    )
    total = by_name["全部大厅"]
    assert total == {
        label: by_name[halls["chancheng"].name][label]
        + by_name[halls["street"].name][label]
        for label in HALL_LABELS
    }
    [chancheng] = [
        block for block in blocks if block["name"] == halls["chancheng"].name
    ]
    check_ins = chancheng["rows"][0][1]
    assert check_ins["value"] == 4 and check_ins["mom"] == 300  # one last month
    city = client.get(URL).context["halls"]
    assert {block["name"] for block in city} == {
        "全部大厅",
        *(hall.name for hall in halls.values()),
    }


def test_a_district_sees_only_the_halls_it_runs_and_those_below(
    client, foshan, activity, outsider_caseworker
):
    period, halls = activity
    nanhai_leader = factories.make_staff("leader", org_unit=foshan["nanhai"])
    client.force_login(nanhai_leader)
    response = client.get(URL)
    assert [block["name"] for block in response.context["halls"]] == [
        halls["nanhai"].name
    ]
    for other in ("chancheng", "street", "city"):
        assert halls[other].name not in response.text
    assert client.get(URL, {"unit": foshan["chancheng"].code}).status_code == 404
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["nanhai"], requested_by=nanhai_leader)
    )  # fmt: skip
    text = pdf_text(report)
    assert halls["nanhai"].name in text
    assert not any(halls[other].name in text for other in ("chancheng", "street"))
    client.force_login(outsider_caseworker)  # a district caseworker: no statistics
    assert client.get(URL).status_code == 403


def test_the_pdf_and_the_spreadsheet_print_the_same_figures(foshan, activity, leader):
    period, halls = activity
    unit = foshan["chancheng"]
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=unit, requested_by=leader)
    )  # fmt: skip
    expected = video_counts(unit, period)
    header, *rows = sheet_rows(report, "视频面试")
    figures = {row[0]: row[1] for row in rows if row[1] is not None}
    assert figures == expected
    assert rows[-1][0].endswith("：全区数为各街道（镇）数之和。")
    text = pdf_text(report)
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    for label, value in expected.items():
        assert any(line.startswith(f"{label} {value} ") for line in lines), label
    header, *rows = sheet_rows(report, "招聘大厅")
    for key in ("chancheng", "street"):
        printed = {row[1]: row[2] for row in rows if row[0] == halls[key].name}
        assert printed == hall_counts(halls[key], period)
    assert "全区数" not in rows[-1][0]  # hall figures do not add up
    assert "禅城区智慧招聘大厅" in text and "自助机生成简历" in text


def test_an_area_without_video_interviews_or_halls_says_so(
    client, leader, foshan, activity
):
    period, _halls = activity
    VideoRoom.objects.filter(employer__org_unit=foshan["nanhai_street"]).delete()
    services.refresh_facts(period)
    client.force_login(leader)
    response = client.get(URL, {"unit": foshan["nanhai_street"].code})
    assert "本期没有视频面试" in response.text
    assert "本地区没有招聘大厅" in response.text
    assert response.context["halls"] == []
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["nanhai_street"], requested_by=leader)
    )  # fmt: skip
    text = pdf_text(report)
    assert "本期没有视频面试" in text and "本地区没有招聘大厅" in text


def test_video_rooms_and_employers_add_up_but_seekers_and_halls_do_not(
    foshan, activity
):
    period, _halls = activity

    def value(unit, indicator):
        return (
            Fact.objects.for_period(period)
            .get(org_unit=unit, indicator=indicator, dimension="", category="")
            .value
        )

    districts = OrgUnit.objects.filter(parent=foshan["city"])
    for indicator in ("video_held", "video_employers", "video_hire"):
        assert value(foshan["city"], indicator) == sum(
            value(d, indicator) for d in districts
        )
    seekers = sum(value(d, "video_seekers") for d in districts)
    assert value(foshan["city"], "video_seekers") == seekers - 1
    check_ins = sum(value(d, "hall_check_ins") for d in districts)
    assert value(foshan["city"], "hall_check_ins") == check_ins + 1  # the city's own
