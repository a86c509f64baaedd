from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class RegistrationError(Exception):
    """A refused action in the registration app, with a message for the user."""


@dataclass
class HiresRefused(RegistrationError):
    """Some rows of a filing were refused; nothing was saved. {row: [messages]}."""

    row_errors: dict[int, list[str]] = field(default_factory=dict)

    def __str__(self):
        return _("Nothing was filed: %(count)d rows need correcting.") % {
            "count": len(self.row_errors)
        }


class InsuranceFileError(RegistrationError):
    """The file as a whole cannot be read; nothing is imported."""
