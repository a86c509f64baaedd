"""Benchmark of matching one resume and of the daily match push.

    .venv/bin/python bench/matching.py [--sizes 20000,200000,1000000]
        [--samples 100] [--resumes 500000] [--push] [--kill-after 120]
        [--before ../checkout-before]

Each size has a database of its own on the embedded PostgreSQL
(portal_matching_<size>), filled once: seed_demo, generate_postings up to the size
(published over the last 30 days, so about a thirtieth is a day's new postings) and
generate_resumes (2,000 seekers, or --resumes in the largest). Then, per size, for
the same sample of active seekers and in alternation so load falls on both alike:
the time of postings_for() (narrowed by indexes) and of ranking every candidate
(ranked_postings(), what postings_for() did before), p50 / p95 / max, and whether
their top 20 agree. The load average is printed next to each figure: other work on
the machine slows both sides alike but not the absolute figures. --before PATH adds
the postings_for() of another checkout's jobs/matching.py (the code before a
change, e.g. a `git worktree` of main), timed in the same alternation, so that a
before/after comparison does not depend on the load of two separate runs; its
indexes must exist in the database (the checkout's migrations at most as far as
this one's).

--push times the daily push on the largest database as in production: the push is
planned, a real qcluster (Q_WORKERS workers, 2 by default) runs the chunks, and
with --kill-after one worker is killed (SIGKILL) that many seconds in; its chunk
is queued again (jobs.tasks.resume_match_pushes) and must finish without a message
sent twice. --push-chunks N and --employer-chunks M run only the first chunks of
each side (--chunk-size, production's by default); the figure for all is then
extrapolated from the rate, and said so. The sides run one after the other so that
each is timed.
"""

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

TOP = 20


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def percentiles(samples_ms) -> str:
    ordered = sorted(samples_ms)

    def rank(share):
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    return (
        f"p50 {statistics.median(ordered):7.1f} ms  p95 {rank(0.95):7.1f} ms  "
        f"p99 {rank(0.99):7.1f} ms  max {ordered[-1]:7.1f} ms"
    )


def database_for(size: int) -> str:
    return f"portal_matching_{size}"


def ensure_database(name: str) -> None:
    from bench.jobs import ensure_database as create

    create(name)


def prepare(size: int, resumes: int) -> None:
    """Fill the size's database once (in a child process: one database each)."""
    env = {**os.environ, "BENCH_DATABASE": database_for(size)}
    script = (
        "import django, os; django.setup();"
        "from django.core.management import call_command as c;"
        "from jobs.models import JobPosting, Resume;"
        "c('migrate', verbosity=0); c('createcachetable', verbosity=0);"
        "JobPosting.objects.exists() or c('seed_demo', stdout=open(os.devnull, 'w'));"
        f"missing = {size} - JobPosting.objects.published().count();"
        "missing > 0 and c('generate_postings', missing);"
        "made = Resume.objects.filter(person__address='（生成简历）').count();"
        f"{resumes} > made and c('generate_resumes', {resumes} - made);"
        # What autovacuum does after the bulk inserts, unless the server was
        # stopped before it ran (its counts are then lost): without the
        # visibility map, job_match_candidates cannot answer from the index alone.
        "from django.db import connection;"
        "connection.cursor().execute('VACUUM (ANALYZE) jobs_jobposting')"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=BASE_DIR, capture_output=True
    )
    if done.returncode:
        sys.exit(f"{database_for(size)}: {done.stderr.decode()[-3000:]}")
    print(f"  {database_for(size)} ready in {time.perf_counter() - started:.0f} s")


def measure_matching(size: int, samples: int, before: str | None) -> None:
    """One resume's matching, narrowed and ranking everything, in a child process
    connected to the size's database."""
    env = {**os.environ, "BENCH_DATABASE": database_for(size)}
    extra = ["--before", before] if before else []
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--measure",
            str(size),
            "--samples",
            str(samples),
            *extra,
        ],
        env=env,
        cwd=BASE_DIR,
        check=True,
    )


