"""Benchmark of the statistics on a Foshan-scale data set.

    .venv/bin/python bench/stats.py [--scale 1.0] [--requests 200] [--clients 8]

Uses the database `portal_city` (created, seeded and filled by `manage.py
generate_city` once: 5 million people and the rest at scale 1), or the one
BENCH_DATABASE names (a copy, to measure a change of schema without migrating the
shared one). Prints,
each figure with the load average (1 min) when it was taken:
- the time to generate the data set (the first time);
- the time to compute every figure (refresh_facts: city, districts, streets) of
  last month (aim ≤ 10 s), last quarter and last year;
- the hourly refresh as the schedule runs it (stats.tasks.refresh_recent_facts:
  the current month, quarter and year, and the previous ones while late data may
  arrive), with the periods it computed;
- a checksum of last month's stored figures, to compare two runs (say, before and
  after a change of the computation: equal checksums, equal figures), and the
  city's people in work at the end of last month against the full count over every
  registration (registration.queries.counts);
- the city's headline figures of last month and whether the city equals the sum of
  its districts;
- the city's monthly report as a leader waits for it: for the month before last
  with its own figures deleted first (the 12 months it compares with stored), so
  the wait includes computing them, as request_report's task does; then for last
  month from the stored figures (PDF and spreadsheet);
- the dashboard over HTTP under concurrency: gunicorn as production runs it
  (serve_portal's web_server: 2 processes of 4 threads), `clients` client threads
  sending `requests` requests for the city and each district in turn, logged in
  as a leader; p50/p95/p99 client-side and requests per second.
"""

import argparse
import hashlib
import os
import statistics
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
DATABASE = os.environ.setdefault("BENCH_DATABASE", "portal_city")
warnings.filterwarnings("ignore", message="No directory at")

from bench.jobs import ensure_database, serve  # noqa: E402

PORT = "8771"


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def checksum(period) -> str:
    """A digest of every figure stored for the period, independent of row order."""
    from stats.models import Fact

    rows = sorted(
        Fact.objects.for_period(period).values_list(
            "org_unit__code", "indicator", "dimension", "category", "value"
        )
    )
    text = "\n".join("|".join(str(part) for part in row) for row in rows)
    return (
        f"{len(rows)} figures, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}"
    )


def dashboard_over_http(urls: list[str], cookie: str, clients: int) -> tuple:
    """Latencies (ms) and seconds of `clients` threads sending the URLs in turn."""
    lock = threading.Lock()
    position, samples, failures = [0], [], []

    def worker():
        while True:
            with lock:
                if position[0] >= len(urls):
                    return
                url = urls[position[0]]
                position[0] += 1
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request) as response:
                    response.read()
                    if response.status != 200 or response.url != url:
                        failures.append(url)
            except OSError:
                failures.append(url)
            samples.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started, failures


def percentile(ordered, share):
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    ensure_database(DATABASE)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone, translation

    from portal.models import OrgUnit, User
    from registration.queries import counts
    from stats import reports, services, tasks
    from stats.models import Fact, Report
    from stats.periods import MONTH, QUARTER, YEAR, Period
    from stats.services.facts import fill_missing_facts

    if not OrgUnit.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    started = time.perf_counter()
    call_command("generate_city", scale=args.scale)
    print(f"generate_city: {time.perf_counter() - started:.0f} s")
    today = timezone.localdate()
    month = Period.containing(MONTH, today).previous()
    for kind in (MONTH, QUARTER, YEAR):
        period = Period.containing(kind, today).previous()
        facts, seconds = timed(lambda period=period: services.refresh_facts(period))
        print(f"figures of {period.slug} (city, districts, streets): {facts} facts "
              f"in {seconds:.1f} s ({load()})")  # fmt: skip
    done, seconds = timed(tasks.refresh_recent_facts)
    recent = [Period.containing(kind, today) for kind in (MONTH, QUARTER, YEAR)]
    late = [
        period.previous()
        for period in recent
        if (today - period.previous().end).days <= settings.STATS_LATE_DAYS
    ]
    print(f"hourly refresh (refresh_recent_facts: "
          f"{', '.join(p.slug for p in recent + late)}): {done} facts in "
          f"{seconds:.1f} s ({load()})")  # fmt: skip
    city = OrgUnit.objects.get(level="city")
    districts = list(OrgUnit.objects.filter(level="district"))
    print(f"  stored figures of {month.slug}: {checksum(month)}")
    stored = Fact.objects.for_period(month).get(
        org_unit=city, indicator="employed_at_end", dimension=""
    )
    full, seconds = timed(lambda: counts(city, month.end, month.end)["employed_at_end"])
    print(f"  people in work at the end of {month.slug}, city: stored "
          f"{stored.value:,.0f}, full count {full:,} ({seconds:.1f} s), "
          f"{'equal' if stored.value == full else 'DIFFERENT'}")  # fmt: skip
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

    leader = User.objects.get(username="leader")
    unstored = month.previous()
    # The 12 months it compares with are stored (computed once, the first run).
    filled, seconds = timed(lambda: fill_missing_facts(unstored.trend()[:-1]))
    if filled:
        print(f"  (stored the figures of the 12 months before {unstored.slug}: "
              f"{seconds:.0f} s)")  # fmt: skip
    Fact.objects.for_period(unstored).delete()
    report, seconds = timed(lambda: services.request_report(unstored, city, by=leader))
    report.refresh_from_db()
    if settings.Q_CLUSTER.get("sync"):
        print(f"city monthly report of {unstored.slug}, its figures not stored: "
              f"{report.status} in {seconds:.1f} s, figures, PDF and spreadsheet "
              f"({load()})")  # fmt: skip
    else:
        print("city monthly report without stored figures: not timed, the task is "
              "queued (BENCH_Q_SYNC=false)")  # fmt: skip
    Report.objects.filter(pk=report.pk).delete()
    with translation.override("zh-hans"):
        context, read = timed(lambda: reports.report_context(city, month))
        pdf, rendered = timed(lambda: reports.pdf(context))
        xlsx, sheet = timed(lambda: reports.xlsx(context))
    print(f"city monthly report of {month.slug}, figures stored: figures read in "
          f"{read:.2f} s, PDF {rendered:.2f} s ({len(pdf) // 1024} KiB), "
          f"sheet {sheet:.2f} s ({len(xlsx) // 1024} KiB) ({load()})")  # fmt: skip

    client = Client()
    client.force_login(leader)
    name = settings.SESSION_COOKIE_NAME
    cookie = f"{name}={client.cookies[name].value}"
    base = f"http://127.0.0.1:{PORT}/stats/?period={month.slug}"
    units = [city, *districts]
    urls = [f"{base}&unit={units[i % len(units)].code}" for i in range(args.requests)]
    server = serve(PORT, BENCH_DATABASE=DATABASE)
    try:
        dashboard_over_http(urls[: len(units)], cookie, 1)  # each page once, warm
        samples, seconds, failures = dashboard_over_http(urls, cookie, args.clients)
    finally:
        server.terminate()
        server.wait()
    samples.sort()
    print(f"dashboard over HTTP (gunicorn 2 processes x 4 threads, {args.clients} "
          f"clients, {len(samples)} requests, city and districts): p50 "
          f"{statistics.median(samples):.0f} ms, p95 {percentile(samples, 0.95):.0f} "
          f"ms, p99 {percentile(samples, 0.99):.0f} ms, "
          f"{len(samples) / seconds:.1f} req/s, {len(failures)} failed "
          f"({load()})")  # fmt: skip


if __name__ == "__main__":
    main()
