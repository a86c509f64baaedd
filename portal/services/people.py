"""The person registry: records, difficulty categories, identity views, relatives."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit, save_with_audit
from portal.errors import PortalError
from portal.models import DifficultyCategory, Person, Recusal, User


@transaction.atomic
def declare_relative(*, by: User, id_number: str, relation: str) -> Recusal:
    """A staff member declares a relative, whose applications they may not decide,
    by ID number: whether the relative is on file is not looked up."""
    recusal, _created = Recusal.objects.update_or_create(
        user=by, id_number=id_number, defaults={"relation": relation}
    )
    audit(by, "portal.relative.declared", recusal, {"relation": relation})
    return recusal


@transaction.atomic
def save_person(
    person: Person,
    *,
    by: User,
    changed_fields: list[str] | None = None,
    related: dict | None = None,
) -> Person:
    """Create or update a person record from the back office or the profile page
    (`related`: new difficulty categories, when a caseworker changed them)."""
    fields = changed_fields or []
    return save_with_audit(
        person, by=by, fields=fields, action="portal.person", related=related
    )


def set_difficulty_category(
    person: Person, category, *, recognised: bool, by: User | None
) -> Person:
    """Keep the registry's difficulty categories in step with recognitions."""
    if recognised:
        person.difficulty_categories.add(category)
    else:
        person.difficulty_categories.remove(category)
    audit(
        by,
        "portal.person.changed",
        person,
        data={"changes": {"difficulty_categories": [str(category), str(recognised)]}},
    )
    return person


def reveal_identity(person: Person, *, by: User) -> Person:
    """Log that a caseworker looked at a person's full ID number and phone."""
    if not by.has_perm("portal.view_full_identity"):
        raise PortalError(_("You are not allowed to see full ID numbers."))
    audit(by, "portal.person.identity_viewed", person)
    return person


@transaction.atomic
def save_difficulty_category(
    category: DifficultyCategory, *, by: User, changed_fields: list[str]
) -> DifficultyCategory:
    """City staff edit the employment-difficulty categories and their conditions."""
    return save_with_audit(
        category, by=by, fields=changed_fields, action="portal.difficulty_category"
    )
