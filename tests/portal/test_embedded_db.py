"""`make run` killed with SIGKILL must not leave the next run stuck."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings


def _embedded_db(pgdata, *args, **kwargs):
    env = {**os.environ, "EMBEDDED_PGDATA": str(pgdata)}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "portal.embedded_db", *args]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, **kwargs)


def _status(pgdata):
    return _embedded_db(pgdata, "status", stdout=subprocess.DEVNULL).wait()


@pytest.fixture
def work_dir():
    """A folder outside pytest's temporary root, which each new pytest session resets
    to owner-only: the server runs as its own system user when we are root."""
    path = Path(tempfile.mkdtemp(dir=settings.BASE_DIR / "var"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_killed_run_leaves_a_server_the_next_run_adopts_and_stops(work_dir):
    tmp_path = work_dir
    pgdata = tmp_path / "pgdata"
    output = (tmp_path / "run.log").open("w")
    killed = _embedded_db(pgdata, "run", "--", "sleep", "60", stderr=output)
    deadline = time.monotonic() + 60
    while _status(pgdata) != 0:
        started = time.monotonic() < deadline and killed.poll() is None
        assert started, (tmp_path / "run.log").read_text()
        time.sleep(0.2)
    command = psutil.Process(killed.pid).children()
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    for child in command:
        child.kill()
    assert _status(pgdata) == 0  # the server outlived its owner

    next_run = _embedded_db(pgdata, "run", "--", "true")
    assert next_run.wait(timeout=60) == 0
    assert _status(pgdata) == 3  # adopted, then stopped when the run ended
