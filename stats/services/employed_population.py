"""城镇从业人员 as the statistics bureau publishes it, entered by city staff: the
denominator of the registered unemployment rate (docs/statistics.md, "Registered
unemployment rate")."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import save_with_audit
from portal.models import OrgUnit, User
from stats.errors import StatsError
from stats.models import EmployedPopulation
from stats.queries import FIGURE_LEVELS as LEVELS

FIRST_YEAR = 2000
# The reports print the source from a stored figure's category (100 characters).
SOURCE_LENGTH = 100


def may_enter_employed_population(user: User) -> bool:
    """City (and province) staff and IT administrators, each for their own area;
    district staff only read the figures."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_administrator:
        return True
    return (
        user.is_caseworker
        and user.org_unit_id is not None
        and user.org_unit.is_at_least(OrgUnit.Level.CITY)
    )


def employed_population_problem(row: EmployedPopulation) -> str | None:
    """Why the figure cannot be saved, or None."""
    if row.org_unit_id is None or row.org_unit.level not in LEVELS:
        return _("Enter the figure for the province, a city, a district or a street.")
    this_year = timezone.localdate().year
    if row.year is None or not FIRST_YEAR <= row.year <= this_year:
        return _("The year must be between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": this_year,
        }
    if row.employed is None or row.employed <= 0:
        return _("The number of urban employed persons must be more than 0.")
    source = (row.source or "").strip()
    if not source:
        return _("Say where the figure is published.")
    if "\x00" in source:
        return _("The source contains a character that cannot be stored.")
    if len(source) > SOURCE_LENGTH:
        return _(
            "Keep the source to %(count)s characters, so that the reports print it "
            "in full."
        ) % {"count": SOURCE_LENGTH}
    return None


@transaction.atomic
def save_employed_population(
    row: EmployedPopulation, *, by: User, changed_fields: list[str]
) -> EmployedPopulation:
    """City staff enter or correct a unit's figure for a year. Figures are read
    when a period is computed: closed periods keep the one they were closed with."""
    if not may_enter_employed_population(by):
        raise StatsError(_("Only city staff enter the urban employed population."))
    problem = employed_population_problem(row)
    if problem:
        raise StatsError(problem)
    if not OrgUnit.objects.for_user(by).filter(pk=row.org_unit_id).exists():
        # Another city's figure: the admin's choices alone do not stop a post.
        raise StatsError(_("Enter figures for your own area only."))
    row.source = row.source.strip()
    row.entered_by = by
    # Who entered it and when follow the last real change, not a save of nothing.
    fields = [*changed_fields, "entered_by", "entered_at"] if changed_fields else []
    try:
        with transaction.atomic():
            return save_with_audit(
                row, by=by, fields=fields, action="stats.employed_population"
            )
    except IntegrityError as error:
        raise StatsError(
            _("%(unit)s already has a figure for %(year)s: correct that one.")
            % {"unit": row.org_unit.name, "year": row.year}
        ) from error
