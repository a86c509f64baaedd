"""Benchmark of a month's query on a history table partitioned by month against the
same rows in one plain table (docs/partitioning.md).

    .venv/bin/python bench/partitions.py [--audit-rows N] [--interval-rows N] [--runs N]

Uses the database `portal_partitions` (created and migrated on the first run) and
builds four scratch tables there anew on every run, dropped at the end:
- audit entries: `--audit-rows` spread evenly over the last 36 months (the audit
  trail's retention), with the columns, indexes and constraints of
  portal_auditentry. Default 3 M: about a million a year, the order of a Foshan-sized
  city's writes (each audited); a province is about 20 times that;
- posting intervals: `--interval-rows` starting over the last 36 months, lasting 1 to
  60 days (postings are valid 30 days by default and may be renewed), shaped as
  jobs_postinginterval. Default 1.2 M: Foshan's 300,000 postings a year, some
  renewed or paused, over three years.
Each is copied once (the same ids and moments) and the copy converted with the
migrations' own portal.partitioning.partition_table (its time is printed: the
migration's cost at that size). Then each query runs on both tables, after one
warm-up run, `--runs` times; the figures are the median time and the shared buffers
the plan touched (EXPLAIN (ANALYZE, BUFFERS): pages read from cache or disk, a
figure the machine's load does not move), and both tables' answers are compared.
Last, the oldest month of the audit trail is removed from each: a DELETE from the
plain table against a DROP of the month's partition.
The load average is printed next to each figure.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["BENCH_DATABASE"] = "portal_partitions"
warnings.filterwarnings("ignore", message="No directory at")

from bench.jobs import ensure_database  # noqa: E402

FILL_AUDIT = """
CREATE TABLE {table} (LIKE portal_auditentry INCLUDING ALL);
ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, ADD PRIMARY KEY (id);
INSERT INTO {table} (created_at, action, object_id, object_repr, data)
SELECT now() - interval '36 months' * (n::float8 / %(rows)s),
       (ARRAY['portal.person.changed', 'jobs.posting.published',
              'registration.unemployment.registered', 'portal.person.identity_viewed',
              'subsidies.application.approved'])[1 + n %% 5],
       (n %% 500000)::text, 'object ' || n, '{{}}'::jsonb
FROM generate_series(1, %(rows)s) AS n;
"""

FILL_INTERVALS = """
CREATE TABLE {table} (LIKE jobs_postinginterval INCLUDING ALL);
ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, ADD PRIMARY KEY (id);
INSERT INTO {table} (posting_id, starts_on, ends_on, is_current, employer_id,
    org_unit_id, headcount, occupation_group, occupation_name, industry, ownership,
    education, salary_min)
SELECT n, d, d + (n * 7 %% 60), false, 1 + n %% 80000, 1 + n %% 40, 1 + n %% 5,
       (ARRAY['1', '2', '3', '4', '5', '6'])[1 + n %% 6], '操作工', 'C', '', '', 4000
FROM (SELECT n, current_date - (1095 * (n::float8 / %(rows)s))::int AS d
      FROM generate_series(1, %(rows)s) AS n) AS g;
