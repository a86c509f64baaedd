class JobError(Exception):
    """A refused action in the jobs app, with a message for the user."""
