"""Benchmark of job search, the job map and matching on 200,000 published postings.

    .venv/bin/python bench/jobs.py [--count 200000] [--database portal_bench]
        [--queries 3000] [--seconds 10] [--seed 17] [--explain] [--no-matching]

Uses the database DATABASE (default `portal_bench`) on the embedded PostgreSQL (or
the server in DATABASE_URL), fills it once to COUNT published postings (seed_demo +
generate_postings, COPY), then prints:

- search traffic: a seeded list of QUERIES searches drawn from the data (occupation
  names, titles, skills and company words cut to 1–4 characters, words found in no
  posting, district names, filter combinations, sort orders, pages mostly 1), each
  asked once in process with the per-process caches emptied before it: server time
  and SQL time p50/p95/p99 per query class (--explain adds EXPLAIN (ANALYZE, BUFFERS)
  of the slowest query of each class);
- the cached case: one repeated URL, caches on;
- the map query and matching one resume (in-process test client);
- throughput in one run, served as production does (gunicorn, 2 processes of 4
  threads): the bare view (one indexed query, a small template), the traffic list
  with the per-process caches off, the same with them on, and the one repeated
  URL; each with the client's p50/p95/p99 and the server's CPU time per request,
  Python (gunicorn) and PostgreSQL (the backends of the bench database), which
  on a shared machine says more than the rate.

Every figure is printed with the load average, as the machine may be shared.
Throughput uses a Python client with 16 threads (the same for every row).
"""

import argparse
import collections
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

from portal import embedded_db  # noqa: E402

CACHED_URL = {"q": "会计"}
CENTRES = [(23.03, 113.13), (23.02, 113.12), (22.90, 112.89), (22.80, 113.29)]
# Words a seeker may type that no synthetic posting holds.
MISSES = ["区块链", "飞行员", "潜水", "律师", "钢琴", "宠物美容", "瑜伽", "翻译", "鉴",
          "舞蹈老师", "摄影", "保洁阿姨", "golang", "rust", "月嫂", "茶艺"]  # fmt: skip
SALARY_FLOORS = [3000, 4000, 5000, 6000, 7000, 8000, 10000, 15000]
# Keyword length a seeker types: mostly two to four characters, now and then one.
LENGTHS = ([1, 2, 3, 4], [8, 45, 20, 27])


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def percentiles(samples_ms):
    ordered = sorted(samples_ms)

    def at(share):
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    return statistics.median(ordered), at(0.95), at(0.99)


def report(label: str, figures) -> None:
    p50, p95, p99 = figures
    print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms ({load()})")


def prepare(count: int) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    with connection.cursor():
        pass
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from jobs.models import JobPosting

    if not JobPosting.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    missing = count - JobPosting.objects.published().count()
    if missing > 0:
        started = time.perf_counter()
        call_command("generate_postings", missing)
        print(f"generated {missing} postings in {time.perf_counter() - started:.1f} s")


