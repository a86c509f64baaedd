import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "The portal for `make run`: migrate, set up the roles, the initial catalogue "
        "and the schedules as a deploy does, load the demo data, collect the static "
        "files, then serve on PORT (default 8000) as production does: gunicorn with "
        "WEB_WORKERS processes (default 2) of WEB_THREADS threads (default 4), each "
        "process with a database pool of one connection per thread, together with a "
        "django-q2 worker. With --dev (`make dev`), Django's development server "
        "instead, reloading on code changes. Ctrl-C (or SIGTERM) stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Serve with Django's development server (autoreload).",
        )

    def handle(self, *args, dev=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("setup_roles")
        call_command("setup_catalogue")
        call_command("setup_schedules")
        call_command("seed_demo")
        port = os.environ.get("PORT", "8000")
        manage = [sys.executable, "manage.py"]
        # Forked worker processes must not share a pool (config/settings.py).
        worker_env = {**os.environ, "DB_POOL_MAX_SIZE": "0"}
        if dev:
            web, web_env = [*manage, "runserver", f"127.0.0.1:{port}"], os.environ
        else:
            call_command("collectstatic", interactive=False, verbosity=0)
            web, web_env = web_server(port)
            web.extend(["--access-logfile", "-"])
        worker = subprocess.Popen([*manage, "qcluster"], env=worker_env)
        # In its own process group, so that stopping it also stops the processes it
        # started (the autoreloader's server, which outlives its parent otherwise).
        server = subprocess.Popen(web, env=web_env, process_group=0)
        self.stdout.write(self.style.SUCCESS(f"Portal: http://127.0.0.1:{port}/"))
        stopping = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.append(True))
        children = [worker, server]
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        if worker.poll() is None:
            worker.terminate()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Portal stopped.")


def web_server(port: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment of gunicorn as production runs it (also what
    the benchmarks serve with)."""
    threads = os.environ.get("WEB_THREADS", "4")
    command = [
        *(sys.executable, "-m", "gunicorn", "config.wsgi"),
        *("--worker-class", "gthread", "--threads", threads),
        *("--workers", os.environ.get("WEB_WORKERS", "2")),
        *("--bind", f"127.0.0.1:{port}"),
        # No control socket: it sits at one path per user, and several copies of
        # the portal may run side by side.
        "--no-control-socket",
    ]
    pool = os.environ.get("DB_POOL_MAX_SIZE") or threads
    return command, {**os.environ, "DB_POOL_MAX_SIZE": pool}
