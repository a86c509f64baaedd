"""People in work per street and day, kept up to date by the database itself, so
that "employed at the end of a day" (registration.queries, employed_at_end) sums a
few thousand rows instead of joining every employment registration with its person
(docs/statistics.md, "Employed at the end, incrementally").

An employment registration of working age counts from its start date up to its end
date, and no longer from the person's statutory retirement date: +1 on its first
day, -1 on the first day it no longer counts. The people in work in a street at the
end of day D are then the sum of the street's changes up to D. Triggers write the
changes of every statement that inserts, updates or deletes registrations, and of
every change of a person's birth or retirement date or of a unit's code (whatever
writes them: services, the insurance import's SQL, the admin); rows are only
appended, so concurrent writers never wait for each other. Compacting adds up each
street's and day's rows again (registration.services.employed_changes).
"""

from django.db import models

from portal.partitioning import Yearly

STREET_LENGTH = 9


def contributions(
    rows: str, *, birth: str = "p.birth_date", retirement: str = "p.retirement_date"
) -> str:
    """SELECT street, day, change of the registrations `rows` (aliased e, joined
    with their person p and unit o): the same working-age rule as
    registration.queries._working_age, in the same expressions."""
    return f"""
SELECT left(o.code, {STREET_LENGTH}) AS street, d.day, d.change
FROM {rows} e
JOIN portal_person p ON p.id = e.person_id
JOIN portal_orgunit o ON o.id = e.org_unit_id
CROSS JOIN LATERAL (VALUES
    (e.start_date, 1),
    (least(e.end_date + 1, {retirement}), -1)
) AS d(day, change)
WHERE (to_char(e.start_date, 'YYYYMMDD')::int
       - to_char({birth}, 'YYYYMMDD')::int) >= 160000
  AND {retirement} > e.start_date
  AND (e.end_date IS NULL OR e.end_date >= e.start_date)
  AND d.day IS NOT NULL"""


def insert_changes(select: str) -> str:
    """Append the changes, added up per street and day, leaving out zeros."""
    return f"""
INSERT INTO registration_employedchange (street, day, change)
SELECT street, day, sum(change) FROM ({select}) AS changes
GROUP BY street, day HAVING sum(change) <> 0"""


def _negated(select: str) -> str:
    return f"SELECT street, day, -change AS change FROM ({select}) AS old_changes"


COUNTED = ["person_id", "org_unit_id", "start_date", "end_date"]


def _changed(rows: str, other: str) -> str:
    """The updated rows whose counted columns changed: an update of anything else
    (a job title, who filed it) costs no join with people."""
    mine = ", ".join(f"r.{column}" for column in COUNTED)
    theirs = ", ".join(f"t.{column}" for column in COUNTED)
    return f"""(SELECT r.* FROM {rows} r JOIN {other} t ON t.id = r.id
    WHERE ({mine}) IS DISTINCT FROM ({theirs}))"""


