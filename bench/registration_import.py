"""Benchmark of the insured-as-employed import against a plain COPY of the same file.

    .venv/bin/python bench/registration_import.py [--rows 1000000]

Uses the database `portal_bench` (see bench/jobs.py). Fills the registry once with
rows/2 people and 20,000 employers (COPY), writes a CSV of `rows` enrolment records
(two insurance types per person, one in five ended, about 1 % bad rows), then prints:
- a plain COPY of that file into a table of five text columns (typed columns
  would make COPY fail on the first bad row); the floor any loader pays;
- the import (COPY to staging + checks + writes, one transaction) on an empty
  employment register, and again on the same file (idempotent re-import);
- the register's own floor: the registrations the first import wrote, copied back
  into the emptied register by a plain COPY with its indexes, exclusion constraint,
  triggers and foreign-key checks (rolled back), which no import of those rows can
  beat while the register keeps its constraints;
- rows per second of each, and the ratio import rate / COPY rate;
- next to each, the load average and the CPU seconds the database server process
  spent on it (on a shared machine the wall time grows with the load, the CPU
  time much less), and the ratio of those too.
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

from bench.jobs import ensure_database  # noqa: E402

EMPLOYERS = 20_000
CSV_PATH = BASE_DIR / "var" / "bench" / "enrolments.csv"


def id_numbers(count: int, seed: int, taken: set[str]) -> list[str]:
    from stdnum.cn import ric

    rng = random.Random(seed)
    numbers, seen = [], {number[:17] for number in taken}
    while len(numbers) < count:
        birth = datetime.date(1966, 1, 1) + datetime.timedelta(
            days=rng.randrange(14000)
        )
        area = rng.choice(["440604", "440605", "440606", "440607", "440608"])
        body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        if body in seen:
            continue
        seen.add(body)
        numbers.append(body + ric.calc_check_digit(body + "0"))
    return numbers


def copy_rows(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        cursor.execute(f"ANALYZE {table}")


def prepare(people: int) -> tuple[list[str], list[str]]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from stdnum.cn import uscc

    from portal.models import Employer, OrgUnit, Person

    if not OrgUnit.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    streets = list(OrgUnit.objects.filter(level="street").values_list("pk", flat=True))
    now = "2026-01-01 00:00:00+08"
    missing = people - Person.objects.filter(name="参保人").count()
    if missing > 0:
        started = time.perf_counter()
        copy_rows(
            "portal_person",
            ["created_at", "updated_at", "name", "id_number", "phone", "hukou_place",
             "hukou_type", "education", "address", "occupation_type",
             "retirement_track", "residence_id"],
            ((now, now, "参保人", number, "", "", "", "", "", "", "male60",
              streets[i % len(streets)])
             for i, number in enumerate(id_numbers(
                 missing, seed=missing,
                 taken=set(Person.objects.values_list("id_number", flat=True)),
             ))),
        )  # fmt: skip
        print(
            f"registry: {missing} people added in {time.perf_counter() - started:.1f} s"
        )
    if Employer.objects.filter(name__startswith="参保单位").count() < EMPLOYERS:
        codes = []
        for i in range(EMPLOYERS):
            body = f"91440604MA{i:07d}X"[:17]
            codes.append(body + uscc.calc_check_digit(body))
        copy_rows(
            "portal_employer",
            ["created_at", "updated_at", "name", "uscc", "industry", "ownership",
             "size", "org_unit_id", "address", "description", "contact_name",
             "contact_phone", "contact_email", "licence", "verification_status",
             "rejection_reason"],
            ((now, now, f"参保单位{i}", code, "C", "private", "small",
              streets[i % len(streets)], "", "", "人事", "13800138000", "", "",
              "verified", "") for i, code in enumerate(codes)),
        )  # fmt: skip
    # In a fixed order: a large table's sequential scans start wherever another
    # scan is (synchronize_seqscans), and the file would differ from run to run.
    persons = list(
        Person.objects.filter(name="参保人")
        .order_by("pk")
        .values_list("id_number", flat=True)[:people]
    )
    employers = list(
        Employer.objects.filter(name__startswith="参保单位")
        .order_by("pk")
        .values_list("uscc", flat=True)
    )
    return persons, employers


def write_file(path: Path, rows: int, persons, employers) -> None:
    rng = random.Random(7)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write("id_number,uscc,start_date,end_date,insurance_type\n")
        for index in range(rows // 2):
            person = persons[index % len(persons)]
            employer = employers[rng.randrange(len(employers))]
            start = datetime.date(2020, 1, 1) + datetime.timedelta(
                days=rng.randrange(2000)
            )
            end = ""
            if rng.random() < 0.2:
                end = (
                    start + datetime.timedelta(days=rng.randrange(30, 400))
                ).isoformat()
            for kind in ("110", "310"):
                if rng.random() < 0.005:
                    out.write(f"{person},{employer},2026-02-30,,{kind}\n")  # bad date
                elif rng.random() < 0.005:
                    out.write(f"{person},91440604MA0000000X,{start},{end},{kind}\n")
                else:
                    out.write(f"{person},{employer},{start},{end},{kind}\n")


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def server_cpu() -> float:
    """CPU seconds used so far by this connection's server process (0 when the
    server is not on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plain_copy(path: Path) -> tuple[float, float]:
    from django.db import connection

    cpu = server_cpu()
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_plain_copy; CREATE TABLE bench_plain_copy "
            "(id_number text, uscc text, start_date text, end_date text, "
            "insurance_type text)"
        )
        started = time.perf_counter()
        sql = "COPY bench_plain_copy FROM STDIN (FORMAT csv, HEADER, NULL '')"
        with open(path, "rb") as source, cursor.cursor.copy(sql) as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cpu = server_cpu() - cpu
        cursor.execute("DROP TABLE bench_plain_copy")
    return seconds, cpu


