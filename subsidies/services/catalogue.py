"""The subsidy catalogue city staff edit in the back office, audited."""

from django.db import models, transaction

from portal.audit import save_with_audit
from portal.models import User


@transaction.atomic
def save_catalogue_entry(
    entry: models.Model, *, by: User, changed_fields: list[str]
) -> models.Model:
    """Save a subsidy type or policy version edited by city staff in the admin."""
    return save_with_audit(
        entry, by=by, fields=changed_fields, action="subsidies.catalogue"
    )
