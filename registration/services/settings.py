"""Changes to the city's registration rules and reason lists, audited."""

from django.db import models, transaction

from portal.audit import audit, changes
from portal.models import User


@transaction.atomic
def save_local_setting(
    setting: models.Model, *, by: User, changed_fields: list[str]
) -> models.Model:
    """Save an edited LocalRules or CancellationReason row from the admin."""
    before = {}
    if setting.pk is not None:
        old = type(setting).objects.filter(pk=setting.pk).first()
        before = {field: getattr(old, field) for field in changed_fields} if old else {}
    setting.save()
    after = {field: getattr(setting, field) for field in changed_fields}
    audit(
        by, "registration.rules.changed", setting, {"changes": changes(before, after)}
    )
    return setting
