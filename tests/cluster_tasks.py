"""A task for tests/test_worker_clusters.py: it records each run, with the
cluster that ran it, in a table the test made."""

import os
import time

from django.db import connection


def record_run(key: str, seconds: float = 0.01) -> None:
    time.sleep(seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO test_cluster_runs (key, cluster) VALUES (%s, %s)",
            [key, os.environ["TEST_CLUSTER_LABEL"]],
        )
