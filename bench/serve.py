"""Concurrent POSTs to a fair's attend page against `make run`, as a crowd does when
registration opens.

    .venv/bin/python bench/serve.py [--port 8790] [--pgdata /tmp/portal-serve/pgdata]
                                    [--seekers 50] [--rounds 3] [--target run|dev]

Starts `make run` (or `make dev`, the development server, for comparison) on PORT
with its own embedded PostgreSQL under PGDATA (made and seeded the first time), and
waits for /healthz. Logs SEEKERS demo seekers in over HTTP, then, ROUNDS times, lets
all of them POST to /fairs/<pk>/attend/ of the demo's upcoming fair at the same
moment (a seeker already registered is sent to their pass again). Prints per round
the answers by status, the 5xx, the connections reset or refused, and the seekers'
passes in the database. Stops the server as Ctrl-C does.
"""

import argparse
import collections
import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo12345"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_server(
    target: str, port: int, pgdata: Path, env: dict | None = None
) -> subprocess.Popen:
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    log = open(pgdata.parent / f"make-{target}.log", "w")
    env = {**os.environ, "EMBEDDED_PGDATA": str(pgdata), **(env or {})}
    return subprocess.Popen(
        ["make", target, f"PORT={port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_up(base: str, server: subprocess.Popen, seconds: int = 900) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped (exit {server.returncode}); see its log")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(1)
    sys.exit("the server did not answer /healthz in time")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def setup_django(pgdata: Path) -> None:
    os.environ["EMBEDDED_PGDATA"] = str(pgdata)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def seekers_and_fair(count: int):
    from django.utils import timezone

    from fairs.models import JobFair
    from portal.models import User

    fair = (
        JobFair.objects.published()
        .filter(date__gte=timezone.localdate())
        .order_by("date")
        .first()
    )
    usernames = list(
        User.objects.filter(role=User.Role.SEEKER, person__isnull=False)
        .order_by("pk")
        .values_list("username", flat=True)[:count]
    )
    if fair is None or len(usernames) < count:
        sys.exit("the demo data has no upcoming fair or too few seekers")
    return fair, usernames


def log_in(base: str, username: str):
    """An opener holding the seeker's session cookie, and the CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect
    )
    url = base + "/accounts/login/"
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = {"username": username, "password": DEMO_PASSWORD}
    status, _ = post(opener, url, body, token)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"login as {username} failed ({status})")
    return opener, cookies["csrftoken"]


def post(opener, url: str, data: dict, token: str) -> tuple[int, str]:
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Referer", url)
    try:
        with opener.open(request, timeout=120) as response:
            response.read()
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def race(url: str, sessions) -> tuple[collections.Counter, float]:
    """Every session POSTs at the same moment; the outcome of each, counted."""
    outcomes = collections.Counter()
    barrier = threading.Barrier(len(sessions))
    lock = threading.Lock()

    def one(opener, token):
        barrier.wait()
        try:
            status, _ = post(opener, url, {}, token)
            outcome = str(status)
        except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
            outcome = "reset"
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, ConnectionResetError | BrokenPipeError):
                outcome = "reset"
            elif isinstance(reason, ConnectionRefusedError):
                outcome = "refused"
            else:
                outcome = f"error: {reason}"
        except OSError as error:
            outcome = f"error: {error}"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=one, args=session) for session in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--pgdata", type=Path, default=Path("/tmp/portal-serve/pgdata"))
    parser.add_argument("--seekers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target", choices=["run", "dev"], default="run")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.target, args.port, args.pgdata.resolve())
    try:
        wait_until_up(base, server)
        setup_django(args.pgdata.resolve())
        fair, usernames = seekers_and_fair(args.seekers)
        sessions = [log_in(base, username) for username in usernames]
        url = f"{base}/fairs/{fair.pk}/attend/"
        print(f"make {args.target}: {len(sessions)} seekers POST to {url} at once")
        from fairs.models import SeekerPass

        for number in range(1, args.rounds + 1):
            outcomes, seconds = race(url, sessions)
            errors = sum(n for o, n in outcomes.items() if o.startswith("5"))
            broken = outcomes["reset"] + outcomes["refused"]
            passes = SeekerPass.objects.filter(
                fair=fair, person__user__username__in=usernames, status="active"
            ).count()
            answers = ", ".join(f"{n} × {o}" for o, n in sorted(outcomes.items()))
            print(f"round {number}: {answers} in {seconds:.2f} s")
            print(f"  5xx: {errors}, connections reset or refused: {broken}, "
                  f"seekers with a pass: {passes}/{len(usernames)}")  # fmt: skip
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
