"""`make run` serves as production does; `make dev` with the development server.
The setup commands and the child processes are stood in for: only what would be
started, and how, is looked at."""

import io

import pytest

from config.management.commands import serve_portal


class Exited:
    """A child process that has already ended, so the command stops at once."""

    pid = 0

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def started(monkeypatch):
    """Runs the command; returns the setup commands called and the processes
    started as (command line, environment)."""
    for name in ("PORT", "WEB_WORKERS", "WEB_THREADS", "DB_POOL_MAX_SIZE"):
        monkeypatch.delenv(name, raising=False)
    calls, processes = [], []
    monkeypatch.setattr(
        serve_portal, "call_command", lambda name, **_: calls.append(name)
    )
    monkeypatch.setattr(
        serve_portal.subprocess,
        "Popen",
        lambda command, env, **_: processes.append((command, env)) or Exited(),
    )
    monkeypatch.setattr(serve_portal.signal, "signal", lambda *_: None)

    def run(**options):
        serve_portal.Command(stdout=io.StringIO()).handle(**options)
        worker, web = processes
        return calls, worker, web

    return run


def test_make_run_serves_with_gunicorn_threads_sharing_a_pool_per_process(started):
    calls, worker, (web, web_env) = started(dev=False)
    assert "collectstatic" in calls
    assert web[web.index("--worker-class") + 1] == "gthread"
    assert web[web.index("--workers") + 1] == "2"
    assert web[web.index("--threads") + 1] == "4"
    assert web[web.index("--bind") + 1] == "127.0.0.1:8000"
    assert web_env["DB_POOL_MAX_SIZE"] == "4"
    assert "runserver" not in web


def test_the_worker_forks_its_processes_and_so_gets_no_pool(started):
    _calls, (worker, worker_env), _web = started(dev=False)
    assert worker[-1] == "qcluster"
    assert worker_env["DB_POOL_MAX_SIZE"] == "0"


def test_make_dev_serves_with_the_reloading_development_server(started):
    calls, _worker, (web, _env) = started(dev=True)
    assert web[-2:] == ["runserver", "127.0.0.1:8000"]
    assert "collectstatic" not in calls
