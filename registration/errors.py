class RegistrationError(Exception):
    """A refused action in the registration app, with a message for the user."""
