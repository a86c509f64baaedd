"""Every write in the subsidies app, with audit."""

from django.db import models, transaction

from portal.audit import audit, changes
from portal.models import User


@transaction.atomic
def save_catalogue_entry(
    entry: models.Model, *, by: User, changed_fields: list[str]
) -> models.Model:
    """Save a subsidy type or policy version edited by city staff in the admin."""
    before = {}
    if entry.pk is not None:
        old = type(entry).objects.get(pk=entry.pk)
        before = {field: getattr(old, field) for field in changed_fields}
    entry.save()
    after = {field: getattr(entry, field) for field in changed_fields}
    audit(by, "subsidies.catalogue.changed", entry, {"changes": changes(before, after)})
    return entry
