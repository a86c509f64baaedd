"""Benchmark of booth booking and gate scanning over HTTP against gunicorn.

    .venv/bin/python bench/fairs.py [--attempts 500] [--attendees 2000]

Uses the database `portal_bench` (see bench/jobs.py) and creates what it needs: the
demo data, `attempts` verified employers with one published posting each and
`attendees` people (once), then a new 100-booth fair with a pass for every attendee.
It serves the portal as production does (gunicorn, 2 workers of 4 threads, a pool
of 4 connections each) with a django-q2 worker beside it, and prints:
- two ceilings, measured in the same run: a POST view writing one row with no
  middleware (the framework), and the same view through the portal's middleware
  stack (CSRF, the session and the user, the language …);
- booking: all employers at once (50 in flight), five per booth, each posting its
  posting as the form ticks it: bookings made, clear refusals, server errors,
  attempts per second and their share of each ceiling, the time each attempt
  waited for its answer (p50/p95, also for the bookings and the refusals apart);
  then how long the worker took to deliver every confirmation (inbox message and
  e-mail), counted from the start of the storm;
- scanning: every attendee's pass scanned once at the gate (16 in flight), scans
  per second and their share of each ceiling.
The load average is printed beside every figure (other work on the machine lowers
them all). The servers' own log goes to var/bench-fairs-server.log.
It exits with status 1 when a request failed with a server error or the bookings
are not one per booth, so a broken run is not mistaken for a slow one.
"""

import argparse
import concurrent.futures
import datetime
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

from bench.jobs import ensure_database  # noqa: E402

CSRF = "benchbenchbenchbenchbenchbench12"  # a 32-character CSRF secret
PLAIN_PORT, PORT = "8765", "8766"
FAIR_NAME = "压力测试招聘会"
ATTENDEE_NAME = "入场测试人"
BENCH_EMAIL = "hr@bench.example.cn"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that loads users (the first one is django-axes' guard).
    session[BACKEND_SESSION_KEY] = "portal.backends.PortalBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def post(url: str, session: str, data: dict, accept="") -> tuple[int, str, float]:
    """(status, Location, seconds until the answer was read)."""
    started = time.perf_counter()
    status, where = _post(url, session, data, accept)
    return status, where, time.perf_counter() - started


def _post(url: str, session: str, data: dict, accept: str) -> tuple[int, str]:
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF}).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Cookie", f"sessionid={session}; csrftoken={CSRF}")
    request.add_header("Referer", url)
    if accept:
        request.add_header("Accept", accept)
    try:
        with OPENER.open(request) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def add_attendees(missing: int) -> None:
    """People with valid ID numbers for the gate, as the registry would hold them."""
    from bench.registration_import import id_numbers
    from portal.models import OrgUnit, Person

    streets = list(OrgUnit.objects.filter(level="street").values_list("pk", flat=True))
    taken = set(Person.objects.values_list("id_number", flat=True))
    Person.objects.bulk_create(
        Person(
            name=ATTENDEE_NAME,
            id_number=number,
            retirement_track="male60",
            residence_id=streets[index % len(streets)],
        )
        for index, number in enumerate(id_numbers(missing, seed=21, taken=taken))
    )


def employer_postings(employers, *, reviewer) -> dict[int, int]:
    """{employer pk: the pk of one of its published postings}, posted and approved
    through the services for the employers that have none (the booking form ticks
    an employer's newest postings, so a booking shows them)."""
    from django.utils import timezone

    from jobs import services as job_services
    from jobs.models import JobPosting
    from portal.models import User

    found = dict(
        JobPosting.objects.published()
        .filter(employer__in=employers)
        .values_list("employer_id", "pk")
    )
    staff = {u.employer_id: u for u in User.objects.filter(employer__in=employers)}
    for employer in employers:
        if employer.pk in found:
            continue
        posting = job_services.save_posting(
            JobPosting(
                employer=employer, title="展会招聘专员", occupation_group="3",
                occupation_name="行政办事员", org_unit=employer.org_unit,
                address="测试路1号", salary_min=4000, salary_max=6000,
                description="负责招聘会现场接待。", contact_name="人事",
                contact_phone="13800138000",
                valid_until=timezone.localdate() + datetime.timedelta(days=60),
            ),
            by=staff[employer.pk],
        )  # fmt: skip
        job_services.approve_posting(posting, by=reviewer)
        found[employer.pk] = posting.pk
    return found