def _matching_of(checkout: str):
    """jobs/matching.py of another checkout, on this one's models."""
    import importlib.util

    path = Path(checkout) / "jobs" / "matching.py"
    spec = importlib.util.spec_from_file_location("matching_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _measure(size: int, samples: int, before: str | None = None) -> None:
    import django

    django.setup()
    from jobs import matching
    from jobs.models import JobPosting, Resume

    old = _matching_of(before) if before else None

    published = JobPosting.objects.published().count()
    ids = sorted(
        Resume.objects.filter(person__user__is_active=True).values_list("pk", flat=True)
    )
    chosen = random.Random(size).sample(ids, min(samples, len(ids)))
    narrowed, everything, older, agree, agree_old = [], [], [], 0, 0
    loaded = load()
    for index, pk in enumerate(chosen):
        resume = Resume.objects.select_related("person__residence").get(pk=pk)
        runs = [("narrowed", narrowed), ("everything", everything)]
        if old is not None:
            runs.insert(index % 3, ("before", older))
        results = {}
        for name, times in runs if index % 2 else reversed(runs):
            started = time.perf_counter()
            if name == "narrowed":
                found = matching.postings_for(resume, limit=TOP)
            elif name == "before":
                found = old.postings_for(resume, limit=TOP)
            else:
                found = list(
                    matching.ranked_postings(resume)
                    .select_related("employer", "org_unit__parent")
                    .defer("search")[:TOP]
                )
            times.append((time.perf_counter() - started) * 1000)
            results[name] = [(posting.pk, posting.score) for posting in found]
        agree += results["narrowed"] == results["everything"]
        if old is not None:
            agree_old += results["before"] == results["everything"]
    print(
        f"{published:>9,} published postings, {len(chosen)} resumes "
        f"({loaded} before, {load()} after):"
    )
    print(f"  ranking every candidate (before): {percentiles(everything)} ({load()})")
    if old is not None:
        print(f"  narrowed, --before's code:        {percentiles(older)} ({load()})")
    print(f"  narrowed by indexes (now):        {percentiles(narrowed)} ({load()})")
    print(f"  the same top {TOP}: {agree} of {len(chosen)} resumes")
    if old is not None:
        print(f"  --before's the same top {TOP}: {agree_old} of {len(chosen)} resumes")
    slowest = sorted(zip(narrowed, chosen, strict=True), reverse=True)[:3]
    print(
        "  slowest narrowed: "
        + ", ".join(f"resume {pk} {ms:.0f} ms" for ms, pk in slowest)
    )


def _worker_pids(cluster_pid: int) -> list[int]:
    """The cluster's busiest processes first: its workers are forked without a
    name of their own, and while the push runs they are the ones using the CPU."""
    import psutil

    children = psutil.Process(cluster_pid).children(recursive=True)
    for child in children:
        child.cpu_percent()
    time.sleep(1)
    usage = {child.pid: child.cpu_percent() for child in children}
    return sorted(usage, key=usage.get, reverse=True)


def measure_push(size: int, args) -> None:
    kill_after, push_chunks = args.kill_after, args.push_chunks
    os.environ["BENCH_Q_SYNC"] = "false"  # tasks go to the queue, as in production
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from jobs import services
    from jobs.models import JobPosting, MatchPushChunk, Resume
    from jobs.services import matches
    from portal.models import Notification

    if args.chunk_size:  # otherwise production's sizes
        matches.CHUNK_SIZE = matches.SEEKER_CHUNK_SIZE = args.chunk_size

    with connection.cursor() as cursor:  # each run pushes every match anew
        cursor.execute("TRUNCATE jobs_matchnotice")
        cursor.execute("DELETE FROM django_q_ormq")
    started_at = timezone.now()
    push = services.plan_match_push()
    totals = {
        "seeker": Resume.objects.filter(person__user__is_active=True).count(),
        "employer": JobPosting.objects.published()
        .filter(published_at__gte=push.since)
        .count(),
    }
    keep = {"seeker": push_chunks, "employer": args.employer_chunks}
    for side, count in keep.items():
        chunks = push.chunks.filter(side=side).order_by("first_id")
        if count is not None and chunks.count() > count:
            last = chunks[count - 1].last_id
            MatchPushChunk.objects.filter(
                push=push, side=side, first_id__gt=last
            ).delete()
    print(
        f"push on {size:,} postings: {totals['seeker']:,} active seekers, "
        f"{totals['employer']:,} postings published in the last day "
        f"(workers: {os.environ.get('Q_WORKERS', '2')}, {load()})"
    )
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=BASE_DIR,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for side in ["seeker", "employer"]:  # one after the other, each timed
            chunks = push.chunks.filter(side=side)
            items = _items(side, chunks, push.since)
            seconds = _run_side(
                chunks, cluster, kill_after if side == "seeker" else None
            )
            sent = sum(chunks.values_list("sent", flat=True))
            rate = items / seconds
            print(
                f"  {side} side: {items:,} in {seconds:.0f} s, {rate:.1f}/s, "
                f"{sent:,} messages ({load()})"
            )
            if items < totals[side]:
                print(
                    f"    all {totals[side]:,} at this rate: "
                    f"{totals[side] / rate / 60:.0f} min (extrapolated; a killed "
                    "worker's chunk waits Q_CLUSTER['retry'] before it runs again)"
                )
    finally:
        cluster.send_signal(signal.SIGTERM)
        cluster.wait(timeout=120)
    twice = (
        Notification.objects.filter(
            created_at__gte=started_at, recipient__role="seeker"
        )
        .values("recipient")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    print(f"  seekers told more than once: {twice}")


def _items(side, chunks, since) -> int:
    """The resumes or new postings the chunks hold (before the push deletes its
    entries at the end)."""
    from jobs.models import MatchPushEntry

    return sum(
        MatchPushEntry.objects.filter(
            push=chunk.push_id,
            side=side,
            position__range=(chunk.first_id, chunk.last_id),
        ).count()
        for chunk in chunks
    )


def _run_side(chunks, cluster, kill_after) -> float:
    """Queue the chunks, wait until every one is finished; kill a worker
    `kill_after` seconds in. Returns the seconds taken."""
    from django.db import connection
    from django_q.tasks import async_task

    started = time.perf_counter()
    for chunk_id in chunks.values_list("pk", flat=True):
        async_task("jobs.tasks.push_match_chunk", chunk_id)
    killed, reported = False, 0
    while chunks.filter(finished_at__isnull=True).exists():
        time.sleep(1)
        elapsed = time.perf_counter() - started
        if kill_after is not None and not killed and elapsed > kill_after:
            workers = _worker_pids(cluster.pid)
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed = True
                print(f"    {elapsed:6.0f} s: killed worker {workers[0]} (SIGKILL)")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_q_ormq")
            idle = cursor.fetchone()[0] == 0
        if idle:  # what the 15-minute schedule does, for this side's chunks
            for chunk_id in chunks.filter(finished_at__isnull=True).values_list(
                "pk", flat=True
            ):
                async_task("jobs.tasks.push_match_chunk", chunk_id)
        if elapsed - reported >= 60:
            reported = elapsed
            done = chunks.filter(finished_at__isnull=False).count()
            print(f"    {elapsed:6.0f} s: {done} of {chunks.count()} chunks ({load()})")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000,1000000")
    parser.add_argument("--samples", type=int, default=100, help="0: no matching")
    parser.add_argument("--resumes", type=int, default=500_000)
    parser.add_argument("--push", action="store_true")
    parser.add_argument("--kill-after", type=float)
    parser.add_argument("--push-chunks", type=int)
    parser.add_argument("--employer-chunks", type=int)
    parser.add_argument("--chunk-size", type=int)
    parser.add_argument("--before", help="another checkout, timed alongside")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure(args.measure, args.samples, args.before)
        return
    from portal import embedded_db

    sizes = [int(size) for size in args.sizes.split(",")]
    if not os.environ.get("DATABASE_URL"):
        embedded_db.start()
    for size in sizes:
        ensure_database(database_for(size))
        prepare(size, args.resumes if size == max(sizes) else 2_000)
    for size in sizes if args.samples else []:
        measure_matching(size, args.samples, args.before)
    if args.push:
        os.environ["BENCH_DATABASE"] = database_for(max(sizes))
        measure_push(max(sizes), args)


if __name__ == "__main__":
    main()