TRIGGERS = f"""
CREATE FUNCTION registration_employed_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
{insert_changes(contributions("new_rows"))};
RETURN NULL; END $$;

CREATE FUNCTION registration_employed_updated() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
{
    insert_changes(
        contributions(_changed("new_rows", "old_rows"))
        + " UNION ALL "
        + _negated(contributions(_changed("old_rows", "new_rows")))
    )
};
RETURN NULL; END $$;

CREATE FUNCTION registration_employed_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
{insert_changes(_negated(contributions("old_rows")))};
RETURN NULL; END $$;

CREATE FUNCTION registration_employed_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
DELETE FROM registration_employedchange;
RETURN NULL; END $$;

CREATE FUNCTION registration_employed_person_dates() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
{
    insert_changes(
        contributions(
            "(SELECT * FROM registration_employmentregistration "
            "WHERE person_id = NEW.id)",
            birth="NEW.birth_date",
            retirement="NEW.retirement_date",
        )
        + " UNION ALL "
        + _negated(
            contributions(
                "(SELECT * FROM registration_employmentregistration "
                "WHERE person_id = OLD.id)",
                birth="OLD.birth_date",
                retirement="OLD.retirement_date",
            )
        )
    )
};
RETURN NULL; END $$;

CREATE FUNCTION registration_employed_unit_code() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
INSERT INTO registration_employedchange (street, day, change)
SELECT street, day, sum(change) FROM (
    SELECT left(NEW.code, {STREET_LENGTH}) AS street, day, change FROM ({
    contributions(
        "(SELECT * FROM registration_employmentregistration WHERE org_unit_id = NEW.id)"
    )
}) AS moved
    UNION ALL
    SELECT left(OLD.code, {STREET_LENGTH}), day, -change FROM ({
    contributions(
        "(SELECT * FROM registration_employmentregistration WHERE org_unit_id = NEW.id)"
    )
}) AS moved
) AS changes GROUP BY street, day HAVING sum(change) <> 0;
RETURN NULL; END $$;

CREATE TRIGGER employed_inserted AFTER INSERT ON registration_employmentregistration
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION registration_employed_inserted();
CREATE TRIGGER employed_updated AFTER UPDATE ON registration_employmentregistration
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION registration_employed_updated();
CREATE TRIGGER employed_deleted AFTER DELETE ON registration_employmentregistration
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION registration_employed_deleted();
CREATE TRIGGER employed_truncated AFTER TRUNCATE ON registration_employmentregistration
FOR EACH STATEMENT EXECUTE FUNCTION registration_employed_truncated();
CREATE TRIGGER employed_person_dates AFTER UPDATE ON portal_person
FOR EACH ROW WHEN (OLD.birth_date IS DISTINCT FROM NEW.birth_date
                   OR OLD.retirement_date IS DISTINCT FROM NEW.retirement_date)
EXECUTE FUNCTION registration_employed_person_dates();
CREATE TRIGGER employed_unit_code AFTER UPDATE ON portal_orgunit
FOR EACH ROW WHEN (left(OLD.code, {STREET_LENGTH}) IS DISTINCT FROM
                   left(NEW.code, {STREET_LENGTH}))
EXECUTE FUNCTION registration_employed_unit_code();
"""

DROP_TRIGGERS = """
DROP TRIGGER employed_inserted ON registration_employmentregistration;
DROP TRIGGER employed_updated ON registration_employmentregistration;
DROP TRIGGER employed_deleted ON registration_employmentregistration;
DROP TRIGGER employed_truncated ON registration_employmentregistration;
DROP TRIGGER employed_person_dates ON portal_person;
DROP TRIGGER employed_unit_code ON portal_orgunit;
DROP FUNCTION registration_employed_inserted();
DROP FUNCTION registration_employed_updated();
DROP FUNCTION registration_employed_deleted();
DROP FUNCTION registration_employed_truncated();
DROP FUNCTION registration_employed_person_dates();
DROP FUNCTION registration_employed_unit_code();
"""

# Every change from scratch: the migration's first fill, and a rebuild after
# anything the triggers cannot see (a migration changing the retirement rule
# rewrites portal_person without an UPDATE).
REBUILD = f"""
DELETE FROM registration_employedchange;
{insert_changes(contributions("registration_employmentregistration"))};
"""


class EmployedChange(models.Model):
    """How many more (or fewer) people are in work in a street from a day on;
    written only by the triggers above and compacting."""

    street = models.CharField(max_length=STREET_LENGTH)
    day = models.DateField()
    change = models.IntegerField()

    # A running sum: every day's figure adds up all the rows before it, so none
    # may leave. By year, as rows are few; a retirement is dated decades ahead
    # (docs/partitioning.md, "Tables partitioned by year").
    partitioning = Yearly("day", furthest_ahead_years=60)

    class Meta:
        indexes = [models.Index(fields=["day", "street"], name="employed_change_day")]

    def __str__(self) -> str:
        return f"{self.street} {self.day}: {self.change:+d}"
