class SubsidyError(Exception):
    """A refused action in the subsidies app, with a message for the user."""
