class StatsError(Exception):
    """A refused action in the statistics, with a message for the user."""
