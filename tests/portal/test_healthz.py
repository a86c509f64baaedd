import datetime

from django.utils import timezone
from django_q.models import OrmQ


def test_healthz_reports_database_and_queue_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["queue"] == "ok"
    assert response.json()["stuck"] == {}


def test_healthz_is_503_when_tasks_wait_too_long(client, db, settings):
    OrmQ.objects.create(
        key="portal",
        payload="x",
        lock=timezone.now()
        - datetime.timedelta(seconds=settings.QUEUE_STALL_SECONDS + 60),
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] == "stalled"


def test_task_held_by_a_worker_is_not_stalled(client, db):
    OrmQ.objects.create(
        key="portal", payload="x", lock=timezone.now() + datetime.timedelta(seconds=300)
    )
    assert client.get("/healthz").status_code == 200
