"""The one way to write the audit trail. Called by services, never by views."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AuditEntry


def audit(
    actor, action: str, obj: models.Model | None = None, data: dict | None = None
) -> AuditEntry:
    """Record that `actor` did `action` (app.object.past_tense) to `obj`."""
    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        data=data or {},
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    entry.save()
    return entry


def changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed, JSON-ready."""
    return {
        field: [str(before.get(field, "")), str(value)]
        for field, value in after.items()
        if before.get(field) != value
    }
