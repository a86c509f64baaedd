"""Benchmark of job search, the job map and matching on 200,000 published postings.

    .venv/bin/python bench/jobs.py [--count 200000] [--seconds 10]

Uses the database `portal_bench` on the embedded PostgreSQL (or the server in
DATABASE_URL), fills it once (seed_demo + generate_postings, COPY), then prints:
server time p50/p95 of the search page and the map query (in-process test client),
matching time for one resume, and search-page throughput under gunicorn (2 workers)
next to a bare view with one indexed query and a small template, served the same way.
Throughput uses wrk when installed (Debian package wrk), else a Python client.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

from portal import embedded_db  # noqa: E402

SEARCHES = [
    {"q": "会计"},
    {"q": "电工"},
    {"q": "仓库管理"},
    {"q": "Python开发"},
    {"q": "叉车司机"},
    {"q": "焊"},
    {"q": "区块链"},
    {"q": "欧派斯模具"},
    {"q": "会计", "district": "440605000000", "salary_min": "6000"},
    {"occupation": "6", "education": "senior", "sort": "salary"},
    {},
]
CENTRES = [(23.03, 113.13), (23.02, 113.12), (22.90, 112.89), (22.80, 113.29)]


def percentiles(samples_ms):
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def report(label: str, p50_p95) -> None:
    p50, p95 = p50_p95
    print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


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


def ensure_database(name: str = "portal_bench") -> None:
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


def measure_in_process() -> None:
    from django.test import Client

    from jobs import matching
    from jobs.models import JobPosting, Resume

    client = Client()
    total = JobPosting.objects.published().count()
    print(f"published postings: {total}")
    report(
        f"search page /jobs/, uncached ({len(SEARCHES)} queries x 20)",
        time_requests(client, "/jobs/", SEARCHES, 20),
    )
    report(
        "search page /jobs/, result ids cached (same queries)",
        time_requests(client, "/jobs/", SEARCHES, 20, cached=True),
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
    samples = []
    for resume in Resume.objects.select_related("person__residence")[:20]:
        started = time.perf_counter()
        list(matching.postings_for(resume, limit=20))
        samples.append((time.perf_counter() - started) * 1000)
    report(f"matching, one resume ({len(samples)} resumes)", percentiles(samples))


def throughput(url: str, seconds: int) -> float:
    if shutil.which("wrk"):
        result = subprocess.run(
            ["wrk", "-t1", "-c16", f"-d{seconds}s", url], capture_output=True, text=True
        )
        lines = result.stdout.splitlines()
        line = next(text for text in lines if text.startswith("Requests/sec"))
        return float(line.split()[1])
    done = [0]
    stop = time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop:
            with urllib.request.urlopen(url) as response:
                response.read()
            done[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / seconds


def measure_throughput(seconds: int) -> None:
    port = "8765"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/bare/").read()
                break
            except OSError:
                time.sleep(0.2)
        search_url = base + "/jobs/?q=%E4%BC%9A%E8%AE%A1"  # 会计
        urllib.request.urlopen(search_url).read()
        bare = throughput(base + "/bench/bare/", seconds)
        search = throughput(search_url, seconds)
        tool = "wrk -t1 -c16" if shutil.which("wrk") else "python, 16 threads"
        print(f"throughput ({tool}, {seconds} s each, gunicorn -w 2):")
        print(f"  bare view {bare:.0f} req/s, search /jobs/?q=会计 {search:.0f} req/s")
        print(f"  ratio {search / bare:.0%}")
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    ensure_database()
    prepare(args.count)
    measure_in_process()
    measure_throughput(args.seconds)


if __name__ == "__main__":
    main()
