"""Insured-as-employed import (参保视同就业): social-insurance enrolment records
become employment registrations and their ends terminations.

The file is streamed into an unlogged staging table with COPY, one line per row,
then checked and applied with set-based SQL in one transaction: a million rows
take seconds, bad rows are reported with their line numbers, a file that cannot
be read changes nothing, and importing the same file again changes nothing.
Layout: docs/insurance-import.md.
"""

import contextlib
import io
import itertools
import logging
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task
from psycopg import sql

from portal.audit import audit
from portal.models import User
from portal.privacy import mask_id_number
from portal.validators import validate_id_number
from registration.errors import InsuranceFileError
from registration.models import InsuranceImport
from registration.services.unemployment import close_unemployment_on_employments

log = logging.getLogger(__name__)

HEADERS = (
    ["id_number", "uscc", "start_date", "end_date", "insurance_type"],
    ["身份证号码", "统一社会信用代码", "参保开始日期", "参保终止日期", "险种"],
)
# National insurance type codes: pension, unemployment, medical, injury, maternity.
INSURANCE_TYPES = ("110", "210", "310", "410", "510")
CHUNK_LINES = 100_000
KEPT_ERRORS = 1000
ID_IN_LINE = re.compile(r"\b\d{17}[\dXx]\b")


def _open_text(raw) -> io.TextIOWrapper:
    head = raw.read(1 << 16)
    raw.seek(0)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is fine.
            if error.start < len(head) - 4:
                continue
        return io.TextIOWrapper(raw, encoding=encoding, errors="replace")
    raise InsuranceFileError(_("The file is neither UTF-8 nor GB18030 text."))


def _check_header(line: str) -> None:
    columns = [cell.strip().strip('"') for cell in line.strip().split(",")]
    if columns not in HEADERS:
        raise InsuranceFileError(
            _("The first line must name the columns: %(columns)s.")
            % {"columns": ",".join(HEADERS[0])}
        )


def _set_progress(insurance_import: InsuranceImport, **values) -> None:
    values["updated_at"] = timezone.now()
    InsuranceImport.objects.filter(pk=insurance_import.pk).update(**values)
    for name, value in values.items():
        setattr(insurance_import, name, value)


