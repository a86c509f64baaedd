"""The subsidy catalogue city staff edit in the back office, audited."""

from django.db import models, transaction

from portal.audit import save_with_audit
from portal.models import User


@transaction.atomic
def save_catalogue_entry(
    entry: models.Model,
    *,
    by: User,
    changed_fields: list[str],
    related: dict | None = None,
) -> models.Model:
    """Save a subsidy type or policy version edited by city staff in the admin
    (`related`: the types it excludes or pays the same item as)."""
    return save_with_audit(
        entry,
        by=by,
        fields=changed_fields,
        action="subsidies.catalogue",
        related=related,
    )
