"""The summary in words a leader signs: the headline ratio with the early warnings
that fired (also printed beside it), the largest moves, and the occupations most
short of people, every number from the stored figures."""

import datetime

import time_machine
from django.template.loader import render_to_string
from django.utils import timezone, translation

from stats import reports, services
from stats.periods import Period
from stats.summary import sentences
from tests import factories

NOON = datetime.time(12, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_the_summary_names_a_fired_warning_and_a_shortage_occupation(
    foshan, market, caseworker, employer
):
    period = Period.containing("month", timezone.localdate())
    mid_last_month = period.previous().start + datetime.timedelta(days=14)
    with time_machine.travel(datetime.datetime.combine(mid_last_month, NOON)):
        factories.make_posting(employer.employer, headcount=3)
        first = factories.make_seeker(residence=foshan["chancheng_community"])
        factories.make_unemployment(first.person, by=caseworker)
    second = factories.make_seeker(residence=foshan["chancheng_community"])
    factories.make_unemployment(second.person, by=caseworker)
    services.refresh_facts(period.previous())
    services.refresh_facts(period)

    with translation.override("zh-hans"):
        lines = sentences(foshan["city"], period)
        html = render_to_string(
            "pdf/stats_report.html", reports.report_context(foshan["city"], period)
        )
    # The example rule of a new city: registered unemployed up more than 10%.
    warning = (
        "预警：佛山市登记失业人数环比上升100.00%，为2（预警阈值：环比上升超过10.00%）。"
    )
    assert warning in lines
    assert lines.index(warning) == 1  # right after the headline ratio
    assert any("登记失业人数上升100.00%，为2" in line for line in lines)
    assert "最缺人的职业为：仓库管理（需求12人，求职0人）。" in lines
    headline = html[html.index('class="headline"') : html.index('class="summary"')]
    assert "佛山市" in headline and "登记失业人数" in headline
    assert "+100.00%" in headline


def test_the_summary_says_when_no_warning_fired(foshan, market):
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    with translation.override("zh-hans"):
        lines = sentences(foshan["city"], period)
        html = render_to_string(
            "pdf/stats_report.html", reports.report_context(foshan["city"], period)
        )
    assert "本月未触发预警。" in lines
    assert "本期未触发预警。" in html
