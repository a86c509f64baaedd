"""Changes to the city's registration rules and reason lists, audited."""

from django.db import models, transaction

from portal.audit import save_with_audit
from portal.models import User


@transaction.atomic
def save_local_setting(
    setting: models.Model, *, by: User, changed_fields: list[str]
) -> models.Model:
    """Save an edited LocalRules or CancellationReason row from the admin."""
    return save_with_audit(
        setting, by=by, fields=changed_fields, action="registration.rules"
    )
