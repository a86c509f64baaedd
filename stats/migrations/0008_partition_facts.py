"""The stored figures and the figures frozen with a closed period become tables
partitioned by the year of their period's first day (portal/partitioning.py,
docs/partitioning.md). The figures' unique constraint includes period_start, the
partition key, so PostgreSQL keeps it across partitions as before."""

from django.db import migrations

from portal.partitioning import partition_table, unpartition_table

TABLES = ["stats_fact", "stats_frozenfact"]


def partition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            partition_table(cursor, table, "period_start", span=12)


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            unpartition_table(cursor, table)


class Migration(migrations.Migration):
    dependencies = [("stats", "0007_employed_population")]

    operations = [migrations.RunPython(partition, unpartition)]
