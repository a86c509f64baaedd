"""The daily upkeep of the tables partitioned by month or year
(portal/partitioning.py, docs/partitioning.md): partitions for this month and
MONTHS_AHEAD after it, a home for every row the DEFAULT partition caught, and the
months (years) past each table's retention dropped. Every partition created or
dropped is audited; a second run the same day finds nothing to do."""

import datetime

from django.apps import apps
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from portal.audit import audit
from portal.models import AuditEntry
from portal.partitioning import (
    MONTHS_AHEAD,
    add_months,
    columns,
    create_partition_sql,
    default_name,
    is_timestamp,
    month_expression,
    month_of_partition,
    month_start,
    partition_name,
    period_start,
)

# A maintenance run waits this long for a table's lock, then gives up until the
# next run, rather than stall every write queued behind it (a long report holding
# a share lock would otherwise hold up the portal's audit trail).
LOCK_TIMEOUT = "5s"


def partitioned_models() -> list:
    """The audit trail first: the entries this run writes need its month."""
    found = [
        model
        for model in apps.get_models()
        if getattr(model, "partitioning", None) is not None
    ]
    return sorted(found, key=lambda model: model is not AuditEntry)


def month_partitions(cursor, table: str) -> set[datetime.date]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    )
    months = (month_of_partition(table, name) for (name,) in cursor.fetchall())
    return {month for month in months if month is not None}


def _rehome_default(
    cursor, table: str, months: list[datetime.date], timestamp, span: int
):
    """Create these months' partitions when the DEFAULT partition holds rows of
    them (PostgreSQL refuses a partition whose rows sit in the default): the
    default is detached, the months created, a new default attached, and the old
    default's rows inserted again, each into its partition. No row is updated or
    deleted, so the audit trail's append-only trigger has nothing to refuse."""
    default = default_name(table)
    old = f"{default}_old"
    names = ", ".join(f'"{name}"' for name in columns(cursor, table))
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # see the drops in _maintain
    cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{default}"')
    cursor.execute(f'ALTER TABLE "{default}" RENAME TO "{old}"')
    for month in months:
        cursor.execute(create_partition_sql(table, month, timestamp, span))
    cursor.execute(f'CREATE TABLE "{default}" PARTITION OF "{table}" DEFAULT')
    cursor.execute(
        f'INSERT INTO "{table}" ({names}) OVERRIDING SYSTEM VALUE '
        f'SELECT {names} FROM "{old}"'
    )
    cursor.execute(f'DROP TABLE "{old}"')


def _maintain(model, this_month: datetime.date) -> dict:
    policy = model.partitioning
    table = model._meta.db_table
    span = policy.span
    keep = policy.keep_months
    # None: kept for good. A year's partition goes once `keep` months have passed
    # after its last month, as a month's does.
    cutoff = None if keep is None else add_months(period_start(this_month, span), -keep)
    report = {"created": [], "dropped": []}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # Two workers running this at once: the second waits, then finds it done.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"partitions:{table}"],
        )
        timestamp = is_timestamp(cursor, table, policy.column)
        have = month_partitions(cursor, table)
        cursor.execute(
            f"SELECT {month_expression(policy.column, timestamp, span)}, count(*) "
            f'FROM "{default_name(table)}" GROUP BY 1'
        )
        caught = dict(cursor.fetchall())
        ahead = {
            period_start(add_months(this_month, n), span)
            for n in range(MONTHS_AHEAD + 1)
        }
        # A row dated further ahead than the table expects (bad data: no form
        # allows it) waits in the default rather than add a partition every query
        # then plans for.
        horizon = add_months(this_month, policy.furthest_ahead_months)
        homes = {month for month in caught if month <= horizon}
        missing = sorted((ahead | homes) - have)
        if homes:
            _rehome_default(cursor, table, missing, timestamp, span)
        else:
            for month in missing:
                cursor.execute(create_partition_sql(table, month, timestamp, span))
        for month in missing:
            report["created"].append(month)
            audit(
                None,
                "portal.partition.created",
                data={
                    "table": table,
                    "partition": partition_name(table, month, span),
                    "rows_moved_from_default": caught.get(month, 0),
                },
            )
        # PostgreSQL refuses to drop a table with foreign-key checks still
        # pending in this transaction (deferred ones of rows written in it).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for month in sorted(have | set(missing)):
            if cutoff is None or month >= cutoff:
                continue
            name = partition_name(table, month, span)
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            rows = cursor.fetchone()[0]
            cursor.execute(f'DROP TABLE "{name}"')
            report["dropped"].append(month)
            audit(
                None,
                "portal.partition.dropped",
                data={
                    "table": table,
                    "partition": name,
                    "rows": rows,
                    "kept_months": policy.keep_months,
                },
            )
    return report


def maintain_partitions() -> dict:
    """Run the upkeep for every partitioned table; {table: {"created": [months],
    "dropped": [months]}}. Each table is its own transaction, so one whose lock
    could not be had is retried by the next run without holding up the others'."""
    this_month = month_start(timezone.localdate())
    reports, failed = {}, []
    for model in partitioned_models():
        try:
            reports[model._meta.db_table] = _maintain(model, this_month)
        except OperationalError as error:  # the lock timed out: the next run retries
            failed.append(error)
    if failed:
        raise failed[0]
    return reports
