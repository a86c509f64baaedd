"""Scheduled tasks of the fairs app (declared in portal's setup_schedules)."""

from fairs import gate


def release_no_shows() -> int:
    return gate.release_no_shows()
