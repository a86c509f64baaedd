"""Every write to the core's tables: accounts, registries, verification, inbox.

Views, admin actions, commands and tasks call these; each one audits what it changes.
Callers use `from portal import services` and `services.<name>`.
"""

from portal.errors import PortalError
from portal.services.accounts import (
    default_retirement_track,
    register_employer,
    save_account,
    set_sms_opt_in,
    set_user_language,
    unlock_login,
)
from portal.services.claims import (
    activate_with_code,
    confirm_claim,
    issue_activation_code,
    request_claim,
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
from portal.services.partitions import maintain_partitions
from portal.services.people import (
    declare_relative,
    reveal_identity,
    save_difficulty_category,
    save_person,
    set_difficulty_category,
)
from portal.services.sms import deliver_due_sms, deliver_sms, quiet_hours_end, send_sms

__all__ = [
    "PortalError",
    "activate_with_code",
    "confirm_claim",
    "declare_relative",
    "default_retirement_track",
    "deliver_due_sms",
    "deliver_sms",
    "email_notification",
    "issue_activation_code",
    "maintain_partitions",
    "mark_notification_read",
    "notify",
    "notify_employer_staff",
    "notify_many",
    "quiet_hours_end",
    "register_employer",
    "reject_employer",
    "request_claim",
    "reveal_identity",
    "save_account",
    "save_difficulty_category",
    "save_employer",
    "save_org_unit",
    "save_person",
    "send_sms",
    "set_difficulty_category",
    "set_sms_opt_in",
    "set_user_language",
    "unlock_login",
    "verify_employer",
]