def ensure_database(name: str) -> None:
    if os.environ.get("DATABASE_URL"):
        return
    embedded_db.start()
    import psycopg

    with psycopg.connect(
        host=embedded_db.socket_dir(),
        dbname="postgres",
        user="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _han_runs(text: str) -> list[str]:
    import re

    from jobs.search import HAN

    return re.findall(f"[{HAN}]+", text)


def _keyword(rng, sources: list[str]) -> str:
    """A piece of 1–4 characters of a word seekers would look for."""
    runs = [run for run in _han_runs(rng.choice(sources)) if run]
    run = rng.choice(runs or ["会计"])
    length = min(len(run), rng.choices(*LENGTHS)[0])
    start = rng.randrange(len(run) - length + 1)
    return run[start : start + length]


def traffic(count: int, seed: int) -> list[tuple[str, dict]]:
    """(query class, GET parameters) of `count` searches drawn from the data."""
    from jobs.models import JobPosting, JobType
    from portal.models import Employer, OrgUnit, Person

    rng = random.Random(seed)
    published = JobPosting.objects.published()
    titles = sorted(
        {t for pair in published.values_list("title", "occupation_name").distinct()
         for t in pair}
    )  # fmt: skip
    descriptions = list(
        published.order_by("pk").values_list("description", flat=True)[:400]
    )
    skills = sorted({run for text in descriptions for run in _han_runs(text)})
    companies = sorted(Employer.objects.verified().values_list("name", flat=True))
    districts = list(
        OrgUnit.objects.current()
        .filter(level=OrgUnit.Level.DISTRICT)
        .order_by("code")
        .values_list("code", "name")
    )
    educations = [code for code, _label in Person.Education.choices]
    job_types = ([t for t, _label in JobType.choices], [60, 20, 10, 10])

    def keyword():
        source = rng.choices([titles, skills, companies], [55, 30, 15])[0]
        return _keyword(rng, source)

    def filters(k: int) -> dict:
        chosen = rng.sample(["district", "salary_min", "education", "job_type",
                             "occupation", "posted_within"], k)  # fmt: skip
        values = {
            "district": lambda: rng.choice(districts)[0],
            "salary_min": lambda: str(rng.choice(SALARY_FLOORS)),
            "education": lambda: rng.choice(educations),
            "job_type": lambda: rng.choices(*job_types)[0],
            "occupation": lambda: str(rng.randint(1, 8)),
            "posted_within": lambda: rng.choice(["1", "3", "7", "30"]),
        }
        return {name: values[name]() for name in chosen}

    classes = {
        "keyword, 1 character": lambda: {"q": _keyword(rng, titles)[:1]},
        "keyword, 2 characters": lambda: {"q": _sized(keyword, 2)},
        "keyword, 3-4 characters": lambda: {"q": _sized(keyword, 3, 4)},
        "company word": lambda: {"q": _sized(lambda: _keyword(rng, companies), 2, 4)},
        "two keywords": lambda: {"q": f"{_sized(keyword, 2, 4)} {keyword()}"},
        "Latin word": lambda: {
            "q": rng.choice(["python", "java", "Python开发", "B2", "C1", "PHP", "cad"])
        },  # fmt: skip
        "miss": lambda: {"q": rng.choice(MISSES)},
        "district name": lambda: {"q": rng.choice(districts)[1][:2]},
        "keyword + filters": lambda: {"q": keyword(), **filters(rng.randint(1, 3))},
        "filters only": lambda: filters(rng.randint(1, 3)),
        "no filter": lambda: {},
        "sorted by salary": lambda: {
            "sort": "salary",
            **rng.choice([{}, {"q": keyword()}, filters(1)]),
        },  # fmt: skip
        "best match": lambda: {"sort": "relevance", "q": keyword()},
    }
    weights = [8, 22, 15, 4, 5, 3, 5, 3, 15, 10, 3, 4, 3]
    names = list(classes)
    queries = []
    for _ in range(count):
        name = rng.choices(names, weights)[0]
        params = classes[name]()
        page = rng.choices([1, 2, rng.randint(3, 5), rng.randint(6, 50)],
                           [80, 10, 6, 4])[0]  # fmt: skip
        if page > 1:
            params["page"] = str(page)
            name = "page 2-5" if page <= 5 else "page 6-50"
        queries.append((name, params))
    return queries


def _sized(make, low: int, high: int | None = None) -> str:
    """A keyword of `low` to `high` characters (tries a few; else the last one)."""
    high = high or low
    for _ in range(20):
        word = make()
        if low <= len(word) <= high:
            return word
    return word


class SqlTimer:
    """Sums the time of every SQL statement run (connection.execute_wrapper)."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def measure_traffic(queries, explain: bool) -> None:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    client = Client()
    client.get("/jobs/")  # warm
    by_class = collections.defaultdict(lambda: ([], [], []))
    for name, params in queries:
        caches["search"].clear()
        caches["template_fragments"].clear()
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get("/jobs/", params)
            server_ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (params, response.status_code)
        server, sql, slowest = by_class[name]
        server.append(server_ms)
        sql.append(timer.ms)
        slowest.append((timer.ms, params))
    unique = len({tuple(sorted(p.items())) for _n, p in queries})
    print(f"search traffic, uncached: {len(queries)} queries ({unique} different), "
          f"server time and SQL time in ms ({load()})")  # fmt: skip
    print(f"  {'class':<24}{'n':>5} | server p50   p95   p99 |  SQL p50   p95   p99")
    every_server, every_sql = [], []
    for name in sorted(by_class, key=lambda n: -len(by_class[n][0])):
        server, sql, _slowest = by_class[name]
        every_server += server
        every_sql += sql
        s50, s95, s99 = percentiles(server)
        q50, q95, q99 = percentiles(sql)
        print(f"  {name:<24}{len(server):>5} | {s50:>10.1f}{s95:>6.1f}{s99:>6.1f} |"
              f"{q50:>8.1f}{q95:>6.1f}{q99:>6.1f}")  # fmt: skip
    s50, s95, s99 = percentiles(every_server)
    q50, q95, q99 = percentiles(every_sql)
    print(f"  {'all':<24}{len(every_server):>5} | {s50:>10.1f}{s95:>6.1f}{s99:>6.1f} |"
          f"{q50:>8.1f}{q95:>6.1f}{q99:>6.1f}")  # fmt: skip
    if explain:
        for name, (_server, _sql, slowest) in sorted(by_class.items()):
            ms, params = max(slowest, key=lambda pair: pair[0])
            explain_search(name, params, ms)


def explain_search(name: str, params: dict, ms: float) -> None:
    from django.core.exceptions import EmptyResultSet
    from django.db import connection, transaction

    from jobs.forms import JobSearchForm
    from jobs.search_plans import (
        CappedPaginator,
        capped_count,
        page_postings,
        search_postings,
    )

    print(f"\n== {name}: slowest {params} ({ms:.1f} ms of SQL)")
    valid = JobSearchForm(params).valid_data()
    count = search_postings(valid).order_by()[: CappedPaginator.COUNT_CAP + 1]
    total, _ids, highest, spread = capped_count(valid)
    rows = page_postings(
        valid, params.get("page"), total, highest=highest, spread=spread
    )
    for label, queryset in [("count", count), ("page", rows)]:
        if isinstance(queryset, list):
            print(f"-- {label}: walked by _newest_deep_page ({len(queryset)} ids)")
            continue
        try:
            sql, sql_params = queryset.values("pk").query.sql_with_params()
        except EmptyResultSet:
            print(f"-- {label}: no query (an empty page)")
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            if label == "count" and "q" in valid:  # as capped_count() counts
                cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", sql_params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"-- {label}\n{plan}")


def time_requests(client, url, params_list, repeats, cached=False):
    from django.core.cache import caches

    samples = []
    for params in params_list:
        client.get(url, params)  # warm
        for _ in range(repeats):
            if not cached:
                caches["search"].clear()
                caches["template_fragments"].clear()
            started = time.perf_counter()
            response = client.get(url, params)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, params, response.status_code)
    return percentiles(samples)


def measure_in_process(matching_too: bool) -> None:
    from django.test import Client

    from jobs import matching
    from jobs.models import Resume

    client = Client()
    report(
        "cached case: one repeated URL /jobs/?q=会计, caches on (x 200)",
        time_requests(client, "/jobs/", [CACHED_URL], 200, cached=True),
    )
    rng = random.Random(1)
    points = [
        {"lat": f"{lat + rng.uniform(-0.01, 0.01):.5f}",
         "lng": f"{lng + rng.uniform(-0.01, 0.01):.5f}", "km": str(km)}
        for lat, lng in CENTRES for km in (1, 5, 10)
    ]  # fmt: skip
    report(
        f"map query /jobs/map.geojson ({len(points)} points x 10)",
        time_requests(client, "/jobs/map.geojson", points, 10),
    )
    if not matching_too:
        return
    samples = []
    for resume in Resume.objects.select_related("person__residence")[:20]:
        started = time.perf_counter()
        list(matching.postings_for(resume, limit=20))
        samples.append((time.perf_counter() - started) * 1000)
    report(f"matching, one resume ({len(samples)} resumes)", percentiles(samples))


def throughput(
    urls: list[str], seconds: int, server: subprocess.Popen
) -> tuple[float, tuple, tuple]:
    """Requests per second, client-side latency of 16 threads that take the
    next URL of the list in turn, for `seconds`, and the server's CPU ms per
    request (ServerCpu)."""
    lock = threading.Lock()
    position = [0]
    samples = []
    stop = time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop:
            with lock:
                url = urls[position[0] % len(urls)]
                position[0] += 1
            started = time.perf_counter()
            with urllib.request.urlopen(url) as response:
                response.read()
            samples.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    cpu = ServerCpu(server)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(samples) / seconds, percentiles(samples), cpu.per_request(len(samples))


def serve(port: str, **env: str) -> subprocess.Popen:
    """gunicorn as production runs it (serve_portal: 2 processes of 4 threads with
    a database pool each), with bench.settings and `env`, once it answers."""
    from config.management.commands.serve_portal import web_server

    command, server_env = web_server(port)
    server_env.update(DJANGO_SETTINGS_MODULE="bench.settings", **env)
    server = subprocess.Popen(
        [*command, "--log-level", "warning"], cwd=BASE_DIR, env=server_env
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/").read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer")


class ServerCpu:
    """CPU seconds spent serving, split between the web server's processes
    (gunicorn and its workers: Python) and the PostgreSQL backends connected to the
    bench database (on this machine; none counted for a remote server). Only what
    the run itself costs: other processes on a shared machine are not counted."""

    def __init__(self, server: subprocess.Popen):
        import psutil

        self.web = psutil.Process(server.pid)
        self.start = self.read()

    def read(self) -> tuple[dict, dict]:
        import psutil
        from django.db import connection

        def cpu(process):
            try:
                times = process.cpu_times()
            except psutil.Error:
                return None
            return times.user + times.system

        web = {p.pid: cpu(p) for p in [self.web, *self.web.children(recursive=True)]}
        database = {}
        if not os.environ.get("DATABASE_URL"):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = "
                    "current_database() AND pid <> pg_backend_pid()"
                )
                pids = [pid for (pid,) in cursor.fetchall()]
            database = {pid: cpu(psutil.Process(pid)) for pid in pids}
        return web, database

    def per_request(self, requests: int) -> tuple[float, float]:
        """(Python, PostgreSQL) CPU ms per request since the start."""
        spent = []
        for before, after in zip(self.start, self.read(), strict=True):
            spent.append(
                sum(
                    seconds - (before.get(pid) or 0)
                    for pid, seconds in after.items()
                    if seconds is not None
                )
            )
        return tuple(seconds * 1000 / max(requests, 1) for seconds in spent)


def measure_throughput(queries, seconds: int) -> None:
    port = "8765"
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/jobs/?{urllib.parse.urlencode(p)}" for _n, p in queries]
    cached_url = f"{base}/jobs/?{urllib.parse.urlencode(CACHED_URL)}"
    rows = []
    for caches_on in (False, True):
        server = serve(port, BENCH_CACHES="on" if caches_on else "off")
        try:
            if not caches_on:
                bare_url = [base + "/bench/bare/"]
                rows.append(("bare view", throughput(bare_url, seconds, server)))
                label = f"traffic list ({len(urls)} URLs), caches off"
            else:
                label = f"traffic list ({len(urls)} URLs), caches on"
            rows.append((label, throughput(urls, seconds, server)))
            if caches_on:
                urllib.request.urlopen(cached_url).read()
                rows.append(("cached case: /jobs/?q=会计 repeated",
                             throughput([cached_url], seconds, server)))  # fmt: skip
        finally:
            server.terminate()
            server.wait()
        rows[-1] = (*rows[-1], load())
    bare = rows[0][1][0]
    print(
        f"throughput (python client, 16 threads, {seconds} s each, served as "
        "production: gunicorn, 2 processes x 4 threads); server CPU per request:"
    )
    for row in rows:
        label, (rate, (p50, p95, p99), (python, database)) = row[:2]
        print(f"  {label:<42} {rate:>6.0f} req/s {rate / bare:>5.0%} of bare | "
              f"p50 {p50:.0f} p95 {p95:.0f} p99 {p99:.0f} ms | CPU Python "
              f"{python:.1f} + PostgreSQL {database:.1f} ms")  # fmt: skip
    print(f"  ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--database", default="portal_bench")
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-matching", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    args = parser.parse_args()
    os.environ["BENCH_DATABASE"] = args.database
    ensure_database(args.database)
    prepare(args.count)
    from jobs.models import JobPosting

    total = JobPosting.objects.published().count()
    print(f"published postings: {total} in {args.database} ({load()})")
    queries = traffic(args.queries, args.seed)
    measure_traffic(queries, args.explain)
    measure_in_process(not args.no_matching)
    if not args.no_throughput:
        measure_throughput(queries, args.seconds)


if __name__ == "__main__":
    main()
