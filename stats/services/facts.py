"""Facts computed from the registries, and periods closed by a leader. A per-period
advisory lock keeps a refresh and a closing from crossing."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import OrgUnit, User
from registration.queries import counts_by_unit
from stats.categories import ANY, CATEGORIES
from stats.errors import StatsError
from stats.indicators import unit_figures
from stats.models import ClosedPeriod, Fact, FrozenFact
from stats.periods import Period
from stats.queries import FIGURE_LEVELS as LEVELS
from stats.supply_demand import (
    DEMAND_DIMENSIONS,
    SEEKER_DIMENSIONS,
    supply_and_demand,
)
from subsidies.queries import fund_use_by_unit

SIDES = {"demand": DEMAND_DIMENSIONS, "seekers": SEEKER_DIMENSIONS}


def with_zeros(indicator: str, figures: dict, prefixes) -> dict:
    """A unit with no posting or seeker in a category has 0 there, not nothing:
    every category of every breakdown the side has (docs/statistics.md, "Zeros");
    "no requirement" exists on the demand side only."""
    figures = dict(figures)
    for prefix in prefixes:
        figures.setdefault((prefix, "", ""), 0)
        for dimension in SIDES[indicator]:
            for key, _label in CATEGORIES.get(dimension, []):
                if indicator == "seekers" and key == ANY[0]:
                    continue
                figures.setdefault((prefix, dimension, key), 0)
    return figures


def _lock(period: Period) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"stats:{period.slug}"]
        )


@transaction.atomic
def refresh_facts(period: Period, *, by: User | None = None) -> int:
    """Recompute every figure of the period for the province (if any), the
    cities, their districts and streets; a closed period is left as it is
    (returns 0)."""
    _lock(period)
    if ClosedPeriod.is_closed(period):
        return 0
    units = list(OrgUnit.objects.current(period.end).filter(level__in=LEVELS))
    by_prefix = {unit.descendant_prefix: unit for unit in units}
    facts = []

    def add(unit, indicator, dimension, category, value):
        facts.append(
            Fact(
                indicator=indicator,
                dimension=dimension,
                category=category or "",
                org_unit=unit,
                period_kind=period.kind,
                period_start=period.start,
                value=value,
            )
        )

    for indicator, figures in supply_and_demand(period).items():
        figures = with_zeros(indicator, figures, by_prefix)
        for (prefix, dimension, category), value in figures.items():
            if prefix in by_prefix:
                add(by_prefix[prefix], indicator, dimension, category, value)
    lengths = [OrgUnit.PREFIX_LENGTH[level] for level in LEVELS]
    registration = counts_by_unit(period.start, period.end, lengths)
    subsidies = fund_use_by_unit(period.start, period.end, lengths)
    for unit in units:
        figures = unit_figures(
            unit,
            period,
            registration.get(unit.descendant_prefix, {}),
            subsidies.get(unit.descendant_prefix, []),
        )
        for (indicator, dimension, category), value in figures.items():
            add(unit, indicator, dimension, category, value)
    Fact.objects.for_period(period).delete()
    Fact.objects.bulk_create(facts, batch_size=2000)
    audit(
        by, "stats.facts.refreshed", None, {"period": period.slug, "facts": len(facts)}
    )
    return len(facts)


def closing_refusal(user: User, period: Period) -> str | None:
    """Why the user may not close the period; None when they may: leaders of the
    top unit (the city; in a provincial portal, the province) close finished
    periods, once. A closed period is closed for every unit."""
    if not (user.is_leader or user.is_administrator):
        return _("Only leaders close a period.")
    if user.org_unit is not None and not user.org_unit.is_top:
        return _(
            "Periods are closed for the whole area, by the leaders of the city, "
            "or of the province where there is one."
        )
    if not period.is_over(timezone.localdate()):
        return _("A period can be closed only after it has ended.")
    if ClosedPeriod.is_closed(period):
        return _("This period is already closed.")
    return None


def fill_missing_facts(periods, *, by: User | None = None) -> int:
    """Compute the periods that have no figures at all yet (a trend reaching
    back before the hourly task ran); periods with figures stay as they are."""
    done = 0
    for period in periods:
        if not Fact.objects.for_period(period).exists():
            done += refresh_facts(period, by=by)
    return done


@transaction.atomic
def close_period(period: Period, *, by: User) -> ClosedPeriod:
    """A city leader approves a finished period: it is computed one last time,
    then its figures never change, and neither do the figures of the periods its
    report compares with (the previous 12), kept with it as they are now."""
    refusal = closing_refusal(by, period)
    if refusal:
        raise StatsError(refusal)
    refresh_facts(period, by=by)
    compared = period.trend()[:-1]
    fill_missing_facts(compared, by=by)
    _lock(period)
    closed, created = ClosedPeriod.objects.get_or_create(
        period_kind=period.kind,
        period_start=period.start,
        defaults={"closed_by": by, "comparisons_frozen": True},
    )
    if not created:  # closed by someone else a moment ago
        raise StatsError(_("This period is already closed."))
    # One statement: a city's 12 periods can be hundreds of thousands of rows.
    fact, frozen = Fact._meta.db_table, FrozenFact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {frozen} (closed_id, indicator, dimension, category,
                    org_unit_id, period_kind, period_start, value)
                SELECT %s, indicator, dimension, category, org_unit_id,
                    period_kind, period_start, value
                FROM {fact} WHERE period_kind = %s AND period_start = ANY(%s)""",
            [closed.pk, period.kind, [other.start for other in compared]],
        )
        kept = cursor.rowcount
    audit(by, "stats.period.closed", closed, {"period": period.slug, "compared": kept})
    return closed
