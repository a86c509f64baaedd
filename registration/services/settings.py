"""Changes to the city's registration rules and reason lists, audited."""

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from portal.audit import save_with_audit
from portal.models import OrgUnit, User
from registration.errors import RegistrationError
from registration.models import LocalRules


def may_edit_rules(user: User, city: OrgUnit | None) -> bool:
    """The top unit's staff (the city of a city portal, the province) edit every
    city's rules and the rules without a city; a city's staff only their city's."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_administrator:
        return True
    unit = user.org_unit if user.role in User.STAFF_ROLES else None
    if unit is None:
        return False
    if unit.is_top:
        return True
    return city is not None and unit.level == OrgUnit.Level.CITY and unit == city


@transaction.atomic
def save_local_setting(
    setting: models.Model, *, by: User, changed_fields: list[str]
) -> models.Model:
    """Save an edited LocalRules or CancellationReason row from the admin."""
    city = getattr(setting, "city", None)
    if not may_edit_rules(by, city if isinstance(setting, LocalRules) else None):
        raise RegistrationError(_("You may change only your own city's rules."))
    if city is not None and city.level != OrgUnit.Level.CITY:
        raise RegistrationError(_("Rules of their own are set for a city."))
    try:
        with transaction.atomic():
            return save_with_audit(
                setting, by=by, fields=changed_fields, action="registration.rules"
            )
    except IntegrityError as error:  # two first saves of one city's rules
        raise RegistrationError(_("This city already has rules of its own.")) from error