def load_file(insurance_import: InsuranceImport, table: sql.Identifier) -> None:
    """Copy every line after the header into the staging table, committing chunk by
    chunk so the admin's progress bar moves."""
    with connection.cursor() as cursor:
        cursor.execute(
            # Autovacuum would analyze the table while the import reads it, and
            # dropping it would then wait a second (deadlock_timeout) for the
            # autovacuum worker to be cancelled.
            sql.SQL(
                "CREATE UNLOGGED TABLE {} (line_no bigint GENERATED ALWAYS AS "
                "IDENTITY, line text) WITH (autovacuum_enabled = false)"
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
            # PostgreSQL text cannot hold NUL: COPY would refuse the whole file.
            # As an undecodable byte, it spoils its line only.
            chunk = (
                "".join(lines)
                .replace("\x01", "")
                .replace("\x02", "")
                .replace("\x00", "\ufffd")
            )
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
                copy.write(chunk)
            _set_progress(insurance_import, bytes_read=raw.tell())


# Each row's first problem, in the order the checks read; NULL for a good row.
# Good rows are grouped into enrolments in the same statement: one per person,
# employer and start date, whatever the insurance types, ended only when every
# type has ended, and numbered by its first line. A refused row stays a row of its
# own. (A table of every row, grouped afterwards, was written and read again: a
# million rows went through the session's temporary buffers twice.)
# Each field and date is worked out once per row, in the nested subqueries (OFFSET 0
# keeps PostgreSQL from folding them into the CASE, which would split the line,
# trim and cast again for every test that reads them). upper() in the "C"
# collation: the registry's numbers are ASCII, and the database's own collation
# would look up every character in the locale.
CHECK_ROWS = """
CREATE TEMP TABLE import_rows ON COMMIT DROP AS
SELECT problem, person_id, employer_id, org_unit_id, start_date,
       CASE WHEN bool_or(end_date IS NULL) THEN NULL ELSE max(end_date) END
           AS end_date,
       min(line_no) AS line_no, count(*) AS lines
FROM (
SELECT s.line_no, p.id AS person_id, e.id AS employer_id, e.org_unit_id,
       s.start_date, s.end_date,
       CASE WHEN s.n <> 5 THEN 'columns'
            -- PostgreSQL reads 'infinity' as a date; no enrolment starts or ends
            -- there.
            WHEN NOT s.start_valid OR NOT isfinite(s.start_date) THEN 'start_date'
            WHEN s.end_text <> ''
             AND (NOT s.end_valid OR NOT isfinite(s.end_date)) THEN 'end_date'
            WHEN s.end_date < s.start_date THEN 'end_before_start'
            WHEN s.start_date > %(today)s THEN 'future'
            WHEN s.kind <> ALL(%(types)s) THEN 'insurance_type'
            WHEN p.id IS NULL THEN 'person'
            WHEN e.id IS NULL THEN 'employer'
            -- Person.working_age_problem(): 16 full years of age (the dates as
            -- numbers YYYYMMDD) up to the day before the retirement date.
            WHEN to_char(s.start_date, 'YYYYMMDD')::int
                 - to_char(p.birth_date, 'YYYYMMDD')::int < 160000
              OR s.start_date >= p.retirement_date THEN 'working_age'
       END AS problem
FROM (
    SELECT v.*, CASE WHEN v.start_valid THEN v.start_text::date END AS start_date,
           CASE WHEN v.end_valid THEN v.end_text::date END AS end_date
    FROM (
        -- It also reads 'today', 'now', 'yesterday' and 'epoch': a date has digits.
        SELECT f.*, f.start_text ~ '[0-9]' AND f.start_text !~ '[[:alpha:]]'
                    AND pg_input_is_valid(f.start_text, 'date') AS start_valid,
               f.end_text ~ '[0-9]' AND f.end_text !~ '[[:alpha:]]'
                   AND pg_input_is_valid(f.end_text, 'date') AS end_valid
        FROM (
            SELECT line_no, array_length(fields, 1) AS n,
                   upper(btrim(fields[1]) COLLATE "C") AS id_number,
                   upper(btrim(fields[2]) COLLATE "C") AS uscc,
                   btrim(fields[3]) AS start_text,
                   coalesce(btrim(fields[4]), '') AS end_text,
                   btrim(fields[5]) AS kind
            FROM (SELECT line_no,
                         string_to_array(replace(line, '"', ''), ',') AS fields
                  FROM {staging} WHERE btrim(line) <> '' OFFSET 0) AS l
            OFFSET 0
        ) AS f OFFSET 0
    ) AS v OFFSET 0
) AS s
LEFT JOIN portal_person p ON p.id_number = s.id_number
LEFT JOIN portal_employer e ON e.uscc = s.uscc
) AS checked
GROUP BY problem, person_id, employer_id, org_unit_id, start_date,
         CASE WHEN problem IS NOT NULL THEN line_no END
"""

# An open enrolment ends the day before the person's next open enrolment at
# another employer in the same file starts, as an open registration on file would
# (END_SUPERSEDED): the file is read as the person's history, so a first import
# gives what importing it again finds. (Refused as an overlap the first time and
# registered the second, the later job made the register change on a re-import.)
# open_in_file keeps what the file said: only an ended enrolment ends its
# registration (END_MATCHED), only an open one ends a job elsewhere.
# Each enrolment is matched with a registration of that person at that employer
# it overlaps, if any (the first by id), in the statement that copies it:
# updating the rows afterwards would write the table twice.
GROUP_ENROLMENTS = """
CREATE TEMP TABLE import_enrolments ON COMMIT DROP AS
SELECT DISTINCT ON (en.line_no) en.person_id, en.employer_id, en.org_unit_id,
       en.start_date, en.end_date, en.open_in_file, en.line_no,
       r.id AS registration_id, r.end_date AS registration_end, false AS clashes
FROM (
    SELECT g.person_id, g.employer_id, g.org_unit_id, g.start_date,
           coalesce(g.end_date, nx.next_start - 1) AS end_date,
           g.end_date IS NULL AS open_in_file, g.line_no
    FROM import_rows g
    LEFT JOIN (
        SELECT x.line_no, min(y.start_date) AS next_start
        FROM import_rows x
        JOIN import_rows y ON y.person_id = x.person_id
         AND y.employer_id <> x.employer_id AND y.start_date > x.start_date
        WHERE x.problem IS NULL AND x.end_date IS NULL
          AND y.problem IS NULL AND y.end_date IS NULL
        GROUP BY x.line_no
    ) AS nx ON nx.line_no = g.line_no
    WHERE g.problem IS NULL
) AS en
LEFT JOIN registration_employmentregistration r
  ON r.person_id = en.person_id AND r.employer_id = en.employer_id
 AND r.start_date <= coalesce(en.end_date, 'infinity')
 AND coalesce(r.end_date, 'infinity') >= en.start_date
ORDER BY en.line_no, r.id;

ANALYZE import_enrolments;
"""

# Two enrolments of one person at one employer that overlap are refused, the later
# one, whether or not a registration matches them: a first import refuses it as
# new, and the re-import must not take it as already on file (nor end the
# registration with its end date).
MARK_SAME_EMPLOYER = """
UPDATE import_enrolments en SET clashes = true
FROM (
    SELECT line_no, start_date,
           max(coalesce(end_date, 'infinity')) OVER (
               PARTITION BY person_id, employer_id ORDER BY start_date, line_no
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS earlier_end
    FROM import_enrolments
) AS o
WHERE en.line_no = o.line_no AND o.earlier_end >= o.start_date
"""

# A registration that an enrolment ends no longer covers the enrolments of the
# same employer that start after its new end: they are new (a registration of the
# same employer overlapping them would have overlapped the open one).
UNMATCH_ENDED = """
UPDATE import_enrolments en SET registration_id = NULL, registration_end = NULL
FROM ended WHERE en.registration_id = ended.id AND en.start_date > ended.end_date
"""

# The earliest ended enrolment that matches an open registration ends it (several
# in one UPDATE would leave the choice to PostgreSQL).
END_MATCHED = f"""
WITH ended AS (
    UPDATE registration_employmentregistration r
    SET end_date = en.end_date, end_reason = 'insurance_ended', ended_at = now(),
        ended_by_id = %(user)s::bigint, is_end_late = false, updated_at = now()
    FROM (SELECT DISTINCT ON (registration_id) registration_id, end_date
          FROM import_enrolments
          WHERE registration_end IS NULL AND NOT open_in_file AND NOT clashes
            AND registration_id IS NOT NULL
          ORDER BY registration_id, start_date, line_no) AS en
    WHERE r.id = en.registration_id
    RETURNING r.id, r.end_date
), unmatched AS ({UNMATCH_ENDED})
SELECT count(*) FROM ended
"""

# A new enrolment elsewhere means an employee's earlier, still open job ended: the
# day before the first such enrolment that starts after it. (A matched enrolment
# elsewhere cannot start after an open registration: its own registration would
# overlap it.)
END_SUPERSEDED = f"""
WITH ended AS (
    UPDATE registration_employmentregistration r
    SET end_date = en.start_date - 1, end_reason = 'insurance_ended',
        ended_at = now(), ended_by_id = %(user)s::bigint, is_end_late = false,
        updated_at = now()
    FROM (SELECT r.id, min(en.start_date) AS start_date
          FROM import_enrolments en
          JOIN registration_employmentregistration r
            ON r.person_id = en.person_id AND r.end_date IS NULL
           AND r.kind = 'employee' AND r.employer_id <> en.employer_id
           AND r.start_date < en.start_date
          WHERE en.registration_id IS NULL AND en.open_in_file
          GROUP BY r.id) AS en
    WHERE r.id = en.id
    RETURNING r.id, r.end_date
), unmatched AS ({UNMATCH_ENDED})
SELECT count(*) FROM ended
"""

# New enrolments that would overlap another period of the same person, in the file
# or on file, are refused; the exclusion constraint stays the last word. An
# enrolment already refused for its own employer refuses no other: it may match a
# registration on the re-import and so leave the comparison then.
MARK_OVERLAPS = """
UPDATE import_enrolments en SET clashes = true
FROM (
    SELECT line_no, start_date,
           max(coalesce(end_date, 'infinity')) OVER (
               PARTITION BY person_id ORDER BY start_date, line_no
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS earlier_end
    FROM import_enrolments WHERE registration_id IS NULL AND NOT clashes
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
INSERT_NEW = """
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
NEW_REGISTRATIONS = """
SELECT person_id, start_date, end_date FROM import_enrolments
WHERE registration_id IS NULL AND NOT clashes
"""


def _is_id_number(text: str) -> bool:
    """Whether an unknown person's number is a valid one, as the checks read it
    (spaces and quotes around it, lower-case x), by the registry's own check:
    python-stdnum's is_valid() also refuses people born before their area code
    was created, such as every Foshan district's before 2002 (docs/identifiers.md)."""
    number = text.strip(' "').upper()
    try:
        return validate_id_number(number) == number
    except ValidationError:
        return False


def _refused_rows(table: sql.Identifier, limit: int) -> list[dict]:
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
        if problem == "person" and not _is_id_number(line.split(",")[0]):
            problem = "id_number"
        # +1 for the header line: numbers match what a spreadsheet shows. ID
        # numbers are masked: the import's page is not the registry.
        text = ID_IN_LINE.sub(lambda m: mask_id_number(m.group(0)), line[:200])
        refused.append({"line": line_no + 1, "problem": problem, "text": text})
    return refused


@transaction.atomic
def apply_staged_rows(insurance_import: InsuranceImport, table: sql.Identifier):
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
            sql.SQL(CHECK_ROWS).format(staging=table),
            {"types": list(INSURANCE_TYPES), "today": timezone.localdate()},
        )
        # Temporary tables get no statistics by themselves; the joins need them.
        cursor.execute("ANALYZE import_rows")
        cursor.execute(GROUP_ENROLMENTS)
        cursor.execute(MARK_SAME_EMPLOYER)
        cursor.execute(END_MATCHED, {"user": user})
        (matched_ended,) = cursor.fetchone()
        cursor.execute(END_SUPERSEDED, {"user": user})
        ended = matched_ended + cursor.fetchone()[0]
        cursor.execute(MARK_OVERLAPS)
        cursor.execute(INSERT_NEW, {"user": user})
        registered = cursor.rowcount
        cursor.execute(
            "SELECT (SELECT coalesce(sum(lines), 0)::bigint FROM import_rows), "
            "(SELECT count(*) FROM import_rows WHERE problem IS NOT NULL), "
            "count(*), count(*) FILTER (WHERE clashes) "
            "FROM import_enrolments"
        )
        row_count, bad_rows, enrolments, overlaps = cursor.fetchone()
    close_unemployment_on_employments(
        NEW_REGISTRATIONS, by=insurance_import.requested_by
    )
    refused = _refused_rows(table, KEPT_ERRORS)
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


@transaction.atomic
def queue_insurance_import(
    insurance_import: InsuranceImport, *, by: User
) -> InsuranceImport:
    """Store a file uploaded in the back office and have a task import it once the
    upload has committed (the page then shows its progress)."""
    uploaded_as = Path(insurance_import.file.name).name
    insurance_import.requested_by = by
    insurance_import.save()
    audit(by, "registration.import.queued", insurance_import, {"file": uploaded_as})
    transaction.on_commit(
        lambda: async_task(
            "registration.tasks.run_insurance_import", insurance_import.pk
        )
    )
    return insurance_import


def import_inbox_files() -> list[InsuranceImport]:
    """Nightly: import each CSV file the social-insurance system dropped into
    INSURANCE_INBOX, oldest first; a file moves to done/ once it is stored."""
    inbox = Path(settings.INSURANCE_INBOX)
    done = inbox / "done"
    # A run of this task whose worker died left its files in done/ and their
    # imports unfinished; the retry finishes them first.
    left = InsuranceImport.objects.filter(
        requested_by=None, status__in=InsuranceImport.UNFINISHED
    ).order_by("created_at")
    imports = [run_insurance_import(insurance_import) for insurance_import in left]
    for path in sorted(inbox.glob("*.csv"), key=lambda p: p.stat().st_mtime):
        insurance_import = InsuranceImport()
        with open(path, "rb") as source:
            insurance_import.file.save(path.name, File(source))
        done.mkdir(exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path.rename(done / f"{stamp}-{path.name}")
        imports.append(run_insurance_import(insurance_import))
    return imports


# Keyspace of the session-level advisory lock (keyspace, import id) a run holds
# (fairs' transaction-level locks use 41 and 42).
RUN_LOCK = 43
STAGING_PREFIX = "registration_import_"


def _staging_table(code: uuid.UUID) -> sql.Identifier:
    return sql.Identifier(f"{STAGING_PREFIX}{code.hex}")


def _drop_staging_table(code: uuid.UUID) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(_staging_table(code)))


@contextlib.contextmanager
def _run_lock(pk: int):
    """True while this session holds the import's run lock, False when a live run
    does. The lock belongs to the database session, not to a transaction, so it
    outlives the chunk commits, and PostgreSQL drops it when the session ends: a
    worker killed mid-import leaves it free for the retry, without any timeout
    to guess."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK, pk])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK, pk])
            except DatabaseError:
                # The session is gone, and its lock with it.
                pass


def run_insurance_import(insurance_import: InsuranceImport) -> InsuranceImport:
    """Load and apply one uploaded file (called by the task). It runs once even
    when the queue delivers the task twice, and the retry of a run whose worker
    was killed takes the import over: it drops the staging table the dead run left
    and reads the file again. A dead run changed no registration, as the rows are
    applied in one transaction."""
    with _run_lock(insurance_import.pk) as held:
        if not held:
            return insurance_import
        _drop_staging_table(insurance_import.code)
        insurance_import.refresh_from_db()
        if insurance_import.status not in InsuranceImport.UNFINISHED:
            return insurance_import
        if insurance_import.status != InsuranceImport.Status.QUEUED:
            log.warning("insurance import %s: taking over", insurance_import.code)
            audit(
                None,
                "registration.import.taken_over",
                insurance_import,
                {"status": insurance_import.status, "runs": insurance_import.runs},
            )
        now = timezone.now()
        InsuranceImport.objects.filter(pk=insurance_import.pk).update(
            status=InsuranceImport.Status.LOADING,
            started_at=Coalesce("started_at", Value(now)),
            runs=F("runs") + 1,
            bytes_read=0,
            updated_at=now,
        )
        insurance_import.refresh_from_db()
        _load_and_apply(insurance_import)
    return insurance_import


def _load_and_apply(insurance_import: InsuranceImport) -> None:
    table = _staging_table(insurance_import.code)
    try:
        _set_progress(insurance_import, file_size=insurance_import.file.size)
        load_file(insurance_import, table)
        _set_progress(insurance_import, status=InsuranceImport.Status.APPLYING)
        apply_staged_rows(insurance_import, table)
    except InsuranceFileError as error:
        _set_progress(
            insurance_import,
            status=InsuranceImport.Status.FAILED,
            failure=str(error),
            finished_at=timezone.now(),
        )
    except Exception:
        log.exception("insurance import %s failed", insurance_import.code)
        _set_progress(
            insurance_import,
            status=InsuranceImport.Status.FAILED,
            failure=_("An unexpected error stopped the import; nothing was changed."),
            finished_at=timezone.now(),
        )
        raise
    finally:
        _drop_staging_table(insurance_import.code)


def resume_interrupted_imports() -> int:
    """Every 15 minutes: take over the imports whose worker died, should their
    task be gone too (imports a live run holds are left to it), and drop the
    staging tables of finished or deleted imports. Returns how many it finished."""
    finished = 0
    interrupted = InsuranceImport.objects.filter(
        status__in=[InsuranceImport.Status.LOADING, InsuranceImport.Status.APPLYING]
    ).order_by("created_at")
    for insurance_import in interrupted:
        run_insurance_import(insurance_import)
        finished += insurance_import.status not in InsuranceImport.UNFINISHED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename ~ %s",
            [f"^{STAGING_PREFIX}[0-9a-f]{{32}}$"],
        )
        codes = [uuid.UUID(name.removeprefix(STAGING_PREFIX)) for (name,) in cursor]
    # An unfinished import's table is its run's, or the next takeover drops it.
    unfinished = InsuranceImport.objects.filter(
        code__in=codes, status__in=InsuranceImport.UNFINISHED
    ).values_list("code", flat=True)
    for code in set(codes) - set(unfinished):
        _drop_staging_table(code)
    return finished
