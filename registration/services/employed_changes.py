"""Upkeep of the people in work per street and day (registration/models/
employed_changes.py). These rows are derived from the registrations, never
entered by anyone: no audit entry."""

from django.db import connection, transaction

from registration.models.employed_changes import REBUILD


def _lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('registration:employed'))")


@transaction.atomic
def compact_employed_changes() -> int:
    """Add up the rows each street and day has collected since the last time into
    one (leaving out those that add up to 0); returns the rows left. Rows appended
    meanwhile by other transactions stay as they are."""
    with connection.cursor() as cursor:
        _lock(cursor)
        cursor.execute(
            """WITH gone AS (
                   DELETE FROM registration_employedchange
                   RETURNING street, day, change)
               INSERT INTO registration_employedchange (street, day, change)
               SELECT street, day, sum(change) FROM gone
               GROUP BY street, day HAVING sum(change) <> 0"""
        )
        return cursor.rowcount


@transaction.atomic
def rebuild_employed_changes() -> None:
    """Every change from the registrations as they are (after something the
    triggers cannot see, such as a migration changing the retirement rule)."""
    with connection.cursor() as cursor:
        _lock(cursor)
        cursor.execute("LOCK TABLE registration_employmentregistration IN SHARE MODE")
        cursor.execute(REBUILD)
