"""Settings of a real django-q2 cluster that a test starts as a subprocess
(tests/registration/test_killed_worker.py): the database and media folder of the
test that started it, one worker, and the timings it passes."""

import os

from tests.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["TEST_WORKER_DATABASE"]  # noqa: F405
MEDIA_ROOT = os.environ["TEST_WORKER_MEDIA_ROOT"]
Q_CLUSTER = {  # noqa: F405
    **Q_CLUSTER,  # noqa: F405
    "sync": False,
    "workers": 1,
    "poll": 0.1,
    "timeout": int(os.environ["TEST_WORKER_TIMEOUT"]),
    "retry": int(os.environ["TEST_WORKER_RETRY"]),
}
