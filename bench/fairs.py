"""Benchmark of booth booking and gate scanning over HTTP against gunicorn.

    .venv/bin/python bench/fairs.py [--attempts 500] [--attendees 2000]

Uses the database `portal_bench` (see bench/jobs.py). Creates a 100-booth fair,
`attempts` verified employers and `attendees` registered seekers (once), starts
gunicorn (2 workers, 4 threads each) and prints:
- booking: all employers at once (50 in flight), five per booth: bookings made,
  clear refusals, server errors, attempts per second;
- scanning: every attendee's pass scanned once at the gate (16 in flight), scans
  per second, next to a bare POST view that checks CSRF and the session and writes
  one row, served the same way in the same run (ratio).
"""

import argparse
import concurrent.futures
import os
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
PORT = "8766"
FAIR_NAME = "压力测试招聘会"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def post(url: str, session: str, data: dict, accept="") -> tuple[int, str]:
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


def prepare(attempts: int, attendees: int):
    import datetime

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

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
    steward, _ = User.objects.get_or_create(
        username="bench-gate", defaults={"role": "steward", "org_unit": city}
    )
    users = {u.employer_id: u for u in User.objects.filter(employer__in=employers)}
    bookers = [session_for(users[e.pk]) for e in employers[:attempts]]
    booths = list(fair.booths.order_by("pk").values_list("pk", flat=True))
    assert not BoothBooking.objects.filter(fair=fair).exists()
    assert not Scan.objects.filter(fair=fair).exists()
    return fair, booths, bookers, passes, session_for(steward)


def timed(jobs, workers: int):
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    return results, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--attendees", type=int, default=2000)
    args = parser.parse_args()
    ensure_database()
    fair, booths, bookers, passes, gate_session = prepare(args.attempts, args.attendees)
    import subprocess

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_Q_SYNC": "false",
    }
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2",
         "--threads", "4", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/bare/").read()
                break
            except OSError:
                time.sleep(0.2)
        urls = [
            f"{base}/fairs/{fair.pk}/book/{booths[index % len(booths)]}/"
            for index in range(len(bookers))
        ]
        jobs = [
            lambda session=session, url=url: post(url, session, {})
            for session, url in zip(bookers, urls, strict=True)
        ]
        results, seconds = timed(jobs, 50)
        booked = sum(1 for status, where in results if "/fairs/bookings/" in where)
        refused = sum(1 for status, where in results if where == f"/fairs/{fair.pk}/")
        errors = sum(1 for status, _ in results if status >= 500)
        from fairs.models import BoothBooking

        active = BoothBooking.objects.filter(fair=fair, status="active").count()
        print(f"booking: {len(results)} attempts on {len(booths)} booths in "
              f"{seconds:.2f} s = {len(results) / seconds:.0f} attempts/s")  # fmt: skip
        print(f"  {booked} booked ({active} active in the database), {refused} clear "
              f"refusals, {errors} server errors, "
              f"{len(results) - booked - refused - errors} other")  # fmt: skip

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
        ok = sum(1 for status, _where in results if status == 200)
        from fairs.models import Scan

        entered = Scan.objects.filter(fair=fair, result="entered").count()
        scans_per_second = len(results) / seconds
        jobs = [
            lambda index=index: post(
                f"{base}/bench/write/", gate_session, {"raw": index}
            )
            for index in range(len(passes))
        ]
        results, seconds = timed(jobs, 16)
        bare_per_second = len(results) / seconds
        print(f"scanning: {len(passes)} passes, {ok} answered, {entered} entered: "
              f"{scans_per_second:.0f} scans/s")  # fmt: skip
        print(f"  bare POST writing one row: {bare_per_second:.0f} req/s; "
              f"ratio {scans_per_second / bare_per_second:.0%}")  # fmt: skip
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
