"""The trigger keeping one running interval per posting (per resume) took its
advisory lock on every update of a running interval, though only a row that becomes
running (inserted running, set running, or moved to another owner) can make a second
one: a running interval extended or cut short in place cannot. It now locks only
then. An update that moves the row to another month's partition is still checked:
PostgreSQL runs it there as an insert (docs/partitioning.md)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION jobs_{table}_one_current() RETURNS trigger AS $$
BEGIN
    IF NEW.is_current AND {when} THEN
        PERFORM pg_advisory_xact_lock(
            hashtextextended('jobs_{table}.current:' || NEW.{owner}::text, 0));
        IF EXISTS (
            SELECT 1 FROM jobs_{table}
            WHERE {owner} = NEW.{owner} AND is_current AND id <> NEW.id
        ) THEN
            RAISE unique_violation USING
                MESSAGE = 'duplicate key value violates unique constraint '
                          '"{unique}"',
                CONSTRAINT = '{unique}';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

BECOMES_RUNNING = (
    "(TG_OP = 'INSERT' OR NOT OLD.is_current "
    "OR OLD.{owner} IS DISTINCT FROM NEW.{owner})"
)

TABLES = [
    {
        "table": "postinginterval",
        "owner": "posting_id",
        "unique": "one_current_interval_per_posting",
    },
    {
        "table": "resumeinterval",
        "owner": "resume_id",
        "unique": "one_current_interval_per_resume",
    },
]


def functions(when: str) -> str:
    return "".join(
        FUNCTION.format(when=when.format(**names), **names) for names in TABLES
    )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0019_partition_intervals")]

    operations = [
        migrations.RunSQL(functions(BECOMES_RUNNING), functions("TRUE")),
    ]
