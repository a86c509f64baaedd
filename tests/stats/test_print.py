"""What the reports print with: Noto Sans CJK SC for Chinese (its glyph forms,
not the Japanese ones) in the page and in the charts, a 13-month ratio trend, and
the shortage occupations in the spreadsheet."""

import subprocess

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from stats import charts, queries, reports, services
from stats.models import Fact, Report
from stats.periods import Period
from tests.stats.test_reports import sheet_rows

SC = "Noto Sans CJK SC"


def test_the_report_and_its_charts_are_set_in_simplified_chinese_type(foshan, market):
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    html = render_to_string(
        "pdf/stats_report.html", reports.report_context(foshan["city"], period)
    )
    assert '<html lang="zh-Hans">' in html
    charts_in_page = html.count("<svg")
    assert charts_in_page == 3
    assert html.count(f"font-family=\"'{SC}'") == charts_in_page
    with open(finders.find("css/print.css")) as css:
        assert f'html {{ font-family: "{SC}"' in css.read()
    matched = subprocess.run(
        ["fc-match", "-f", "%{family}", SC], capture_output=True, check=True
    ).stdout.decode()
    assert SC in matched.split(",")


def test_a_bar_chart_names_its_font():
    svg = charts.bar_chart([("第一产业", 3)], title="按行业")
    assert f"font-family=\"'{SC}'" in svg


def test_the_ratio_trend_covers_13_months_computed_when_missing(foshan, market, leader):
    period = Period.containing("month", timezone.localdate())
    services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    months = [p for p, _value in queries.trend(foshan["city"], period, "ratio")]
    assert months == period.trend(13) and len(months) == 13
    for month in months:
        assert (
            Fact.objects.for_period(month)
            .filter(org_unit=foshan["city"], indicator="demand", dimension="")
            .exists()
        )


def test_the_spreadsheet_lists_the_shortage_occupations(foshan, market, leader):
    period = Period.containing("month", timezone.localdate())
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    header, *rows = sheet_rows(report, "紧缺职业")
    gaps = queries.largest_gaps(foshan["city"], period)
    assert gaps and len(rows) == len(gaps)
    assert [row[0] for row in rows] == [gap["name"] for gap in gaps]
    assert rows[0][3] == gaps[0]["gap"]


def test_the_pdf_embeds_only_the_simplified_chinese_noto_fonts(foshan, market, leader):
    period = Period.containing("month", timezone.localdate())
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    with report.pdf.open("rb") as file:
        fonts = subprocess.run(
            ["pdffonts", "-"], input=file.read(), capture_output=True, check=True
        ).stdout.decode()
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert names and names <= {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}
