"""A run of the insurance import whose worker died (SIGKILL, out of memory) is
taken over by the retry; the sweep and /healthz catch what the retries do not.
The real kill of a real worker is in test_killed_worker.py."""

import datetime
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.utils import timezone

from portal.models import AuditEntry
from registration import services
from registration.models import EmploymentRegistration, InsuranceImport
from registration.services.imports import RUN_LOCK
from tests import factories

HEADER = "id_number,uscc,start_date,end_date,insurance_type\n"


@pytest.fixture
def people(foshan):
    return [
        factories.make_person(residence=foshan["chancheng_community"], name=name)
        for name in ("陈一", "林二")
    ]


@pytest.fixture
def upload(people, employer, city_caseworker):
    """An uploaded file of two enrolments, not yet imported."""

    def make(by=city_caseworker):
        text = HEADER + "".join(
            f"{person.id_number},{employer.employer.uscc},2026-03-01,,110\n"
            for person in people
        )
        insurance_import = InsuranceImport(requested_by=by)
        insurance_import.file.save("enrolments.csv", ContentFile(text.encode()))
        return insurance_import

    return make


def staging_table(insurance_import_or_code) -> str:
    code = getattr(insurance_import_or_code, "code", insurance_import_or_code)
    return f"registration_import_{code.hex}"


def leave_staging_table(insurance_import_or_code) -> None:
    """What a run killed while reading the file leaves: a half-filled table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE UNLOGGED TABLE "{staging_table(insurance_import_or_code)}" '
            "(line_no bigint GENERATED ALWAYS AS IDENTITY, line text)"
        )
        cursor.execute(
            f'INSERT INTO "{staging_table(insurance_import_or_code)}" (line) '
            "VALUES ('half a li')"
        )


def exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def killed_while_loading(insurance_import, *, minutes_ago=10) -> InsuranceImport:
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    InsuranceImport.objects.filter(pk=insurance_import.pk).update(
        status="loading", started_at=started, runs=1, file_size=1, bytes_read=1
    )
    leave_staging_table(insurance_import)
    insurance_import.refresh_from_db()
    return insurance_import


@pytest.fixture
def live_run():
    """Another database session, as a live worker's, holding an import's run lock."""
    session = connections.create_connection("default")

    def hold(insurance_import):
        with session.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK, insurance_import.pk]
            )

    yield hold
    session.close()


def test_a_retry_takes_over_an_import_whose_worker_died_while_loading(upload):
    insurance_import = killed_while_loading(upload())
    first_start = insurance_import.started_at
    result = services.run_insurance_import(insurance_import)
    assert result.status == "done"
    assert (result.row_count, result.registered_count, result.error_count) == (2, 2, 0)
    assert result.runs == 2
    assert result.started_at == first_start  # /healthz counts from the first start
    assert not exists(staging_table(result))
    assert AuditEntry.objects.filter(action="registration.import.taken_over").exists()


def test_a_run_killed_while_applying_wrote_nothing_and_the_retry_applies_it(
    upload, people, monkeypatch
):
    insurance_import = upload()

    def killed(*args, **kwargs):
        raise SystemExit  # the worker ends mid-transaction, no handler runs

    # Called after the new registrations are inserted, before the commit.
    monkeypatch.setattr(
        "registration.services.imports.close_unemployment_on_employments", killed
    )
    with pytest.raises(SystemExit):
        services.run_insurance_import(insurance_import)
    insurance_import.refresh_from_db()
    assert insurance_import.status == "applying"
    assert not EmploymentRegistration.objects.exists()

    monkeypatch.undo()
    result = services.run_insurance_import(insurance_import)
    assert (result.status, result.registered_count, result.runs) == ("done", 2, 2)
    assert EmploymentRegistration.objects.filter(person__in=people).count() == 2


def test_an_import_a_live_run_holds_is_left_to_it(upload, live_run):
    insurance_import = killed_while_loading(upload())
    live_run(insurance_import)
    result = services.run_insurance_import(insurance_import)
    result.refresh_from_db()
    assert (result.status, result.runs) == ("loading", 1)
    assert exists(staging_table(result))  # still being filled by the live run
    assert not EmploymentRegistration.objects.exists()


def test_a_retry_after_the_commit_only_drops_the_staging_table_left(upload):
    result = services.run_insurance_import(upload())
    leave_staging_table(result)  # killed between the commit and the clean-up
    again = services.run_insurance_import(result)
    assert (again.status, again.runs, again.registered_count) == ("done", 1, 2)
    assert not exists(staging_table(result))
    assert EmploymentRegistration.objects.count() == 2


def test_the_nightly_task_finishes_the_inbox_imports_of_a_killed_run(
    upload, settings, tmp_path
):
    settings.INSURANCE_INBOX = tmp_path  # its file is already in done/
    stored = upload(by=None)
    [result] = services.import_inbox_files()
    assert (result.pk, result.status, result.registered_count) == (stored.pk, "done", 2)


def test_the_sweep_finishes_dead_imports_and_drops_staging_tables_no_run_holds(
    upload, live_run
):
    dead = killed_while_loading(upload())
    held = killed_while_loading(upload())
    live_run(held)
    finished = services.run_insurance_import(upload())
    leave_staging_table(finished)
    nobodys = uuid.uuid4()
    leave_staging_table(nobodys)

    assert services.resume_interrupted_imports() == 1
    dead.refresh_from_db()
    assert (dead.status, dead.runs) == ("done", 2)
    held.refresh_from_db()
    assert held.status == "loading" and exists(staging_table(held))
    assert not exists(staging_table(dead))
    assert not exists(staging_table(finished))
    assert not exists(staging_table(nobodys))


def test_healthz_reports_an_import_unfinished_longer_than_its_limit(
    client, upload, settings
):
    settings.STUCK_WORK_SECONDS = 900
    killed_while_loading(upload(), minutes_ago=5)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["stuck"] == {}

    killed_while_loading(upload(), minutes_ago=20)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] == "ok"
    stuck = response.json()["stuck"]["insurance_imports"]
    assert stuck["count"] == 1 and stuck["oldest_seconds"] >= 20 * 60
