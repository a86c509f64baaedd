"""Rules a city may set for itself in a province (docs/rules-per-city.md): a rule
row names its city, or no city for the rules of every city without its own. The
top unit's staff (the city of a city portal, the province) keep every row; a
city's staff add and edit their own city's rows; everyone else reads."""

from django.db.models import Model, Q

from portal.models import OrgUnit, User

CITY_PREFIX = OrgUnit.PREFIX_LENGTH[OrgUnit.Level.CITY]


def city_prefix(unit: OrgUnit | None) -> str | None:
    """The leading digits of the city `unit` is in; None for a province or none."""
    if unit is None or unit.level == OrgUnit.Level.PROVINCE:
        return None
    return unit.code[:CITY_PREFIX]


def rows_for(unit: OrgUnit | None, field: str = "city") -> Q:
    """The rows of the city `unit` is in and the rows without a city."""
    rows = Q(**{f"{field}__isnull": True})
    prefix = city_prefix(unit)
    if prefix is not None:
        rows |= Q(
            **{
                f"{field}__level": OrgUnit.Level.CITY,
                f"{field}__code__startswith": prefix,
            }
        )
    return rows


def own_city(user: User) -> OrgUnit | None:
    """The city a member of staff works for at city level (not the top unit)."""
    if not (user.is_authenticated and user.is_active):
        return None
    unit = user.org_unit if user.role in User.STAFF_ROLES else None
    if unit is None or unit.is_top or unit.level != OrgUnit.Level.CITY:
        return None
    return unit


def keeps_every_city(user: User) -> bool:
    """Administrators and the top unit's staff keep the rows of every city."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_administrator:
        return True
    unit = user.org_unit if user.role in User.STAFF_ROLES else None
    return unit is not None and unit.is_top


def may_edit(user: User, city_id: int | None) -> bool:
    """`user` may write a row of the city `city_id` (None: of every city)."""
    if keeps_every_city(user):
        return True
    city = own_city(user)
    return city is not None and city_id is not None and city.pk == city_id


def may_write_row(user: User, row: Model) -> bool:
    """`user` may save `row`: both its city as stored and the city it now names
    are theirs to edit, and a named city is a city."""
    cities = {row.city_id}
    if row.pk is not None:
        cities.update(
            type(row)._base_manager.filter(pk=row.pk).values_list("city", flat=True)
        )
    if (
        row.city_id is not None
        and not OrgUnit.objects.filter(
            pk=row.city_id, level=OrgUnit.Level.CITY
        ).exists()
    ):
        return False
    return all(may_edit(user, city) for city in cities)


def readable(user: User) -> Q | None:
    """The rows `user` reads in the back office: None for every row; else the rows
    without a city and those of the city the user works in."""
    if keeps_every_city(user):
        return None
    unit = user.org_unit if user.is_authenticated else None
    return rows_for(unit) if unit is not None else Q(city__isnull=True)
