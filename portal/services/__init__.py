"""Every write to the core's tables: accounts, registries, verification, inbox.

Views, admin actions, commands and tasks call these; each one audits what it changes.
Callers use `from portal import services` and `services.<name>`.
"""

from portal.errors import PortalError
from portal.services.accounts import (
    default_retirement_track,
    register_employer,
    register_seeker,
    save_account,
    set_user_language,
    unlock_login,
)
from portal.services.employers import reject_employer, save_employer, verify_employer
from portal.services.notifications import (
    email_notification,
    mark_notification_read,
    notify,
    notify_employer_staff,
    notify_many,
)
from portal.services.org_units import save_org_unit
from portal.services.people import (
    declare_relative,
    reveal_identity,
    save_difficulty_category,
    save_person,
    set_difficulty_category,
)

__all__ = [
    "PortalError",
    "declare_relative",
    "default_retirement_track",
    "email_notification",
    "mark_notification_read",
    "notify",
    "notify_employer_staff",
    "notify_many",
    "register_employer",
    "register_seeker",
    "reject_employer",
    "reveal_identity",
    "save_account",
    "save_difficulty_category",
    "save_employer",
    "save_org_unit",
    "save_person",
    "set_difficulty_category",
    "set_user_language",
    "unlock_login",
    "verify_employer",
]
