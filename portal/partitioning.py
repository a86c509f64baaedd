"""History tables partitioned by month (or year) with PostgreSQL's declarative
partitioning (docs/partitioning.md): the policy a model declares, the partitions'
names and bounds, and the SQL that converts a table and adds a month. The scheduled
task that creates partitions ahead and drops old ones is portal.services.partitions.

A model opts in with a class attribute, `partitioning = Monthly("created_at",
keep_months=36)`; its table has one partition per month of that column, named
`<table>_pYYYYMM`, and a DEFAULT partition, `<table>_default`, that takes any row
no month's partition holds, so an insert never fails for want of a partition. The
database's primary key is (id, column), as PostgreSQL requires of a partitioned
table; Django's state keeps `id` as the primary key (ids come from one sequence, so
they stay unique). `Yearly("day")` gives one partition a year, `<table>_pYYYY`."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

# Partitions exist for the current month and this many after it.
MONTHS_AHEAD = 3


@dataclass(frozen=True)
class Monthly:
    """A table partitioned by the month of `column` (a date, or a moment taken in
    TIME_ZONE); a month's partition is dropped once `keep_months` whole months
    have passed after it."""

    column: str
    keep_months: int
    # Months a partition spans; a row the default partition caught gets its
    # partition up to this many months ahead (portal.services.partitions).
    span = 1
    furthest_ahead_months = 24


@dataclass(frozen=True)
class Yearly:
    """A table partitioned by the year of `column`, for tables whose rows are few
    and kept for good (keep_years None) or for whole years; rows dated up to
    `furthest_ahead_years` ahead get their year's partition."""

    column: str
    keep_years: int | None = None
    furthest_ahead_years: int = 2
    span = 12

    @property
    def keep_months(self) -> int | None:
        return None if self.keep_years is None else 12 * self.keep_years

    @property
    def furthest_ahead_months(self) -> int:
        return 12 * self.furthest_ahead_years


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def period_start(day: datetime.date, span: int = 1) -> datetime.date:
    """The first day of the partition's period holding `day`: its month, or for a
    span of 12 its year."""
    return day.replace(month=1, day=1) if span == 12 else day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: datetime.date, span: int = 1) -> str:
    return f"{table}_p{month:%Y}" if span == 12 else f"{table}_p{month:%Y%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


def month_of_partition(table: str, name: str) -> datetime.date | None:
    """The first day of a partition named by partition_name() (its month, or its
    year's January), else None."""
    found = re.fullmatch(re.escape(table) + r"_p(\d{4})(\d{2})?", name)
    if not found:
        return None
    return datetime.date(int(found[1]), int(found[2] or 1), 1)


def bound(month: datetime.date, timestamp: bool) -> str:
    """A partition bound as an SQL literal: the first day of the month, or for a
    moment its first instant in TIME_ZONE (Asia/Shanghai: midnight at +08:00)."""
    if not timestamp:
        return f"'{month.isoformat()}'"
    start = datetime.datetime.combine(
        month, datetime.time(), ZoneInfo(settings.TIME_ZONE)
    )
    return f"'{start.isoformat()}'"


def month_expression(column: str, timestamp: bool, span: int = 1) -> str:
    """SQL for the first day of a row's month (its year's, for a span of 12), as
    partitions split them."""
    unit = "year" if span == 12 else "month"
    if timestamp:
        local = f"\"{column}\" AT TIME ZONE '{settings.TIME_ZONE}'"
        return f"date_trunc('{unit}', {local})::date"
    return f"date_trunc('{unit}', \"{column}\")::date"


def is_timestamp(cursor, table: str, column: str) -> bool:
    cursor.execute(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() "
        "AND table_name = %s AND column_name = %s",
        [table, column],
    )
    return cursor.fetchone()[0].startswith("timestamp")


def columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def create_partition_sql(
    table: str, month: datetime.date, timestamp: bool, span: int = 1
) -> str:
    return (
        f'CREATE TABLE "{partition_name(table, month, span)}" PARTITION OF "{table}" '
        f"FOR VALUES FROM ({bound(month, timestamp)}) "
        f"TO ({bound(add_months(month, span), timestamp)})"
    )


