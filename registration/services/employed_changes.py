"""Upkeep of the people in work per street and day (registration/models/
employed_changes.py). These rows are derived from the registrations, never
entered by anyone: no audit entry."""

from django.db import connection, transaction

from registration.models.employed_changes import REBUILD


def _lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('registration:employed'))")


@transaction.atomic
def compact_employed_changes() -> int:
    """Add up the rows of each street and day that has collected more than one
    since the last time into one (leaving out those that add up to 0); a street
    and day with one row is left as it is, so an hour with few writes rewrites
    few rows. Returns how many rows fewer there are. Rows appended meanwhile by
    other transactions stay as they are."""
    with connection.cursor() as cursor:
        _lock(cursor)
        cursor.execute(
            """WITH several AS (
                   SELECT street, day FROM registration_employedchange
                   GROUP BY street, day HAVING count(*) > 1),
               gone AS (
                   DELETE FROM registration_employedchange c USING several s
                   WHERE c.street = s.street AND c.day = s.day
                   RETURNING c.street, c.day, c.change),
               added AS (
                   INSERT INTO registration_employedchange (street, day, change)
                   SELECT street, day, sum(change) FROM gone
                   GROUP BY street, day HAVING sum(change) <> 0
                   RETURNING 1)
               SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM added)"""
        )
        return cursor.fetchone()[0]


@transaction.atomic
def rebuild_employed_changes() -> None:
    """Every change from the registrations as they are (after something the
    triggers cannot see, such as a migration changing the retirement rule).
    Registrations, people and units are locked against writes until it
    commits: a registration, birth or retirement date or street code changed
    between the rebuild's delete and insert would otherwise be counted twice,
    by the rebuild and by the rows its trigger appended."""
    with connection.cursor() as cursor:
        _lock(cursor)
        cursor.execute(
            "LOCK TABLE registration_employmentregistration, portal_person, "
            "portal_orgunit IN SHARE MODE"
        )
        cursor.execute(REBUILD)
