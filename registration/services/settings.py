"""Changes to the city's registration rules and reason lists, audited."""

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from portal import city_rules
from portal.audit import save_with_audit
from portal.models import User
from registration.errors import RegistrationError
from registration.models import LocalRules


@transaction.atomic
def save_local_setting(
    setting: models.Model, *, by: User, changed_fields: list[str]
) -> models.Model:
    """Save an edited LocalRules or CancellationReason row from the admin."""
    if isinstance(setting, LocalRules):
        if not city_rules.may_write_row(by, setting):
            raise RegistrationError(_("You may change only your own city's rules."))
    elif not city_rules.may_edit(by, None):
        raise RegistrationError(_("You may change only your own city's rules."))
    try:
        with transaction.atomic():
            return save_with_audit(
                setting, by=by, fields=changed_fields, action="registration.rules"
            )
    except IntegrityError as error:  # two first saves of one city's rules
        raise RegistrationError(_("This city already has rules of its own.")) from error
