"""Growth benchmark: the same measurements on databases of growing size.

    .venv/bin/python bench/growth.py DATABASE [DATABASE …] [--rounds 2]
        [--queries 600] [--seconds 10] [--requests 120] [--rows 100000]
        [--replica-host HOST]

Each DATABASE is one generate_city filled on the embedded PostgreSQL
(EMBEDDED_PGDATA): `manage.py seed_demo`, then `manage.py generate_city --scale S
[--cities N]`, with BENCH_DATABASE naming it. Per database and round, the rounds
alternating between the databases (A B A B: a change of the shared machine's load
falls on all alike), a child process measures, with the functions of the other
benches:
- search: the realistic mix of bench/jobs.py (traffic(): QUERIES searches drawn
  from the data), asked in process with the per-process caches emptied before each:
  server time p50/p95; then served as production (gunicorn, 2 processes of 4
  threads, caches off) to 16 client threads for SECONDS (throughput()): requests
  per second and p95;
- the dashboard over HTTP (bench/stats.py's dashboard_over_http()): REQUESTS
  requests of the first city and its districts, last month, 8 clients, logged in
  as its leader: p50/p95;
- a month's figures: refresh_facts(last month), every city, district and street;
- the first city's monthly report from stored figures: figures read and PDF;
- the insurance import (bench/registration_import.py's write_file() and
  timed_import()): ROWS enrolment rows of generated people and employers into the
  grown register, in a transaction rolled back afterwards, so every round sees the
  database as generated.
With --replica-host (a streaming standby of the same cluster: a socket directory,
or host:port), search throughput and the dashboard are measured a second time with
DATABASE_REPLICA_URLS pointing the served portal at it.

Prints each round's figures with the load average (1 min) when each was taken,
then one growth table: the median over the rounds per database, and each figure as
a multiple of the first database's.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
warnings.filterwarnings("ignore", message="No directory at")

PORT = "8773"
# (key, heading, unit) of the growth table, in its order.
COLUMNS = [
    ("people", "people", "M"),
    ("postings", "published postings", "k"),
    ("search_p50", "search p50", "ms"),
    ("search_p95", "search p95", "ms"),
    ("search_rate", "search served", "req/s"),
    ("search_served_p95", "search served p95", "ms"),
    ("dashboard_p50", "dashboard p50", "ms"),
    ("dashboard_p95", "dashboard p95", "ms"),
    ("month_s", "month's figures", "s"),
    ("report_s", "report PDF", "s"),
    ("import_rate", "import", "rows/s"),
]
REPLICA_COLUMNS = [
    ("replica_search_rate", "search served, replica", "req/s"),
    ("replica_search_served_p95", "search served p95, replica", "ms"),
    ("replica_dashboard_p50", "dashboard p50, replica", "ms"),
    ("replica_dashboard_p95", "dashboard p95, replica", "ms"),
]


def load() -> float:
    return round(os.getloadavg()[0], 2)


def replica_url(host: str, database: str) -> str:
    if host.startswith("/"):
        return f"postgres://postgres@/{database}?host={urllib.parse.quote(host)}"
    return f"postgres://postgres@{host}/{database}"


def measure(database: str, args) -> dict:
    """One round on one database, in this (child) process."""
    import bench.stats as stats_bench  # sets BENCH_DATABASE: replaced below

    os.environ["BENCH_DATABASE"] = database
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone, translation

    from bench.jobs import percentiles, serve, throughput, traffic
    from bench.registration_import import timed_import, write_file
    from jobs.models import JobPosting
    from portal.models import Employer, OrgUnit, Person, User
    from stats import reports, services
    from stats.management.commands.generate_city import MARK
    from stats.periods import MONTH, Period

    figures, loads = {}, {}
    figures["people"] = Person.objects.count() / 1e6
    figures["postings"] = JobPosting.objects.published().count() / 1e3

    queries = traffic(args.queries, seed=17)
    client = Client()
    client.get("/jobs/")  # warm
    samples = []
    for _name, params in queries:
        caches["search"].clear()
        caches["template_fragments"].clear()
        started = time.perf_counter()
        response = client.get("/jobs/", params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, params
    figures["search_p50"], figures["search_p95"], _ = percentiles(samples)
    loads["search"] = load()

    month = Period.containing(MONTH, timezone.localdate()).previous()
    started = time.perf_counter()
    services.refresh_facts(month)
    figures["month_s"] = time.perf_counter() - started
    loads["month"] = load()

    city = OrgUnit.objects.filter(level="city").order_by("pk").first()
    with translation.override("zh-hans"):
        started = time.perf_counter()
        reports.pdf(reports.report_context(city, month))
        figures["report_s"] = time.perf_counter() - started
    loads["report"] = load()

    persons = list(
        Person.objects.filter(address=MARK)
        .order_by("pk")
        .values_list("id_number", flat=True)[: args.rows // 2]
    )
    employers = list(
        Employer.objects.filter(name__contains="生成企业")
        .order_by("pk")
        .values_list("uscc", flat=True)[:20_000]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "enrolments.csv"
        write_file(path, args.rows, persons, employers)
        with transaction.atomic():
            seconds, _cpu, _result = timed_import(path)
            transaction.set_rollback(True)
    figures["import_rate"] = args.rows / seconds
    loads["import"] = load()

    base = f"http://127.0.0.1:{PORT}"
    search_urls = [f"{base}/jobs/?{urllib.parse.urlencode(p)}" for _n, p in queries]
    leader = User.objects.get(username="leader")
    login = Client()
    login.force_login(leader)
    name = settings.SESSION_COOKIE_NAME
    cookie = f"{name}={login.cookies[name].value}"
    units = [city, *OrgUnit.objects.filter(parent=city)]
    dashboard_urls = [
        f"{base}/stats/?period={month.slug}&unit={units[i % len(units)].code}"
        for i in range(args.requests)
    ]
    servers = [("", {})]
    if args.replica_host:
        url = replica_url(args.replica_host, database)
        servers.append(("replica_", {"DATABASE_REPLICA_URLS": url}))
    for prefix, env in servers:
        server = serve(PORT, BENCH_DATABASE=database, BENCH_CACHES="off", **env)
        try:
            rate, (_p50, p95, _p99), _cpu = throughput(
                search_urls, args.seconds, server
            )
            figures[f"{prefix}search_rate"] = rate
            figures[f"{prefix}search_served_p95"] = p95
            loads[f"{prefix}search_served"] = load()
            stats_bench.dashboard_over_http(dashboard_urls[: len(units)], cookie, 1)
            ms, _seconds, failures = stats_bench.dashboard_over_http(
                dashboard_urls, cookie, 8
            )
            assert not failures, failures[:3]
            ms.sort()
            figures[f"{prefix}dashboard_p50"] = statistics.median(ms)
            figures[f"{prefix}dashboard_p95"] = stats_bench.percentile(ms, 0.95)
            loads[f"{prefix}dashboard"] = load()
        finally:
            server.terminate()
            server.wait()
    return {"database": database, "figures": figures, "loads": loads}


def table(results: list[dict], databases: list[str], replica: bool) -> None:
    columns = COLUMNS + (REPLICA_COLUMNS if replica else [])
    medians = {
        database: {
            key: statistics.median(
                r["figures"][key] for r in results if r["database"] == database
            )
            for key, _heading, _unit in columns
        }
        for database in databases
    }
    first = medians[databases[0]]
    print("\ngrowth table (median of the rounds; × = multiple of the first database):")
    print(f"  {'':<30}" + "".join(f"{d:>22}" for d in databases))
    for key, heading, unit in columns:
        cells = []
        for database in databases:
            value = medians[database][key]
            ratio = value / first[key] if first[key] else float("nan")
            cells.append(f"{value:>12,.{1 if value < 100 else 0}f} ({ratio:4.2f}×)")
        print(
            f"  {heading + ' (' + unit + ')':<30}" + "".join(f"{c:>22}" for c in cells)
        )
    loads = [value for r in results for value in r["loads"].values()]
    print(
        f"  load average (1 min) during the measurements: {min(loads):.1f} to "
        f"{max(loads):.1f}, median {statistics.median(loads):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--replica-host", default="")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args)))
        return
    results = []
    for round_ in range(1, args.rounds + 1):
        for database in args.databases:
            child = subprocess.run(
                [sys.executable, __file__, *sys.argv[1:], "--one", database],
                capture_output=True,
                text=True,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            )
            if child.returncode:
                sys.exit(f"Measuring {database} failed:\n{child.stderr[-3000:]}")
            result = json.loads(child.stdout.strip().splitlines()[-1])
            results.append(result)
            figures = ", ".join(f"{k} {v:,.1f}" for k, v in result["figures"].items())
            loads = ", ".join(f"{k} {v}" for k, v in result["loads"].items())
            print(f"round {round_}, {database}: {figures} | load {loads}", flush=True)
    table(results, args.databases, bool(args.replica_host))


if __name__ == "__main__":
    main()
