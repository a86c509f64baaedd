"""Settings of the django-q2 clusters that tests/test_worker_clusters.py starts as
separate processes, as on separate hosts: the test's database, the portal's own
Q_CLUSTER (same name, so the same queue), quicker polling, and the scheduler run as
soon as a cluster starts (django-q2 runs it when its guard has counted 30 s).
With TEST_CLUSTER_TIMEOUT, seconds-long tasks with the portal's claim rule."""

import os

from config.settings import claim_seconds
from tests.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["TEST_CLUSTER_DATABASE"]  # noqa: F405
Q_CLUSTER = {  # noqa: F405
    **Q_CLUSTER,  # noqa: F405
    "sync": False,
    "poll": 0.05,
    "guard_cycle": 30,
}
# Seconds-long tasks in the portal's shape: one worker, claimed one at a time.
if os.environ.get("TEST_CLUSTER_TIMEOUT"):
    timeout = int(os.environ["TEST_CLUSTER_TIMEOUT"])
    Q_CLUSTER |= {
        "workers": 1,
        "queue_limit": 1,
        "bulk": 1,
        "timeout": timeout,
        "retry": claim_seconds(timeout=timeout, workers=1, queue_limit=1),
    }
