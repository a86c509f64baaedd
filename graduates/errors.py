class GraduateError(Exception):
    """A refused action in the graduates app, with a message for the user."""
