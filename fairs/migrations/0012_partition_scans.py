"""Gate scans become a table partitioned by month of scanned_at
(portal/partitioning.py, docs/partitioning.md). PostgreSQL takes no unique
constraint without the partition key, so one scan per (nonce, fair, steward) is
kept by a trigger instead: it takes a transaction lock on the nonce, then looks
for the same scan in every partition, and refuses a second one with the unique
constraint's name and error code, which the gate service catches as before."""

from django.db import migrations, models

from portal.partitioning import partition_table, unpartition_table

ONE_SCAN_PER_NONCE = """
CREATE FUNCTION fairs_scan_one_per_nonce() RETURNS trigger AS $$
BEGIN
    IF NEW.nonce IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(
            hashtextextended('fairs_scan.nonce:' || NEW.nonce::text, 0));
        IF EXISTS (
            SELECT 1 FROM fairs_scan
            WHERE nonce = NEW.nonce AND fair_id = NEW.fair_id
              AND scanned_by_id = NEW.scanned_by_id AND id <> NEW.id
        ) THEN
            RAISE unique_violation USING
                MESSAGE = 'duplicate key value violates unique constraint '
                          '"scan_nonce_per_fair_and_steward"',
                CONSTRAINT = 'scan_nonce_per_fair_and_steward';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fairs_scan_one_per_nonce
    BEFORE INSERT OR UPDATE OF nonce, fair_id, scanned_by_id ON fairs_scan
    FOR EACH ROW EXECUTE FUNCTION fairs_scan_one_per_nonce();
CREATE INDEX scan_nonce_fair_steward ON fairs_scan (nonce, fair_id, scanned_by_id);
"""

DROP_TRIGGER = """
DROP TRIGGER fairs_scan_one_per_nonce ON fairs_scan;
DROP FUNCTION fairs_scan_one_per_nonce();
DROP INDEX scan_nonce_fair_steward;
"""


def partition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        partition_table(
            cursor,
            "fairs_scan",
            "scanned_at",
            leave_out={"scan_nonce_per_fair_and_steward"},
        )
        cursor.execute(ONE_SCAN_PER_NONCE)


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP_TRIGGER)
        unpartition_table(cursor, "fairs_scan")
        cursor.execute(
            "ALTER TABLE fairs_scan ADD CONSTRAINT scan_nonce_per_fair_and_steward "
            "UNIQUE (nonce, fair_id, scanned_by_id)"
        )


class Migration(migrations.Migration):
    dependencies = [("fairs", "0011_hall_closing")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="scan", name="scan_nonce_per_fair_and_steward"
                ),
                migrations.AddIndex(
                    model_name="scan",
                    index=models.Index(
                        fields=["nonce", "fair", "scanned_by"],
                        name="scan_nonce_fair_steward",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(partition, unpartition)],
        )
    ]
