"""Early-warning thresholds city staff set in the back office."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import city_rules
from portal.audit import save_with_audit
from portal.models import User
from stats.errors import StatsError
from stats.models import WarningRule


@transaction.atomic
def save_warning_rule(
    rule: WarningRule, *, by: User, changed_fields: list[str]
) -> WarningRule:
    """City staff set an early-warning threshold in the back office: the top
    unit's staff any rule, a city's staff (in a province) their city's."""
    if not city_rules.may_write_row(by, rule):
        raise StatsError(_("You may change only your own city's rules."))
    try:
        with transaction.atomic():
            return save_with_audit(
                rule, by=by, fields=changed_fields, action="stats.warning_rule"
            )
    except IntegrityError as error:  # two saves of one rule at once
        raise StatsError(
            _("A rule for this figure and direction is already in use here.")
        ) from error
