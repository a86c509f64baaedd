"""Two django-q2 clusters on one database, as on two worker hosts: real `qcluster`
processes with the portal's Q_CLUSTER, racing for the same queued tasks and the
same due schedules. Each task runs once (docs/several-hosts.md, "Workers").

To make the race certain, not left to timing, the test holds the rows both
clusters want (FOR UPDATE) until both are seen waiting for them in
pg_stat_activity, then lets them go at once."""

import collections
import math
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule
from django_q.tasks import async_task

from tests.qcluster import start_qcluster

LABELS = ("host-a", "host-b")


@pytest.fixture
def runs_table(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_cluster_runs (key text NOT NULL, cluster text NOT NULL)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_cluster_runs")


def runs() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, cluster FROM test_cluster_runs")
        return cursor.fetchall()


def start_cluster(label: str, log: Path, **extra_env) -> subprocess.Popen:
    env = {
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "tests.cluster_settings",
        "TEST_CLUSTER_DATABASE": connection.settings_dict["NAME"],
        "TEST_CLUSTER_LABEL": label,
    }
    return start_qcluster(log, env)


def stop(cluster: subprocess.Popen) -> None:
    """As `docker stop` does: SIGTERM to its main process, which lets the workers
    finish what they run (a SIGTERM to each process would kill them mid-task)."""
    if cluster.poll() is None:
        os.kill(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()


def wait_for(condition, *, seconds: float, logs: list[Path]):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    text = "\n".join(f"--- {log.name}\n{log.read_text()}" for log in logs)
    pytest.fail(f"waited {seconds} s in vain; cluster logs:\n{text}")


def waiting_for(table: str) -> int:
    """Sessions of other processes waiting for a row lock on `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND query LIKE %s",
            [f'%"{table}"%'],
        )
        return cursor.fetchone()[0]


def released_together(table: str, clusters, logs):
    """Holds every row of `table` until a session of each cluster waits for one,
    then lets them all go in one commit."""
    params = connection.get_connection_params()
    with psycopg.connect(**params) as holder:
        holder.execute(f'SELECT 1 FROM "{table}" FOR UPDATE')
        wait_for(lambda: waiting_for(table) >= len(clusters), seconds=120, logs=logs)
        holder.commit()


@pytest.fixture
def clusters(tmp_path):
    started = []

    def start(**extra_env):
        logs = [tmp_path / f"{label}.log" for label in LABELS]
        started.extend(
            start_cluster(label, log, **extra_env)
            for label, log in zip(LABELS, logs, strict=True)
        )
        return started, logs

    yield start
    for cluster in started:
        stop(cluster)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clusters_run_each_queued_task_once(runs_table, clusters, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)  # the test settings run tasks inline
    keys = [f"task-{n}" for n in range(300)]
    for key in keys:
        async_task("tests.cluster_tasks.record_run", key)
    assert OrmQ.objects.count() == len(keys)
    started, logs = clusters()
    released_together("django_q_ormq", started, logs)
    wait_for(lambda: not OrmQ.objects.exists(), seconds=240, logs=logs)
    for cluster in started:
        stop(cluster)
    done = runs()
    assert collections.Counter(key for key, _ in done) == dict.fromkeys(keys, 1)
    # Both took part: each cluster ran some of the tasks.
    assert set(collections.Counter(label for _, label in done)) == set(LABELS)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clusters_start_each_due_schedule_once(runs_table, clusters):
    due = timezone.now() - timedelta(minutes=5)
    schedules = [
        Schedule.objects.create(
            name=f"every hour {n}",
            func="tests.cluster_tasks.record_run",
            args=repr(f"schedule-{n}"),
            schedule_type=Schedule.HOURLY,
            repeats=-1,
            next_run=due,
        )
        for n in range(40)
    ]
    started, logs = clusters()
    released_together("django_q_schedule", started, logs)
    wait_for(lambda: len(runs()) >= len(schedules), seconds=240, logs=logs)
    wait_for(lambda: not OrmQ.objects.exists(), seconds=60, logs=logs)
    for cluster in started:
        stop(cluster)
    done = runs()
    keys = [f"schedule-{n}" for n in range(40)]
    assert collections.Counter(key for key, _ in done) == dict.fromkeys(keys, 1)
    for schedule in Schedule.objects.all():
        assert schedule.next_run > timezone.now()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_waiting_behind_others_in_its_cluster_is_not_handed_out_again(
    runs_table, clusters, monkeypatch
):
    """Tasks that run nearly their whole timeout, more of them than the workers:
    each claimed one waits for the others, and its claim (`retry`, from
    claim_seconds) must outlast the wait and its own run, or the other cluster
    takes it again and runs it a second time."""
    monkeypatch.setattr(Conf, "SYNC", False)
    timeout = 3
    keys = [f"slow-{n}" for n in range(6)]
    for key in keys:
        async_task("tests.cluster_tasks.record_run", key, timeout - 0.5)
    started, logs = clusters(TEST_CLUSTER_TIMEOUT=str(timeout))
    released_together("django_q_ormq", started, logs)
    wait_for(lambda: not OrmQ.objects.exists(), seconds=240, logs=logs)
    for cluster in started:
        stop(cluster)
    done = runs()
    assert collections.Counter(key for key, _ in done) == dict.fromkeys(keys, 1)


def test_the_portal_claims_a_task_for_longer_than_it_can_wait_and_run():
    q = settings.Q_CLUSTER
    assert q["bulk"] == 1
    # Behind the tasks running and those queued in the cluster, then its own run.
    rounds = 1 + math.ceil(q["queue_limit"] / q["workers"]) + 1
    assert q["retry"] > rounds * q["timeout"]
    assert settings.STUCK_WORK_SECONDS > q["timeout"] + q["retry"]
