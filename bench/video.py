"""Video rooms' signalling under load, against `make run` (gunicorn as in production).

    .venv/bin/python bench/video.py [--port 8792] [--pgdata /tmp/portal-video/pgdata]
                                    [--rooms 50] [--seconds 30] [--interval 1.0]

Starts `make run` with its own embedded PostgreSQL under PGDATA (made and seeded
the first time) and opens ROOMS video rooms now, each between a demo seeker and an
interviewer of a demo employer (both logged in over HTTP). Then, for SECONDS each:

1. baseline: one visitor reads ordinary pages (home, job list, a posting, fair
   list) one after another; p50 and p95 of their answer times;
2. the same while every room's two members join at once and poll their mailbox as
   the page does: every 0.7 s for the first 10 s, sending a 400-byte ICE candidate
   each second, then every INTERVAL seconds (the page polls every 4 s once
   connected). The members are started together, so the first 10 s of the phase
   are a storm of 50 calls being set up at the same moment.

Prints the signalling requests per second served, their p95, the errors, and the
ordinary pages' p50/p95 in both phases, with the load average before each phase.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import (  # noqa: E402
    log_in,
    setup_django,
    start_server,
    stop_server,
    wait_until_up,
)

# As the page does: polls every 0.7 s while connecting (here the first 10 s, with an
# ICE candidate a second), then every INTERVAL seconds (the page: 4 s) once connected.
CONNECTING_SECONDS = 10


def p50_p95(samples):
    ordered = sorted(samples)
    if not ordered:
        return float("nan"), float("nan")
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def open_rooms(count: int):
    """ROOMS rooms open now: (room code, seeker username, interviewer username).
    A benchmark generator: it writes the rows directly, as demo.py does."""
    import datetime

    from django.utils import timezone

    from jobs.models import VideoRoom
    from portal.models import Employer, User

    now = timezone.now()
    VideoRoom.objects.filter(invitation__isnull=True).delete()
    seekers = list(
        User.objects.filter(role=User.Role.SEEKER, person__isnull=False).order_by("pk")[
            :count
        ]
    )
    employers = list(Employer.objects.verified().order_by("pk"))
    staff = [e.staff.filter(is_active=True).first() for e in employers]
    staff = [user for user in staff if user is not None]
    if len(seekers) < count or not staff:
        sys.exit("the demo data has too few seekers or employer staff")
    rooms = []
    for number, seeker in enumerate(seekers):
        interviewer = staff[number % len(staff)]
        room = VideoRoom.objects.create(
            employer_id=interviewer.employer_id,
            seeker=seeker,
            opens_at=now - datetime.timedelta(minutes=5),
            closes_at=now + datetime.timedelta(hours=2),
        )
        room.interviewers.set([interviewer])
        rooms.append((str(room.code), seeker, interviewer))
    return rooms


class Member(threading.Thread):
    """One browser in a room: joins, then polls and now and then sends."""

    stop: threading.Event
    record = None

    def __init__(self, base, room, opener, token, peer_id, interval):
        super().__init__(daemon=True)
        self.base, self.room = base, room
        self.opener, self.token, self.peer_id = opener, token, peer_id
        self.interval = interval

    def request(self, path, body=None):
        url = f"{self.base}/jobs/video/{self.room}/{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data)
        request.add_header("X-CSRFToken", self.token)
        request.add_header("Referer", url)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                answer = json.loads(response.read())
                ok = response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            answer, ok = {}, False
        self.record(time.perf_counter() - started, ok)
        return answer

    def run(self):
        cursor = self.request("join/", {}).get("cursor", 0)
        joined = time.monotonic()
        next_send = joined
        while not self.stop.is_set():
            started = time.monotonic()
            connecting = started - joined < CONNECTING_SECONDS
            cursor = self.request(f"poll/?after={cursor}").get("cursor", cursor)
            if connecting and started >= next_send:
                payload = json.dumps({"session": "b", "data": "x" * 400})
                message = {
                    "nonce": uuid.uuid4().hex,
                    "kind": "candidate",
                    "to": self.peer_id,
                    "payload": payload,
                }
                self.request("signal/", message)
                next_send = started + 1
            interval = 0.7 if connecting else self.interval
            self.stop.wait(max(interval - (time.monotonic() - started), 0))


def read_pages(base, pages, seconds):
    samples, errors = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for page in pages:
            started = time.perf_counter()
            try:
                urllib.request.urlopen(base + page, timeout=30).read()
            except (urllib.error.URLError, OSError):
                errors += 1
            samples.append((time.perf_counter() - started) * 1000)
    return samples, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--pgdata", type=Path, default=Path("/tmp/portal-video/pgdata"))
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--interval", type=float, default=4.0)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    server = start_server("run", args.port, args.pgdata.resolve())
    stop = threading.Event()
    try:
        wait_until_up(base, server)
        setup_django(args.pgdata.resolve())
        from jobs.models import JobPosting

        posting = JobPosting.objects.published().order_by("pk").first()
        pages = ["/", "/jobs/", posting.get_absolute_url(), "/fairs/"]
        rooms = open_rooms(args.rooms)
        sessions = {}
        for _code, seeker, interviewer in rooms:
            for user in (seeker, interviewer):
                if user.username not in sessions:
                    sessions[user.username] = log_in(base, user.username)
        print(f"{len(rooms)} rooms, {len(sessions)} members logged in")

        print(f"baseline ({load()}):")
        samples, errors = read_pages(base, pages, args.seconds)
        p50, p95 = p50_p95(samples)
        print(f"  ordinary pages: {len(samples)} answers, p50 {p50:.0f} ms, "
              f"p95 {p95:.0f} ms, {errors} errors")  # fmt: skip

        lock = threading.Lock()
        timings, failures = [], [0]

        def record(seconds, ok):
            with lock:
                timings.append(seconds * 1000)
                failures[0] += not ok

        members = []
        for code, seeker, interviewer in rooms:
            for user, peer in ((seeker, interviewer), (interviewer, seeker)):
                opener, token = sessions[user.username]
                member = Member(base, code, opener, token, peer.pk, args.interval)
                member.stop, member.record = stop, record
                members.append(member)
        for member in members:
            member.start()
        print(f"{len(members)} members polling every {args.interval:.1f} s ({load()}):")
        started = time.perf_counter()
        samples, errors = read_pages(base, pages, args.seconds)
        elapsed = time.perf_counter() - started
        with lock:
            signalling = list(timings)
            failed = failures[0]
        p50, p95 = p50_p95(samples)
        s50, s95 = p50_p95(signalling)
        print(f"  signalling: {len(signalling) / elapsed:.0f} requests/s, "
              f"p50 {s50:.0f} ms, p95 {s95:.0f} ms, {failed} failed")  # fmt: skip
        print(f"  ordinary pages: {len(samples)} answers, p50 {p50:.0f} ms, "
              f"p95 {p95:.0f} ms, {errors} errors")  # fmt: skip
        print(f"  after ({load()})")
    finally:
        stop.set()
        stop_server(server)


if __name__ == "__main__":
    main()
