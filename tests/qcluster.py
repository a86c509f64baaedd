"""A real django-q2 cluster (`manage.py qcluster`) for the tests that start one."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def start_qcluster(log: Path, env: dict[str, str]) -> subprocess.Popen:
    """qcluster with the environment plus `env`, its output appended to `log`, in
    its own process group so that it can be stopped or killed as a whole."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
