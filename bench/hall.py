"""The recruiting hall's screens against `make run`: many screens polling the
figures' endpoint, as every hall's screen (and every home page) does.

    .venv/bin/python bench/hall.py [--port 8794] [--pgdata var/bench-hall/pgdata]
                                   [--screens 200] [--every 5] [--seconds 60]

Starts `make run` on PORT with an embedded PostgreSQL of its own under PGDATA (made
and seeded with the demo data the first time), waits for /healthz, then measures in
the same run, against /fairs/halls/<demo hall>/screen.json:

1. the baseline: one screen asking back to back (SECONDS / 3);
2. SCREENS screens, each asking every EVERY seconds, their starts spread over the
   first EVERY seconds, for SECONDS.

Prints for each the answers, errors (non-200, resets, timeouts), requests per
second, and the latency's median, p95, p99 and maximum, with the load average before
and after. Stops the server as Ctrl-C does.

    .venv/bin/python bench/hall.py --desk [--postings 20000] [--seekers 300]
                                   [--employer-postings 20] [--repeats 5]

The employer desk's ranking at scale instead, on the embedded PostgreSQL's
database of bench/matching.py for that many published postings (the demo, the
generated postings and 2,000 generated seekers with resumes, filled once): the demo
hall gets SEEKERS of them checked in today, and the employer at its first desk
EMPLOYER_POSTINGS open postings (generated ones handed over). Then, alternately,
REPEATS times each: the desk's rows as first built (each seeker's best 200 in the
city by jobs.matching.postings_for, kept when one is the employer's) and as now
(fairs.queries.desk_matches), with the rows found and the load average.
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import (  # noqa: E402
    BASE_DIR,
    setup_django,
    start_server,
    stop_server,
    wait_until_up,
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Screen(threading.Thread):
    """One screen: one request every `every` seconds."""

    def __init__(self, port, path, every, until, delay):
        super().__init__(daemon=True)
        self.port, self.path, self.every = port, path, every
        self.until, self.delay = until, delay
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self):
        time.sleep(self.delay)
        tick = time.monotonic()
        while tick < self.until:
            # A new connection each time, as a browser's after 5 s: the server
            # closes idle keep-alive connections after 2 s (gunicorn's default).
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                started = time.perf_counter()
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if response.status == 200:
                    self.latencies.append(elapsed)
                else:
                    self.errors.append(str(response.status))
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(type(error).__name__)
            finally:
                connection.close()
            tick = max(tick + self.every, time.monotonic())
            time.sleep(max(0.0, tick - time.monotonic()))


def measure(port, path, *, screens, every, seconds) -> dict:
    started = time.monotonic()
    until = started + seconds
    crowd = [
        Screen(port, path, every, until, random.uniform(0, every) if screens > 1 else 0)
        for _ in range(screens)
    ]
    for screen in crowd:
        screen.start()
    for screen in crowd:
        screen.join()
    took = time.monotonic() - started
    latencies = [value for screen in crowd for value in screen.latencies]
    errors = [value for screen in crowd for value in screen.errors]
    return {"latencies": latencies, "errors": errors, "seconds": took}


def report(name: str, result: dict) -> None:
    latencies, errors = result["latencies"], result["errors"]
    ms = [value * 1000 for value in latencies]
    total = len(latencies) + len(errors)
    print(
        f"{name}: {total} requests in {result['seconds']:.0f} s "
        f"({total / result['seconds']:.1f}/s), {len(errors)} errors"
        + (f" ({', '.join(sorted(set(errors)))})" if errors else ""),
        flush=True,
    )
    if ms:
        print(
            f"  latency ms: median {statistics.median(ms):.1f}, "
            f"p95 {percentile(ms, 0.95):.1f}, p99 {percentile(ms, 0.99):.1f}, "
            f"max {max(ms):.1f}",
            flush=True,
        )


def city_ranking(desk, day):
    """The desk's rows as first built (the baseline): each seeker present ranked
    against every posting in the city, kept when one of the best 200 is the
    employer's."""
    from fairs.models import HallCheckIn
    from jobs import matching

    employer_id = desk.employer_today()
    rows = []
    check_ins = HallCheckIn.objects.filter(hall=desk.hall_id, day=day).select_related(
        "person__resume", "person__residence"
    )
    for check_in in check_ins:
        resume = getattr(check_in.person, "resume", None)
        if resume is None:
            continue
        best = next(
            (
                posting
                for posting in matching.postings_for(resume, limit=200)
                if posting.employer_id == employer_id
            ),
            None,
        )
        if best is not None:
            rows.append((check_in.pk, best.pk, matching.reasons(best).score))
    return sorted(rows, key=lambda row: -row[2])


