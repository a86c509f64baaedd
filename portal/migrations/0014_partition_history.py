"""The audit trail and the inbox become tables partitioned by month of created_at
(portal/partitioning.py, docs/partitioning.md). The audit trail's append-only
trigger (0002) is put back on the new table; its partitions inherit it."""

from django.db import migrations

from portal.partitioning import partition_table, unpartition_table

APPEND_ONLY = """
CREATE TRIGGER portal_auditentry_append_only
    BEFORE UPDATE OR DELETE ON portal_auditentry
    FOR EACH ROW EXECUTE FUNCTION portal_auditentry_append_only();
"""


def partition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        partition_table(cursor, "portal_auditentry", "created_at")
        cursor.execute(APPEND_ONLY)
        partition_table(cursor, "portal_notification", "created_at")


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        unpartition_table(cursor, "portal_auditentry")
        cursor.execute(APPEND_ONLY)
        unpartition_table(cursor, "portal_notification")


class Migration(migrations.Migration):
    dependencies = [("portal", "0013_province_level")]

    operations = [migrations.RunPython(partition, unpartition)]
