"""Reads from PostgreSQL streaming replicas (docs/replicas.md).

With DATABASE_REPLICA_URLS unset there is one database and nothing here acts: the
router answers None (Django's default) and the middleware passes requests through.

With replicas, a read goes to one only while all of these hold:

- the request is a GET or HEAD of a view named in REPLICA_READ_VIEWS, or the code runs
  inside `replica_reads()`;
- the visitor has no read-your-writes cookie (set for REPLICA_PIN_SECONDS after any
  request of theirs that posted or wrote);
- nothing has been written in this request, and no transaction is open on the primary
  (a transaction never spans two databases);
- the model is not one of what the visitor may do (permissions, login throttling),
  nor the sessions, the cache or the task queue (the visitor's own user row is loaded
  from the primary before the view's reads move);
- the replica answered its last check, is in recovery and is at most
  REPLICA_MAX_LAG_SECONDS behind the primary.

Everything else, every write included, goes to the primary ("default"). A replica that
fails during a request is marked down and the view is run again on the primary.
"""

import contextvars
import random
import re
import threading
import time
from collections import deque
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError

REPLICA_PREFIX = "replica_"
PIN_COOKIE = "primary_reads"
PIN_SALT = "portal.replicas.pin"
SAFE_METHODS = ("GET", "HEAD")
# Read from the primary whatever the view: what the visitor may do, and tables whose
# readers expect the write of a moment before (sessions, cache, queue). The visitor's
# own user row is loaded from the primary before a view's reads move.
PRIMARY_ONLY_APPS = {"sessions", "auth", "axes", "django_q", "django_cache", "admin"}


def replica_aliases() -> list[str]:
    return [alias for alias in connections if alias.startswith(REPLICA_PREFIX)]


@dataclass
class ReadState:
    """Where this request's (or block's) reads may go."""

    pinned: bool = False
    replica_allowed: bool = False
    wrote: bool = False
    # replica_reads(): the primary's WAL position when the block began.
    since_lsn: str | None = None
    alias: str | None = None
    view: tuple | None = None
    cleanup: ExitStack = field(default_factory=ExitStack)


_state: contextvars.ContextVar[ReadState | None] = contextvars.ContextVar(
    "replica_read_state", default=None
)


@dataclass
class Health:
    """A replica as its last check found it."""

    status: str  # ok, lagging, down, not_replica
    checked: float
    lag_seconds: float | None = None
    behind_bytes: int | None = None

    @property
    def usable(self) -> bool:
        return self.status == "ok"


_health: dict[str, Health] = {}
_checking: dict[str, threading.Lock] = {}
_checking_guard = threading.Lock()


# (monotonic time, primary WAL position) of this process's recent checks.
_positions: deque[tuple[float, int]] = deque(maxlen=256)
_positions_guard = threading.Lock()


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def measure(alias: str) -> Health:
    """Check a replica now: the primary's WAL position first, then how far the
    replica has replayed. Behind it, the lag is the smaller of two upper bounds: the
    time since an earlier check saw the primary at a position the replica has now
    replayed, and the age of the last transaction the replica replayed. (The second
    alone overstates the lag of a quiet primary, whose reads also write WAL.)"""
    now = time.monotonic()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary = _lsn(cursor.fetchone()[0])
    except DatabaseError:
        return Health("down", now)
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float"
            )
            in_recovery, replay, age = cursor.fetchone()
    except DatabaseError:
        _close(alias)
        return Health("down", now)
    if not in_recovery or replay is None:
        # Promoted, or a primary named by mistake: its data may have diverged.
        return Health("not_replica", now)
    replayed = _lsn(replay)
    with _positions_guard:
        _positions.append((now, primary))
        seen = [at for at, position in _positions if position <= replayed]
    if replayed >= primary:
        return Health("ok", now, 0.0, 0)
    bounds = [now - max(seen)] if seen else []
    if age is not None:
        bounds.append(max(age, 0.0))
    lag = min(bounds) if bounds else None
    behind = primary - replayed
    if lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS:
        return Health("lagging", now, lag, behind)
    return Health("ok", now, lag, behind)