"""


def month_bounds(months_ago: int) -> tuple[datetime.datetime, datetime.datetime]:
    from django.utils import timezone

    from portal.partitioning import add_months, month_start

    first = add_months(month_start(timezone.localdate()), -months_ago)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), tz),
        datetime.datetime.combine(add_months(first, 1), datetime.time(), tz),
    )


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def measure(cursor, sql: str, params: list, runs: int) -> tuple[float, int, int]:
    """Median milliseconds, shared buffers touched and partitions (or tables)
    scanned by one run of `sql`."""
    cursor.execute(sql, params)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
    plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    root = plan[0]["Plan"]
    buffers = root.get("Shared Hit Blocks", 0) + root.get("Shared Read Blocks", 0)
    scanned = set()

    def walk(node):
        if "Relation Name" in node:
            scanned.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(root)
    return statistics.median(times), buffers, len(scanned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audit-rows", type=int, default=3_000_000)
    parser.add_argument("--interval-rows", type=int, default=1_200_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ensure_database("portal_partitions")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection, transaction

    from portal.partitioning import partition_table

    tables = {
        "audit": ("bench_audit_plain", "bench_audit_part", FILL_AUDIT, "created_at"),
        "intervals": (
            "bench_interval_plain",
            "bench_interval_part",
            FILL_INTERVALS,
            "ends_on",
        ),
    }
    rows = {"audit": args.audit_rows, "intervals": args.interval_rows}
    with connection.cursor() as cursor:
        for name, (plain, part, fill, column) in tables.items():
            for table in (plain, part):
                cursor.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
            start = time.perf_counter()
            cursor.execute(fill.format(table=plain), {"rows": rows[name]})
            cursor.execute(
                f"CREATE TABLE {part} (LIKE {plain} INCLUDING ALL); "
                f"INSERT INTO {part} OVERRIDING SYSTEM VALUE SELECT * FROM {plain}"
            )
            cursor.execute(f"ANALYZE {plain}")
            print(
                f"{name}: {rows[name]:,} rows generated and copied in "
                f"{time.perf_counter() - start:.1f} s ({load()})"
            )
            start = time.perf_counter()
            with transaction.atomic():  # as the migration runs it
                partition_table(cursor, part, column)
            cursor.execute(f"ANALYZE {part}")
            print(
                f"{name}: partition_table (the migration's conversion) took "
                f"{time.perf_counter() - start:.1f} s ({load()})"
            )

        print(f"\n{'query':62} {'table':12} {'ms':>8} {'buffers':>8} {'parts':>5}")
        for months_ago in (1, 13):
            first, end = month_bounds(months_ago)
            queries = [
                (
                    f"audit: a month's entries by action ({first:%Y-%m})",
                    "audit",
                    "SELECT action, count(*) FROM {t} "
                    "WHERE created_at >= %s AND created_at < %s GROUP BY action",
                    [first, end],
                ),
                (
                    f"audit: a month's 50 latest identity views ({first:%Y-%m})",
                    "audit",
                    "SELECT id, created_at, object_id FROM {t} WHERE action = "
                    "'portal.person.identity_viewed' AND created_at >= %s "
                    "AND created_at < %s ORDER BY created_at DESC LIMIT 50",
                    [first, end],
                ),
                (
                    f"intervals: a month's vacancies, stats overlap ({first:%Y-%m})",
                    "intervals",
                    "SELECT occupation_group, count(*), sum(headcount) FROM {t} "
                    "WHERE starts_on <= %s AND ends_on >= %s GROUP BY 1",
                    [(end - datetime.timedelta(days=1)).date(), first.date()],
                ),
            ]
            for label, name, sql, params in queries:
                plain, part, _, _ = tables[name]
                answers = []
                for kind, table in (("plain", plain), ("partitioned", part)):
                    with connection.cursor() as check:
                        check.execute(sql.format(t=table), params)
                        answers.append(sorted(check.fetchall()))
                    ms, buffers, parts = measure(
                        cursor, sql.format(t=table), params, args.runs
                    )
                    print(
                        f"{label:62} {kind:12} {ms:8.1f} {buffers:8,} {parts:5}"
                        f"  ({load()})"
                    )
                assert answers[0] == answers[1], f"different answers: {label}"
        # Retention: the oldest month of the audit trail leaves the plain table by a
        # DELETE (and its dead rows wait for VACUUM), the partitioned one by a DROP.
        first, end = month_bounds(35)
        plain, part, _, _ = tables["audit"]
        with transaction.atomic():
            start = time.perf_counter()
            cursor.execute(
                f"DELETE FROM {plain} WHERE created_at >= %s AND created_at < %s",
                [first, end],
            )
            deleted = cursor.rowcount
            print(
                f"\nretention, audit {first:%Y-%m}: DELETE of {deleted:,} rows from "
                f"the plain table {(time.perf_counter() - start) * 1000:.0f} ms "
                f"({load()})"
            )
        with transaction.atomic():
            start = time.perf_counter()
            cursor.execute(f"DROP TABLE {part}_p{first:%Y%m}")
            print(
                f"retention, audit {first:%Y-%m}: DROP of its partition "
                f"{(time.perf_counter() - start) * 1000:.0f} ms ({load()})"
            )
        for plain, part, _, _ in tables.values():
            for table in (plain, part):
                cursor.execute(f"DROP TABLE IF EXISTS {table} CASCADE")


if __name__ == "__main__":
    main()
