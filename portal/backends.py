"""The login backend: Django's, loading a signed-in user with their org unit and
employer in the same query (nearly every view asks for one of them)."""

from django.contrib.auth.backends import ModelBackend

from portal.models import User


def login_name(typed: str) -> str:
    """The user name as stored: ID numbers and credit codes (18 characters) are in
    capitals, so typing a lower-case "x" must work."""
    name = typed.strip()
    return name.upper() if len(name) == 18 else name


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("org_unit", "employer")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
