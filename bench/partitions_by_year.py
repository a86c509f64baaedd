"""Benchmark of the tables partitioned by year (docs/partitioning.md): the same
rows in a plain table and after the migrations, queried alternately.

    .venv/bin/python bench/partitions_by_year.py PLAIN_URL PARTITIONED_URL [--runs N]

PLAIN_URL is a database (a copy of a `generate_city` one) at registration 0007 and
stats 0007; PARTITIONED_URL a copy of the same database migrated to registration
0008 and stats 0008. Nothing is written to either. Each query runs on the plain
database, then the partitioned one, `--rounds` times (A B A B: load drifts alike
on both); each time one warm-up and `--runs` timed runs, the figure is the median
of every timed run, with the shared buffers the plan touched (a figure the load
does not move) and the tables or partitions the plan scanned. The answers of both
databases are compared. The load average is printed with each round.
"""

import argparse
import datetime
import os
import statistics
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.partitions import measure  # noqa: E402

TODAY = datetime.date.today()
QUERIES = {
    # registration.queries.employed_by_street, the month's figures' people in work
    "people in work at the end of last month, per street": (
        """SELECT street, sum(change) FROM registration_employedchange
           WHERE day <= %s GROUP BY street HAVING sum(change) <> 0""",
        [TODAY.replace(day=1) - datetime.timedelta(days=1)],
    ),
    "people in work at the end of 2020, per street": (
        """SELECT street, sum(change) FROM registration_employedchange
           WHERE day <= %s GROUP BY street HAVING sum(change) <> 0""",
        [datetime.date(2020, 12, 31)],
    ),
    # stats.queries.facts for the dashboard: a month's figures for every unit
    "a month's stored figures, every unit": (
        """SELECT org_unit_id, indicator, dimension, category, value
           FROM stats_fact WHERE period_kind = 'month' AND period_start = %s""",
        [(TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)],
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("plain")
    parser.add_argument("partitioned")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    databases = {"plain": args.plain, "partitioned": args.partitioned}
    connections = {
        name: psycopg.connect(url, autocommit=True) for name, url in databases.items()
    }
    for title, (sql, params) in QUERIES.items():
        times = {name: [] for name in databases}
        seen = {}
        for round_ in range(args.rounds):
            for name, connection in connections.items():
                with connection.cursor() as cursor:
                    ms, buffers, scanned = measure(cursor, sql, params, args.runs)
                    cursor.execute(sql, params)
                    seen[name] = sorted(cursor.fetchall())
                times[name].append(ms)
                print(
                    f"{title} | {name} | round {round_ + 1} | {ms:.1f} ms | "
                    f"{buffers} buffers | {scanned} scanned | "
                    f"load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
        same = seen["plain"] == seen["partitioned"]
        print(
            f"== {title}: plain {statistics.median(times['plain']):.1f} ms, "
            f"partitioned {statistics.median(times['partitioned']):.1f} ms, "
            f"same answers: {same}",
            flush=True,
        )
        if not same:
            sys.exit(f"different answers: {title}")


if __name__ == "__main__":
    main()
