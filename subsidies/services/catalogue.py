"""The subsidy catalogue city staff edit in the back office, audited."""

from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from portal import city_rules
from portal.audit import save_with_audit
from portal.models import User
from subsidies.errors import SubsidyError
from subsidies.models import PolicyVersion, SubsidyType


def _types_written(entry: models.Model) -> list[SubsidyType]:
    """The types an edit changes: the type itself, or a version's type as it is
    and as it was stored; none for the other rows saved here (insurance years,
    kept by the top unit's staff: InsuranceYearAdmin)."""
    if isinstance(entry, SubsidyType):
        return [entry]
    if not isinstance(entry, PolicyVersion):
        return []
    stored = PolicyVersion.objects.filter(pk=entry.pk).values("subsidy_type")
    return [entry.subsidy_type, *SubsidyType.objects.filter(pk__in=stored)]


@transaction.atomic
def save_catalogue_entry(
    entry: models.Model,
    *,
    by: User,
    changed_fields: list[str],
    related: dict | None = None,
) -> models.Model:
    """Save a subsidy type or policy version edited by city staff in the admin
    (`related`: the types it excludes or pays the same item as). The top unit's
    staff edit every type; a city's staff (in a province) their own city's types
    and their versions, linked only to types offered in their city."""
    types = _types_written(entry)
    if not all(city_rules.may_write_row(by, subsidy) for subsidy in types):
        raise SubsidyError(_("You may change only your own city's subsidies."))
    city = types[0].city_id if types else None
    for rows in (related or {}).values():
        if city is not None and any(row.city_id not in (None, city) for row in rows):
            raise SubsidyError(
                _("A city's subsidy is linked only to subsidies offered there.")
            )
    try:
        with transaction.atomic():
            return save_with_audit(
                entry,
                by=by,
                fields=changed_fields,
                action="subsidies.catalogue",
                related=related,
            )
    except IntegrityError as error:  # two saves of one code or version at once
        raise SubsidyError(
            _("Not saved: it clashes with an entry saved at the same time.")
        ) from error


@transaction.atomic
def save_versions(versions: list[tuple[PolicyVersion, list[str]]], *, by: User) -> None:
    """Save the versions of one type edited together ((version, changed fields)),
    their periods checked against each other once all are written: moving the
    day one ends and the next starts overlaps them until both are saved."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS policy_versions_do_not_overlap DEFERRED")
    for version, changed_fields in versions:
        save_catalogue_entry(version, by=by, changed_fields=changed_fields)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS policy_versions_do_not_overlap IMMEDIATE")
    except IntegrityError as error:  # another save of this type's versions at once
        raise SubsidyError(
            _("Not saved: it clashes with an entry saved at the same time.")
        ) from error