def prepare(attempts: int, attendees: int):
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_q.models import OrmQ

    from fairs import services
    from fairs.models import BoothBooking, JobFair, Scan
    from fairs.services import gate
    from portal.models import Employer, OrgUnit, Person, User

    if not OrgUnit.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    admin = User.objects.get(username="admin")
    city = OrgUnit.objects.get(level="city")
    street = OrgUnit.objects.filter(level="street").first()
    password = make_password("bench-password")
    employers = list(Employer.objects.filter(name__startswith="展位测试单位"))
    for index in range(len(employers), attempts):
        from stdnum.cn import uscc

        body = f"91440604MB{index:07d}"
        employer = Employer.objects.create(
            name=f"展位测试单位{index}",
            uscc=body + uscc.calc_check_digit(body),
            org_unit=street,
            contact_name="人事",
            contact_phone="13800138000",
            verification_status="verified",
        )
        User.objects.create(
            username=employer.uscc,
            role="employer",
            employer=employer,
            password=password,
        )
        employers.append(employer)
    employers = employers[:attempts]
    postings = employer_postings(employers, reviewer=admin)
    # Confirmations go by e-mail too, as for an employer who gave an address.
    User.objects.filter(employer__in=employers).update(email=BENCH_EMAIL)
    missing = attendees - Person.objects.count()
    if missing > 0:
        add_attendees(missing)
        print(f"registry: {missing} attendees added")
    # Tasks left by earlier runs served without a worker would be run first and
    # counted as this run's confirmations.
    stale, _ = OrmQ.objects.all().delete()
    if stale:
        print(f"queue: {stale} tasks left by earlier runs dropped")
    JobFair.objects.filter(name=FAIR_NAME).update(name=FAIR_NAME + " (old)")
    now = timezone.now()
    fair = services.save_fair(
        JobFair(
            name=FAIR_NAME, kind="general", date=timezone.localdate(),
            starts_at=datetime.time(0, 0), ends_at=datetime.time(23, 59),
            venue="测试馆", address="测试路", org_unit=city,
            booking_opens=now - datetime.timedelta(hours=1),
            booking_closes=now + datetime.timedelta(hours=2),
            cancel_deadline=now + datetime.timedelta(hours=1),
            checkin_starts=datetime.time(0, 0), checkin_ends=datetime.time(23, 58),
            seeker_capacity=attendees, layout="\n".join(["A" * 10] * 10),
        ),
        by=admin,
    )  # fmt: skip
    fair = services.publish_fair(fair, by=admin)
    persons = list(Person.objects.order_by("pk")[:attendees])
    passes = [gate.register_to_attend(fair, person=person) for person in persons]
    if len(passes) < attendees:
        sys.exit(f"only {len(passes)} of {attendees} passes could be made; stopping")
    steward, _ = User.objects.get_or_create(
        username="bench-gate", defaults={"role": "steward", "org_unit": city}
    )
    users = {u.employer_id: u for u in User.objects.filter(employer__in=employers)}
    bookers = [session_for(users[e.pk]) for e in employers]
    booths = list(fair.booths.order_by("pk").values_list("pk", flat=True))
    assert not BoothBooking.objects.filter(fair=fair).exists()
    assert not Scan.objects.filter(fair=fair).exists()
    bookers = list(zip(bookers, [postings[e.pk] for e in employers], strict=True))
    return fair, booths, bookers, passes, session_for(steward)


def timed(jobs, workers: int):
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    return results, time.perf_counter() - started


def waits(seconds: list[float]) -> str:
    """p50/p95 of the times the client waited for its answers, in ms."""
    if not seconds:
        return "none"
    ranked = sorted(seconds)

    def rank(share: float) -> float:
        return ranked[min(len(ranked) - 1, int(share * len(ranked)))] * 1000

    return f"p50 {rank(0.5):.0f} ms, p95 {rank(0.95):.0f} ms"


