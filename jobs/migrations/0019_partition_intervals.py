"""Posting and resume intervals become tables partitioned by the month they end
(portal/partitioning.py, docs/partitioning.md). PostgreSQL takes no unique index
without the partition key, so one running interval per posting (per resume) is
kept by a trigger instead: it takes a transaction lock on the owner, then looks
for another running interval in every partition, and refuses a second one with the
unique index's name and error code. An interval whose end moves to another month
moves to that month's partition (an UPDATE across partitions); it keeps its id,
which the trigger's `id <> NEW.id` relies on."""

from django.db import migrations, models

from portal.partitioning import partition_table, unpartition_table

ONE_CURRENT = """
CREATE FUNCTION jobs_{table}_one_current() RETURNS trigger AS $$
BEGIN
    IF NEW.is_current THEN
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
CREATE TRIGGER jobs_{table}_one_current
    BEFORE INSERT OR UPDATE ON jobs_{table}
    FOR EACH ROW EXECUTE FUNCTION jobs_{table}_one_current();
CREATE INDEX {index} ON jobs_{table} ({owner}) WHERE is_current;
"""

DROP_ONE_CURRENT = """
DROP TRIGGER jobs_{table}_one_current ON jobs_{table};
DROP FUNCTION jobs_{table}_one_current();
DROP INDEX {index};
"""

TABLES = [
    {
        "table": "postinginterval",
        "owner": "posting_id",
        "unique": "one_current_interval_per_posting",
        "index": "posting_interval_current",
    },
    {
        "table": "resumeinterval",
        "owner": "resume_id",
        "unique": "one_current_interval_per_resume",
        "index": "resume_interval_current",
    },
]


def partition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for names in TABLES:
            partition_table(
                cursor,
                f"jobs_{names['table']}",
                "ends_on",
                leave_out={names["unique"]},
            )
            cursor.execute(ONE_CURRENT.format(**names))


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for names in TABLES:
            cursor.execute(DROP_ONE_CURRENT.format(**names))
            unpartition_table(cursor, f"jobs_{names['table']}")
            cursor.execute(
                f"CREATE UNIQUE INDEX {names['unique']} ON jobs_{names['table']} "
                f"({names['owner']}) WHERE is_current"
            )


def state(kind: str, owner: str) -> list:
    return [
        migrations.RemoveConstraint(
            model_name=f"{kind}interval", name=f"one_current_interval_per_{owner}"
        ),
        migrations.AddIndex(
            model_name=f"{kind}interval",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=[owner],
                name=f"{kind}_interval_current",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("jobs", "0018_match_keywords_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=state("posting", "posting") + state("resume", "resume"),
            database_operations=[migrations.RunPython(partition, unpartition)],
        )
    ]
