"""The changes of people in work per street and day become a table partitioned by
the year of their day (portal/partitioning.py, docs/partitioning.md). No row ever
leaves (the figure of a day sums every row before it); the partitions let a day's
sum skip the years after it, which hold most rows: every registration still
running has its -1 on its person's retirement date, decades ahead. Those years get
their partitions now, as the nightly upkeep would (Yearly's furthest_ahead_years),
rather than wait in the default partition until the first night."""

from django.db import migrations

from portal.partitioning import partition_table, unpartition_table

TABLE = "registration_employedchange"
AHEAD_MONTHS = 60 * 12  # EmployedChange.partitioning's furthest_ahead_years


def partition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        partition_table(cursor, TABLE, "day", span=12, ahead=AHEAD_MONTHS)


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        unpartition_table(cursor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("registration", "0007_employed_changes")]

    operations = [migrations.RunPython(partition, unpartition)]
