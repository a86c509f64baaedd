"""Settings of the django-q2 clusters that tests/test_worker_clusters.py starts as
separate processes, as on separate hosts: the test's database, the portal's own
Q_CLUSTER (same name, so the same queue), quicker polling, and the scheduler run as
soon as a cluster starts (django-q2 runs it when its guard has counted 30 s)."""

import os

from tests.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["TEST_CLUSTER_DATABASE"]  # noqa: F405
Q_CLUSTER = {  # noqa: F405
    **Q_CLUSTER,  # noqa: F405
    "sync": False,
    "poll": 0.05,
    "guard_cycle": 30,
}