def load() -> str:
    return f"load average {os.getloadavg()[0]:.2f}"


SERVER_LOG = BASE_DIR / "var" / "bench-fairs-server.log"


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children, those still running
    and those it has reaped (PostgreSQL's backends that came and went)."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for process in [root, *root.children(recursive=True)]:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user
            total += times.children_system
        return total
    except psutil.NoSuchProcess:
        return 0.0


def database_pid() -> int:
    from portal import embedded_db

    if os.environ.get("DATABASE_URL"):
        return 0  # not ours to measure
    return int((embedded_db.PGDATA / "postmaster.pid").read_text().split()[0])


def wait_for_cluster(seconds: float = 120) -> None:
    """Until the django-q2 cluster reports itself ready, so its start is not
    timed with the storm."""
    from django_q.conf import Conf
    from django_q.status import Stat

    ready = {str(Conf.IDLE), str(Conf.WORKING)}
    deadline = time.monotonic() + seconds
    while not any(str(stat.status) in ready for stat in Stat.get_all()):
        if time.monotonic() > deadline:
            sys.exit(f"the django-q2 cluster did not start in {seconds:.0f} s")
        time.sleep(0.2)


def serve(port: str, env: dict) -> subprocess.Popen:
    SERVER_LOG.parent.mkdir(exist_ok=True)
    with open(SERVER_LOG, "a") as log:
        server = subprocess.Popen(
            [str(BASE_DIR / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2",
             "--worker-class", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=log,
        )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/").read()
            return server
        except urllib.error.HTTPError:
            return server  # it answers
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn did not answer on port {port}")


def write_rate(port: str, session: str, count: int) -> tuple[float, str]:
    """Requests per second of the one-row POST, and its figures as a line."""
    jobs = [
        lambda index=index: post(
            f"http://127.0.0.1:{port}/bench/write/", session, {"raw": index}
        )
        for index in range(count)
    ]
    results, seconds = timed(jobs, 16)
    failed = sum(1 for status, _where, _wait in results if status != 302)
    if failed:
        sys.exit(f"the bare POST failed {failed} times on port {port}")
    rate = count / seconds
    return rate, (
        f"{rate:.0f} req/s, {waits([wait for *_, wait in results])} ({load()})"
    )


def wait_for_confirmations(started: datetime.datetime, fair) -> tuple[int, float]:
    """(bookings confirmed, seconds from `started` until the last one's message
    was in the inbox and e-mailed), as the worker delivers them: the messages
    that link to this fair's active bookings."""
    from portal.models import Notification

    urls = [booking.get_absolute_url() for booking in fair.bookings.active()]
    sent = Notification.objects.filter(
        recipient__email=BENCH_EMAIL, url__in=urls, emailed_at__isnull=False
    )
    deadline = time.monotonic() + 600
    while sent.values("url").distinct().count() < len(urls):
        if time.monotonic() > deadline:
            sys.exit("the worker did not deliver the confirmations in 10 minutes")
        time.sleep(0.1)
    last = sent.order_by("-emailed_at").values_list("emailed_at", flat=True)[0]
    return len(urls), (last - started).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--attendees", type=int, default=2000)
    args = parser.parse_args()
    ensure_database(os.environ.get("BENCH_DATABASE", "portal_bench"))
    fair, booths, bookers, passes, gate_session = prepare(args.attempts, args.attendees)
    from django.utils import timezone

    from fairs.models import BoothBooking, Scan

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_Q_SYNC": "false",
    }
    print(f"{load()} at the start")
    plain = serve(PLAIN_PORT, {**env, "BENCH_PLAIN": "true"})
    try:
        plain_rate, plain_line = write_rate(PLAIN_PORT, gate_session, 2000)
    finally:
        plain.terminate()
        plain.wait()
    # As serve_portal runs it: a pool of one connection per thread.
    server = serve(PORT, {**env, "DB_POOL_MAX_SIZE": "4"})
    worker = None
    base = f"http://127.0.0.1:{PORT}"
    try:
        stack_rate, stack_line = write_rate(PORT, gate_session, 2000)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=BASE_DIR, env={**env, "DB_POOL_MAX_SIZE": "0"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_cluster()
        print("ceiling, a POST writing one row (16 in flight):")
        print(f"  with no middleware (the framework): {plain_line}")
        print(f"  through the portal's stack: {stack_line}")

        def shares(rate: float) -> str:
            return (
                f"{rate / plain_rate:.0%} of the framework, "
                f"{rate / stack_rate:.0%} of the stack"
            )

        urls = [
            f"{base}/fairs/{fair.pk}/book/{booths[index % len(booths)]}/"
            for index in range(len(bookers))
        ]
        jobs = [
            lambda session=session, url=url, posting=posting: post(
                url, session, {"postings": posting}
            )
            for (session, posting), url in zip(bookers, urls, strict=True)
        ]
        processes = {
            "web": server.pid, "worker": worker.pid, "database": database_pid()
        }  # fmt: skip
        cpu_before = {name: cpu_seconds(pid) for name, pid in processes.items()}
        storm_started = timezone.now()
        results, seconds = timed(jobs, 50)
        cpu = {
            name: cpu_seconds(pid) - cpu_before[name] for name, pid in processes.items()
        }
        booked = [w for _s, where, w in results if "/fairs/bookings/" in where]
        refused = [w for _s, where, w in results if where == f"/fairs/{fair.pk}/"]
        errors = sum(1 for status, *_ in results if status >= 500)
        active = BoothBooking.objects.filter(fair=fair, status="active").count()
        rate = len(results) / seconds
        print(f"booking: {len(results)} attempts on {len(booths)} booths in "
              f"{seconds:.2f} s = {rate:.0f} attempts/s ({shares(rate)}; "
              f"{load()})")  # fmt: skip
        other = len(results) - len(booked) - len(refused) - errors
        print(f"  {len(booked)} booked ({active} active in the database), "
              f"{len(refused)} clear refusals, {errors} server errors, "
              f"{other} other")  # fmt: skip
        print(f"  waits: all {waits([w for *_, w in results])}; bookings "
              f"{waits(booked)}; refusals {waits(refused)}")  # fmt: skip
        # What the machine's other work does not change much: CPU per attempt.
        served = cpu["web"] + cpu["database"]
        print(f"  CPU during the storm: web {cpu['web']:.2f} s, database "
              f"{cpu['database']:.2f} s, worker {cpu['worker']:.2f} s: "
              f"{served / len(results) * 1000:.1f} ms of web and database "
              f"per attempt")  # fmt: skip
        confirmed, delivered = wait_for_confirmations(storm_started, fair)
        print(f"  the worker delivered the {confirmed} confirmations (inbox and "
              f"e-mail) {delivered:.1f} s after the storm began "
              f"({load()})")  # fmt: skip

        scan_url = f"{base}/fairs/{fair.pk}/gate/"
        jobs = [
            # As the scanner page does: a fresh nonce, JSON back.
            lambda token=p.pass_token: post(
                scan_url,
                gate_session,
                {"raw": token, "nonce": str(uuid.uuid4())},
                accept="application/json",
            )
            for p in passes
        ]
        results, seconds = timed(jobs, 16)
        ok = sum(1 for status, *_ in results if status == 200)
        scan_errors = sum(1 for status, *_ in results if status >= 500)
        entered = Scan.objects.filter(fair=fair, result="entered").count()
        rate = len(results) / seconds
        print(f"scanning: {len(passes)} passes, {ok} answered, {entered} entered: "
              f"{rate:.0f} scans/s ({shares(rate)}), "
              f"{waits([w for *_, w in results])} ({load()})")  # fmt: skip
        print(f"{load()} at the end")
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                process.wait()
    if errors or scan_errors or len(booked) != len(booths) or active != len(booths):
        sys.exit(
            "FAILED: server errors, or not exactly one booking per booth "
            f"(the servers' log: {SERVER_LOG})"
        )


if __name__ == "__main__":
    main()
