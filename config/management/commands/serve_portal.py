import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Development server for `make run`: migrate, set up the roles, the initial "
        "catalogue and the schedules as a deploy does, load the demo data, then "
        "serve the portal on PORT (default 8000) together with a django-q2 worker. "
        "Ctrl-C (or SIGTERM) stops both."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("setup_roles")
        call_command("setup_catalogue")
        call_command("setup_schedules")
        call_command("seed_demo")
        port = os.environ.get("PORT", "8000")
        manage = [sys.executable, "manage.py"]
        children = [
            subprocess.Popen([*manage, "qcluster"]),
            subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"]),
        ]
        self.stdout.write(self.style.SUCCESS(f"Portal: http://127.0.0.1:{port}/"))
        stopping = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.append(True))
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Portal stopped.")
