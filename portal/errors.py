class PortalError(Exception):
    """A refused action, with a message for the user."""