def desk_data(seekers: int, employer_postings: int):
    """The demo hall's first desk seated today with its employer holding
    `employer_postings` open postings, and `seekers` people with resumes checked
    in today (a benchmark database: written directly, as the generators do)."""
    from django.utils import timezone

    from fairs.models import Hall, HallCheckIn, Terminal
    from jobs.models import JobPosting
    from portal.models import Person

    hall = Hall.objects.order_by("pk").first()
    desk = hall.terminals.filter(kind="desk").order_by("booth").first()
    today = timezone.localdate()
    Terminal.objects.filter(pk=desk.pk).update(employer_day=today)
    desk.refresh_from_db()
    own = JobPosting.objects.published().filter(employer=desk.employer_id)
    # The generator spreads its postings over every employer: the desk's keeps
    # one of each kind of work (then the newest) and hands the rest on.
    if own.count() > employer_postings:
        kept = list(
            own.order_by("occupation_group", "-published_at")
            .distinct("occupation_group")
            .values_list("pk", flat=True)
        )[:employer_postings]
        kept += list(
            own.exclude(pk__in=kept)
            .order_by("-published_at")
            .values_list("pk", flat=True)[: employer_postings - len(kept)]
        )
        other = (
            JobPosting.objects.published()
            .exclude(employer=desk.employer_id)
            .values_list("employer", flat=True)
            .first()
        )
        own.exclude(pk__in=kept).update(employer=other)
    missing = employer_postings - own.count()
    if missing > 0:
        handed = (
            JobPosting.objects.published()
            .exclude(employer=desk.employer_id)
            .order_by("occupation_group", "-published_at")
            .distinct("occupation_group")
            .values_list("pk", flat=True)
        )
        handed = list(handed)[:missing]
        handed += list(
            JobPosting.objects.published()
            .exclude(employer=desk.employer_id)
            .exclude(pk__in=handed)
            .order_by("-published_at")
            .values_list("pk", flat=True)[: missing - len(handed)]
        )
        JobPosting.objects.filter(pk__in=handed).update(employer=desk.employer_id)
    present = HallCheckIn.objects.filter(hall=hall, day=today)
    wanted = seekers - present.count()
    if wanted > 0:
        people = (
            Person.objects.filter(resume__isnull=False)
            .exclude(pk__in=present.values("person_id"))
            .order_by("-pk")
            .values_list("pk", flat=True)[:wanted]
        )
        HallCheckIn.objects.bulk_create(
            HallCheckIn(hall=hall, person_id=pk, day=today) for pk in people
        )
    return desk, today, own.count(), present.count()


def measure_desk(args) -> None:
    """In the child process connected to the benchmark database."""
    import django

    django.setup()
    from fairs import queries
    from jobs.models import JobPosting

    desk, today, own, present = desk_data(args.seekers, args.employer_postings)
    print(
        f"{JobPosting.objects.published().count()} published postings, "
        f"{present} checked in, {own} open postings of {desk.employer} at booth "
        f"{desk.booth} · {os.cpu_count()} CPUs · load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    sides = {"city ranking (before)": city_ranking, "desk_matches (now)": None}
    times = {name: [] for name in sides}
    found = {}
    for _repeat in range(args.repeats):
        for name, build in sides.items():
            build = build or (lambda desk, day: queries.desk_matches(desk, day))
            started = time.perf_counter()
            rows = build(desk, today)
            times[name].append((time.perf_counter() - started) * 1000)
            found[name] = len(rows)
    for name, ms in times.items():
        print(
            f"{name}: {found[name]} rows; median {statistics.median(ms):.0f} ms, "
            f"max {max(ms):.0f} ms over {len(ms)} · load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def desk_bench(args) -> None:
    from bench.matching import database_for, ensure_database, prepare
    from portal import embedded_db

    if not os.environ.get("DATABASE_URL"):
        embedded_db.start()
    ensure_database(database_for(args.postings))
    prepare(args.postings, 2_000)
    env = {
        **os.environ,
        "BENCH_DATABASE": database_for(args.postings),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    command = [sys.executable, __file__, "--desk-measure", "--postings"]
    command += [str(args.postings), "--seekers", str(args.seekers)]
    command += ["--employer-postings", str(args.employer_postings)]
    command += ["--repeats", str(args.repeats)]
    subprocess.run(command, env=env, cwd=BASE_DIR, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8794)
    parser.add_argument(
        "--pgdata", type=Path, default=BASE_DIR / "var" / "bench-hall" / "pgdata"
    )
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--every", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--desk", action="store_true")
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--seekers", type=int, default=300)
    parser.add_argument("--employer-postings", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--desk-measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.desk_measure:
        measure_desk(args)
        return
    if args.desk:
        desk_bench(args)
        return
    base = f"http://127.0.0.1:{args.port}"
    pgdata = args.pgdata.resolve()
    server = start_server("run", args.port, pgdata)
    try:
        wait_until_up(base, server)
        setup_django(pgdata)
        from django.urls import reverse

        from fairs.models import Hall
        from fairs.services import refresh_all_hall_figures

        refresh_all_hall_figures()
        hall = Hall.objects.filter(figures__isnull=False).first()
        if hall is None:
            sys.exit("the demo data has no recruiting hall")
        path = reverse("fairs:hall_screen_data", args=[hall.pk])
        print(
            f"{base}{path} · {os.cpu_count()} CPUs · load {os.getloadavg()}",
            flush=True,
        )
        baseline = measure(
            args.port, path, screens=1, every=0, seconds=args.seconds / 3
        )
        report("baseline, one screen back to back", baseline)
        print(f"load {os.getloadavg()}", flush=True)
        crowd = measure(
            args.port,
            path,
            screens=args.screens,
            every=args.every,
            seconds=args.seconds,
        )
        report(f"{args.screens} screens every {args.every:g} s", crowd)
        print(f"load {os.getloadavg()}", flush=True)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