def _definitions(cursor, table: str, leave_out) -> tuple[list, list]:
    """The table's own index and constraint definitions, primary key and NOT NULL
    aside (LIKE copies those), less the ones named in `leave_out`."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [table],
    )
    indexes = [
        definition.replace(" ON ONLY ", " ON ")
        for name, definition in cursor.fetchall()
        if name not in leave_out
    ]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype NOT IN ('p', 'n') ORDER BY conname",
        [table],
    )
    constraints = [
        (name, definition)
        for name, definition in cursor.fetchall()
        if name not in leave_out
    ]
    return indexes, constraints


def _rebuild(
    cursor, table: str, column: str | None, leave_out, span=1, ahead=0
) -> None:
    """Copy `table` into a new one of the same name, partitioned by month (by
    year, with a span of 12) of `column` (None: not partitioned), with its ids,
    indexes and constraints."""
    cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    # The old table is dropped: foreign-key checks still pending for rows written
    # earlier in this transaction are made now (PostgreSQL refuses otherwise).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    indexes, constraints = _definitions(cursor, table, leave_out)
    names = ", ".join(f'"{name}"' for name in columns(cursor, table))
    old = f"{table}_old"
    cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    partition_by = f' PARTITION BY RANGE ("{column}")' if column else ""
    cursor.execute(
        f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY)'
        + partition_by
    )
    if column:
        timestamp = is_timestamp(cursor, table, column)
        this_month = month_start(
            datetime.datetime.now(ZoneInfo(settings.TIME_ZONE)).date()
        )
        cursor.execute(
            f'SELECT min({month_expression(column, timestamp, span)}) FROM "{old}"'
        )
        oldest = cursor.fetchone()[0]
        last = period_start(add_months(this_month, -1), span)
        month = min(oldest or last, last)
        newest = add_months(this_month, MONTHS_AHEAD)
        if ahead:  # rows dated up to `ahead` months on get their partition now
            cursor.execute(
                f"SELECT max({month_expression(column, timestamp, span)}) "
                f'FROM "{old}" WHERE {month_expression(column, timestamp, span)} '
                "<= %s",
                [add_months(this_month, ahead)],
            )
            newest = max(newest, cursor.fetchone()[0] or newest)
        while month <= newest:
            cursor.execute(create_partition_sql(table, month, timestamp, span))
            month = add_months(month, span)
        cursor.execute(
            f'CREATE TABLE "{default_name(table)}" PARTITION OF "{table}" DEFAULT'
        )
    cursor.execute(
        f'INSERT INTO "{table}" ({names}) OVERRIDING SYSTEM VALUE '
        f'SELECT {names} FROM "{old}"'
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), max(id)) "
        f'FROM "{table}" HAVING max(id) IS NOT NULL',
        [table],
    )
    cursor.execute(f'DROP TABLE "{old}"')
    key = f'id, "{column}"' if column else "id"
    cursor.execute(
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_pkey" PRIMARY KEY ({key})'
    )
    for definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    # A new table has no statistics, and autovacuum never analyzes a partitioned
    # table itself: without this the planner guesses until someone runs ANALYZE.
    cursor.execute(f'ANALYZE "{table}"')


def partition_table(
    cursor, table: str, column: str, *, leave_out=(), span: int = 1, ahead: int = 0
) -> None:
    """Convert `table` in place into one partitioned by month of `column`: the
    same name, columns, ids, indexes and constraints (their definitions read from
    the catalogue), the primary key (id, column), a partition for every month
    from its oldest row (or last month) to MONTHS_AHEAD after this one, and the
    DEFAULT partition. Unique indexes and constraints named in `leave_out` are
    not copied: PostgreSQL refuses one without the partition key, and the caller
    puts what replaces them. Holds an ACCESS EXCLUSIVE lock throughout: the copy
    and the index builds take time in proportion to the rows. With a span of 12,
    one partition per year instead (named <table>_pYYYY); with `ahead`, rows
    dated up to that many months from now get theirs too, as the nightly upkeep
    would give them (the policy's furthest_ahead_months)."""
    _rebuild(cursor, table, column, leave_out, span, ahead)


def unpartition_table(cursor, table: str, *, leave_out=()) -> None:
    """partition_table() undone: one plain table, primary key id."""
    _rebuild(cursor, table, None, leave_out)
