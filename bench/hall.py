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
"""

import argparse
import http.client
import os
import random
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8794)
    parser.add_argument(
        "--pgdata", type=Path, default=BASE_DIR / "var" / "bench-hall" / "pgdata"
    )
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--every", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
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
