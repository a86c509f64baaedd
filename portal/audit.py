"""The one way to write the audit trail. Called by services, never by views."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AuditEntry

BATCH_SIZE = 1000


def _entry(
    actor, action: str, obj: models.Model | None, data: dict | None
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        data=data or {},
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    return entry


def audit(
    actor, action: str, obj: models.Model | None = None, data: dict | None = None
) -> AuditEntry:
    """Record that `actor` did `action` (app.object.past_tense) to `obj`."""
    entry = _entry(actor, action, obj, data)
    entry.save()
    return entry


def audit_many(
    actor, action: str, objects: Iterable[models.Model], data: dict | None = None
) -> list[AuditEntry]:
    """audit() for many objects at once, as bulk paths (imports) do what a service
    does to one object to many: the same entry for each, inserted in batches."""
    entries = [_entry(actor, action, obj, data) for obj in objects]
    return AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed, JSON-ready."""
    return {
        field: [str(before.get(field, "")), str(value)]
        for field, value in after.items()
        if before.get(field) != value
    }


def save_with_audit(
    obj: models.Model,
    *,
    by,
    fields: list[str],
    action: str,
    related: dict | None = None,
):
    """Save a new row, or only the changed `fields` of an existing one, and write one
    audit entry: `<action>.created`, or `<action>.changed` with {field: [old, new]}.

    `related` holds new values of many-to-many fields ({name: rows}); they are set
    after the row and listed in the same entry. An edit that changes nothing writes
    nothing and is not audited.
    """
    related = related or {}
    others = _counterparts(obj, related)
    if obj._state.adding:
        obj.save()
        _set_related(obj, related)
        audit(by, f"{action}.created", obj)
        _audit_counterparts(by, f"{action}.changed", others)
        return obj
    own_columns = {field.name for field in obj._meta.concrete_fields}
    columns = [name for name in fields if name in own_columns]
    stored = type(obj)._base_manager.get(pk=obj.pk)
    before = {name: getattr(stored, name) for name in columns}
    before |= {name: _names(getattr(obj, name).all()) for name in related}
    if columns:
        stamp = ["updated_at"] if "updated_at" in own_columns else []
        obj.save(update_fields=[*columns, *stamp])
    _set_related(obj, related)
    after = {name: getattr(obj, name) for name in columns}
    after |= {name: _names(rows) for name, rows in related.items()}
    changed = changes(before, after)
    if changed:
        audit(by, f"{action}.changed", obj, {"changes": changed})
    _audit_counterparts(by, f"{action}.changed", others)
    return obj


def _set_related(obj: models.Model, related: dict) -> None:
    for name, rows in related.items():
        getattr(obj, name).set(rows)


def _counterparts(obj: models.Model, related: dict) -> list[tuple]:
    """The rows a symmetrical many-to-many change also changes (A excludes B
    makes B exclude A), each with the field and its names before the change."""
    found = []
    for name, rows in related.items():
        field = obj._meta.get_field(name)
        if not (field.many_to_many and field.remote_field.symmetrical):
            continue
        now = set() if obj._state.adding else set(getattr(obj, name).all())
        for row in now ^ set(rows):
            found.append((row, name, _names(getattr(row, name).all())))
    return found


def _audit_counterparts(by, action: str, counterparts: list[tuple]) -> None:
    for row, name, before in counterparts:
        after = _names(getattr(row, name).all())
        if after != before:
            audit(by, action, row, {"changes": {name: [before, after]}})


def _names(rows) -> str:
    return ", ".join(sorted(str(row) for row in rows))
