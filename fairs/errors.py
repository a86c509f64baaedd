class FairError(Exception):
    """A refused action in the fairs app, with a message for the user."""
