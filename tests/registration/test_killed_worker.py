"""A real django-q2 cluster is killed (SIGKILL) while it imports a large file; the
next cluster's retry takes the import over and finishes it."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection
from django_q.conf import Conf
from django_q.models import OrmQ

from registration import services
from registration.models import EmploymentRegistration, InsuranceImport
from tests import factories
from tests.qcluster import start_qcluster

ROWS = 250_000
# The first cluster's retry: how long its killed task stays locked.
RETRY_AFTER_KILL = 3


def start_cluster(log: Path, *, timeout: int, retry: int) -> subprocess.Popen:
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "TEST_WORKER_DATABASE": connection.settings_dict["NAME"],
        "TEST_WORKER_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_WORKER_TIMEOUT": str(timeout),
        "TEST_WORKER_RETRY": str(retry),
    }
    return start_qcluster(log, env)


def kill(cluster: subprocess.Popen) -> None:
    if cluster.poll() is None:
        os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait()


def wait_for(condition, *, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.02)
    pytest.fail(f"waited {seconds} s in vain; cluster log:\n{log.read_text()}")


def has_staging_table(insurance_import: InsuranceImport) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL",
            [f"registration_import_{insurance_import.code.hex}"],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_whose_worker_is_killed_is_finished_by_the_retry(
    foshan, employer, city_caseworker, tmp_path, monkeypatch
):
    people = [
        factories.make_person(residence=foshan["chancheng_community"], name=name)
        for name in ("陈一", "林二", "黄三")
    ]
    uscc = employer.employer.uscc
    path = tmp_path / "enrolments.csv"
    with path.open("w") as out:
        out.write("id_number,uscc,start_date,end_date,insurance_type\n")
        for person in people:
            out.write(f"{person.id_number},{uscc},2026-03-01,,110\n")
        # Unknown people: refused, but read and checked like any row.
        out.writelines(
            f"9999991990{n:08d},{uscc},2026-03-01,,110\n" for n in range(ROWS - 3)
        )
    insurance_import = InsuranceImport()
    with path.open("rb") as source:
        insurance_import.file.save("enrolments.csv", File(source), save=False)
    monkeypatch.setattr(Conf, "SYNC", False)  # enqueue for the cluster
    services.queue_insurance_import(insurance_import, by=city_caseworker)
    log = tmp_path / "qcluster.log"
    state = InsuranceImport.objects.filter(pk=insurance_import.pk)

    first = start_cluster(log, timeout=RETRY_AFTER_KILL - 1, retry=RETRY_AFTER_KILL)
    try:
        # Killed while reading the file; should that go too fast for this loop,
        # while applying, which leaves the same state (nothing written).
        wait_for(
            lambda: (
                state.filter(status="loading", bytes_read__gt=0).exists()
                or state.filter(status="applying").exists()
            ),
            seconds=20,
            log=log,
        )
    finally:
        kill(first)
    assert state.get().status in ("loading", "applying")
    assert has_staging_table(insurance_import)  # the killed run's, half filled
    assert not EmploymentRegistration.objects.exists()

    second = start_cluster(log, timeout=50, retry=60)
    try:
        wait_for(
            # Finished and acknowledged: the run has dropped its staging table.
            lambda: (
                not OrmQ.objects.exists()
                and state.exclude(status__in=["queued", "loading", "applying"]).exists()
            ),
            seconds=40,
            log=log,
        )
    finally:
        kill(second)
    result = state.get()
    assert result.status == "done", log.read_text()
    assert result.runs == 2
    assert (result.row_count, result.registered_count) == (ROWS, 3)
    assert result.error_count == ROWS - 3
    assert EmploymentRegistration.objects.filter(person__in=people).count() == 3
    assert not has_staging_table(insurance_import)