def _close(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def usable_replicas() -> list[str]:
    """Replicas whose last check, at most REPLICA_CHECK_SECONDS old, found them
    usable. One thread per process re-checks a replica; the others meanwhile go by
    the previous verdict, so no request waits for another's check."""
    usable = []
    for alias in replica_aliases():
        health = _health.get(alias)
        stale = health is None or (
            time.monotonic() - health.checked > settings.REPLICA_CHECK_SECONDS
        )
        if stale:
            with _checking_guard:
                lock = _checking.setdefault(alias, threading.Lock())
            if lock.acquire(blocking=False):
                try:
                    health = _health[alias] = measure(alias)
                finally:
                    lock.release()
        if health is not None and health.usable:
            usable.append(alias)
    return usable


def record(alias: str, health: Health) -> None:
    """Keep a check's verdict (from /healthz, or a failure seen in a request)."""
    _health[alias] = health
    if health.status == "down":
        _close(alias)


def _replayed(alias: str, lsn: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        record(alias, Health("down", time.monotonic()))
        return False


def _read_alias(model) -> str:
    state = _state.get()
    if state is None or state.pinned or not state.replica_allowed or state.wrote:
        return DEFAULT_DB_ALIAS
    if model._meta.app_label in PRIMARY_ONLY_APPS:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if state.alias is None:
        # One replica for the whole request: its reads see one replay position.
        candidates = usable_replicas()
        if state.since_lsn is not None:
            candidates = [a for a in candidates if _replayed(a, state.since_lsn)]
        if not candidates:
            state.replica_allowed = False
            return DEFAULT_DB_ALIAS
        state.alias = random.choice(candidates)
    return state.alias


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads as the module's docstring says, writes and
    migrations on the primary only."""

    def db_for_read(self, model, **hints):
        if not replica_aliases():
            return None
        return _read_alias(model)

    def db_for_write(self, model, **hints):
        if not replica_aliases():
            return None
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if not replica_aliases():
            return None
        # A row read from a replica is the primary's row: it may be linked to one.
        databases = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        return False if db.startswith(REPLICA_PREFIX) else None


# Statements on the primary that change no data: reads, a WITH query without a
# data-modifying part, settings and savepoints (an atomic block's).
READ_ONLY = re.compile(
    r"\s*(SELECT|SHOW|SET|RESET|SAVEPOINT|RELEASE|ROLLBACK TO)\b", re.I
)
WITH_QUERY = re.compile(r"\s*WITH\b", re.I)
DATA_CHANGE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|MERGE\s+INTO)\b", re.I
)


def changes_data(sql: str) -> bool:
    if READ_ONLY.match(sql):
        return False
    return not WITH_QUERY.match(sql) or bool(DATA_CHANGE.search(sql))


def _note_primary_statements(state: ReadState):
    """An execute wrapper on the primary: a statement that changes data (a write in
    raw SQL included) sends the rest of the request's reads to the primary."""

    def wrapper(execute, sql, params, many, context):
        if changes_data(sql):
            state.wrote = True
        return execute(sql, params, many, context)

    return wrapper


def replica_failed(state: "ReadState | None") -> bool:
    """The error just raised came from the request's replica, before any write:
    only then may the work run again on the primary (an error of the primary, a
    lock or statement timeout after a write, must not repeat the write)."""
    return (
        state is not None
        and state.alias is not None
        and not state.wrote
        and connections[state.alias].errors_occurred
    )


@contextmanager
def replica_reads():
    """Reads in the block may go to a replica that has replayed every write the
    primary had committed when the block began (exports, report building). Inside a
    request the visitor's read-your-writes cookie and the request's writes count."""
    outer = _state.get()
    if not replica_aliases() or (outer is not None and outer.replica_allowed):
        yield None
        return
    state = outer if outer is not None else ReadState()
    token = _state.set(state)
    try:
        with ExitStack() as cleanup:
            cleanup.callback(setattr, state, "since_lsn", None)
            cleanup.callback(setattr, state, "alias", None)
            cleanup.callback(setattr, state, "replica_allowed", False)
            if not (state.pinned or state.wrote):
                with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                    cursor.execute("SELECT pg_current_wal_lsn()::text")
                    state.since_lsn = cursor.fetchone()[0]
            cleanup.enter_context(
                connections[DEFAULT_DB_ALIAS].execute_wrapper(
                    _note_primary_statements(state)
                )
            )
            state.replica_allowed = True
            yield state
    finally:
        _state.reset(token)


def read_from_replica(function, *args, **kwargs):
    """function(*args, **kwargs) with its reads in replica_reads(); run again on the
    primary if its replica fails. Reads stop going to the replica at the first
    write, so a failure comes before any: only functions whose other effects may be
    repeated belong here (building a file in memory, not sending a message)."""
    with replica_reads() as state:
        try:
            return function(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if not replica_failed(state):
                raise
            failed, state.alias = state.alias, None
    record(failed, Health("down", time.monotonic()))
    return function(*args, **kwargs)


class ReplicaReadsMiddleware:
    """Opens a request's reads to a replica for the views named in
    REPLICA_READ_VIEWS, sets the read-your-writes cookie after a write, and runs a
    view again on the primary when its replica failed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        state = ReadState(pinned=self._pinned(request))
        token = _state.set(state)
        try:
            with state.cleanup:
                response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote or request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _pinned(request) -> bool:
        value = request.get_signed_cookie(
            PIN_COOKIE,
            default=None,
            salt=PIN_SALT,
            max_age=settings.REPLICA_PIN_SECONDS,
        )
        return value is not None

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _state.get()
        if (
            state is None
            or state.pinned
            or request.method not in SAFE_METHODS
            or request.resolver_match.view_name not in settings.REPLICA_READ_VIEWS
        ):
            return None
        # Who the visitor is (session, user row) comes from the primary.
        request.user.is_authenticated  # noqa: B018
        state.replica_allowed = True
        state.cleanup.enter_context(
            connections[DEFAULT_DB_ALIAS].execute_wrapper(
                _note_primary_statements(state)
            )
        )
        state.view = (view_func, view_args, view_kwargs)
        return None

    def process_exception(self, request, exception):
        state = _state.get()
        if (
            state is None
            or state.view is None
            or not isinstance(exception, OperationalError | InterfaceError)
            or not replica_failed(state)
        ):
            return None
        # The replica failed before any write: running the view again on the
        # primary repeats none.
        record(state.alias, Health("down", time.monotonic()))
        state.replica_allowed = False
        state.alias = None
        view_func, view_args, view_kwargs = state.view
        state.view = None
        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
