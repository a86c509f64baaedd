"""Early-warning thresholds city staff set in the back office."""

from django.db import transaction

from portal.audit import save_with_audit
from portal.models import User
from stats.models import WarningRule


@transaction.atomic
def save_warning_rule(
    rule: WarningRule, *, by: User, changed_fields: list[str]
) -> WarningRule:
    """City staff set an early-warning threshold in the back office."""
    return save_with_audit(
        rule, by=by, fields=changed_fields, action="stats.warning_rule"
    )
