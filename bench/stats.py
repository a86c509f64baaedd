"""Benchmark of the statistics on a Foshan-scale data set.

    .venv/bin/python bench/stats.py [--scale 1.0] [--requests 60]

Uses the database `portal_city` (created, seeded and filled by
`manage.py generate_city` once: 5 million people and the rest at scale 1). Prints:
- the time to generate the data set (the first time), with generate_city's summary
  of the last 12 months;
- the time to compute every figure of last month for the city, its districts and
  streets (the monthly report's figures; aim ≤ 10 s), and of last quarter, and the
  city's headline figures of last month as stored: vacancies, job seekers, their
  ratio (aim 0.9–2) and the registered unemployment rate (aim 1.5–5 %);
- the time to build the city's monthly PDF from the stored figures (aim ≤ 5 s) and
  its spreadsheet;
- the dashboard's server time over `requests` requests (p50, p95; aim p95 < 300 ms);
- whether the city equals the sum of its districts.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["BENCH_DATABASE"] = "portal_city"
warnings.filterwarnings("ignore", message="No directory at")

from bench.jobs import ensure_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    ensure_database("portal_city")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.test import Client
    from django.utils import timezone, translation

    from portal.models import OrgUnit, User
    from stats import reports, services
    from stats.models import Fact
    from stats.periods import MONTH, QUARTER, Period

    if not OrgUnit.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    started = time.perf_counter()
    call_command("generate_city", scale=args.scale)
    print(f"generate_city: {time.perf_counter() - started:.0f} s")
    today = timezone.localdate()
    month = Period.containing(MONTH, today).previous()
    quarter = Period.containing(QUARTER, today).previous()
    for period in (month, quarter):
        started = time.perf_counter()
        facts = services.refresh_facts(period)
        seconds = time.perf_counter() - started
        print(f"figures of {period.slug} (city, districts, streets): {facts} facts in "
              f"{seconds:.1f} s")  # fmt: skip
    city = OrgUnit.objects.get(level="city")
    districts = OrgUnit.objects.filter(level="district")
    headline = dict(
        Fact.objects.for_period(month)
        .filter(org_unit=city, dimension="")
        .filter(indicator__in=["demand", "seekers", "unemployment_rate"])
        .values_list("indicator", "value")
    )
    demand, seekers = headline.get("demand", 0), headline.get("seekers", 0)
    ratio = f"{demand / seekers:.2f}" if seekers else "—"
    rate = headline.get("unemployment_rate")
    print(f"  city, {month.slug}: vacancies {demand:,.0f}, job seekers {seekers:,.0f}, "
          f"ratio {ratio}; registered unemployment rate "
          f"{f'{rate} %' if rate is not None else 'not stored'}")  # fmt: skip
    for indicator in ("demand", "seekers"):
        values = Fact.objects.for_period(month).filter(
            indicator=indicator, dimension=""
        )
        total = values.get(org_unit=city).value
        parts = sum(
            values.filter(org_unit__in=districts).values_list("value", flat=True)
        )
        print(f"  {indicator}: city {total:,.0f}, sum of districts {parts:,.0f}, "
              f"{'equal' if total == parts else 'DIFFERENT'}")  # fmt: skip
    with translation.override("zh-hans"):
        started = time.perf_counter()
        context = reports.report_context(city, month)
        built = time.perf_counter()
        pdf = reports.pdf(context)
        rendered = time.perf_counter()
        xlsx = reports.xlsx(context)
        done = time.perf_counter()
    print(f"city monthly report: figures read in {built - started:.2f} s, PDF "
          f"{rendered - built:.2f} s ({len(pdf) // 1024} KiB), spreadsheet "
          f"{done - rendered:.2f} s ({len(xlsx) // 1024} KiB)")  # fmt: skip
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    url = f"/stats/?period={month.slug}"
    client.get(url)  # warm
    samples = []
    for index in range(args.requests):
        unit = [city, *districts][index % (1 + districts.count())]
        started = time.perf_counter()
        response = client.get(f"{url}&unit={unit.code}")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"dashboard: {len(samples)} requests, p50 {statistics.median(samples):.0f} "
          f"ms, p95 {p95:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