def register_floor() -> tuple[float, float, int]:
    """Time writing the register's current rows into the emptied register with a
    plain COPY, constraints and triggers included, then roll it back."""
    from django.db import connection, transaction

    table = "registration_employmentregistration"
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
            for chunk in copy:
                buffer.write(chunk)
        cursor.execute(f"SELECT count(*) FROM {table}")
        rows = cursor.fetchone()[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
        cpu = server_cpu()
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
            copy.write(buffer.getvalue())
        # Foreign keys are checked at commit; make them run before the rollback.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds, cpu = time.perf_counter() - started, server_cpu() - cpu
        transaction.set_rollback(True)
    return seconds, cpu, rows


def timed_import(path: Path):
    from django.core.files import File

    from registration import services
    from registration.models import InsuranceImport

    insurance_import = InsuranceImport()
    with open(path, "rb") as source:
        insurance_import.file.save("bench.csv", File(source))
    cpu = server_cpu()
    started = time.perf_counter()
    result = services.run_insurance_import(insurance_import)
    return time.perf_counter() - started, server_cpu() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    ensure_database(os.environ.get("BENCH_DATABASE", "portal_bench"))
    persons, employers = prepare(args.rows // 2)
    write_file(CSV_PATH, args.rows, persons, employers)
    size = CSV_PATH.stat().st_size / 1e6
    print(f"file: {args.rows} rows, {size:.0f} MB")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registration_employmentregistration CASCADE")
    copy_seconds, copy_cpu = plain_copy(CSV_PATH)
    print(
        f"plain COPY: {copy_seconds:.2f} s, {args.rows / copy_seconds:,.0f} rows/s, "
        f"server CPU {copy_cpu:.2f} s ({load()})"
    )
    seconds, cpu, result = timed_import(CSV_PATH)
    print(
        f"import (empty register): {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s, "
        f"server CPU {cpu:.2f} s ({load()}); {result.registered_count} registered, "
        f"{result.ended_count} ended, {result.error_count} refused"
    )
    print(
        f"ratio import rate / COPY rate: {copy_seconds / seconds:.0%} "
        f"(server CPU: {copy_cpu / cpu:.0%})"
    )
    floor, floor_cpu, written = register_floor()
    print(
        f"the register's floor (COPY of the {written:,} registrations written, "
        f"constraints and triggers included, rolled back): {floor:.2f} s, "
        f"server CPU {floor_cpu:.2f} s ({load()}); the import took "
        f"{seconds / floor:.1f}x its time ({cpu / floor_cpu:.1f}x its server CPU)"
    )
    again, cpu, result = timed_import(CSV_PATH)
    print(
        f"re-import (same file): {again:.2f} s, {args.rows / again:,.0f} rows/s, "
        f"server CPU {cpu:.2f} s ({load()}); {result.registered_count} registered, "
        f"{result.unchanged_count} unchanged, {result.error_count} refused"
    )
    print(
        f"ratio re-import rate / COPY rate: {copy_seconds / again:.0%} "
        f"(server CPU: {copy_cpu / cpu:.0%})"
    )


if __name__ == "__main__":
    main()
