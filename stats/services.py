"""Every write of the statistics: facts computed from the registries, and periods
closed by a leader. A per-period advisory lock keeps a refresh and a closing
from crossing."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import OrgUnit, User
from stats.indicators import unit_figures
from stats.models import ClosedPeriod, Fact
from stats.periods import Period
from stats.supply_demand import supply_and_demand

LEVELS = [OrgUnit.Level.CITY, OrgUnit.Level.DISTRICT, OrgUnit.Level.STREET]


class StatsError(Exception):
    pass


def _lock(period: Period) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"stats:{period.slug}"]
        )


@transaction.atomic
def refresh_facts(period: Period, *, by: User | None = None) -> int:
    """Recompute every figure of the period for the city, its districts and
    streets; a closed period is left as it is (returns 0)."""
    _lock(period)
    if ClosedPeriod.is_closed(period):
        return 0
    units = list(OrgUnit.objects.current(period.end).filter(level__in=LEVELS))
    by_prefix = {unit.descendant_prefix: unit for unit in units}
    facts = []

    def add(unit, indicator, dimension, category, value):
        facts.append(
            Fact(
                indicator=indicator, dimension=dimension, category=category or "",
                org_unit=unit, period_kind=period.kind, period_start=period.start,
                value=value,
            )
        )  # fmt: skip

    for indicator, figures in supply_and_demand(period).items():
        for (prefix, dimension, category), value in figures.items():
            if prefix in by_prefix:
                add(by_prefix[prefix], indicator, dimension, category, value)
    for unit in units:
        for (indicator, dimension, category), value in unit_figures(
            unit, period
        ).items():
            add(unit, indicator, dimension, category, value)
    Fact.objects.for_period(period).delete()
    Fact.objects.bulk_create(facts, batch_size=2000)
    audit(
        by, "stats.facts.refreshed", None, {"period": period.slug, "facts": len(facts)}
    )
    return len(facts)


def can_close(user: User, period: Period) -> bool:
    """City leaders close finished periods."""
    return (
        (user.is_administrator or user.is_leader)
        and (user.org_unit is None or user.org_unit.level == OrgUnit.Level.CITY)
        and period.is_over(timezone.localdate())
        and not ClosedPeriod.is_closed(period)
    )


@transaction.atomic
def close_period(period: Period, *, by: User) -> ClosedPeriod:
    """A city leader approves a finished period: it is computed one last time,
    then its figures never change."""
    if not (by.is_leader or by.is_administrator):
        raise StatsError(_("Only leaders close a period."))
    if by.org_unit is not None and by.org_unit.level != OrgUnit.Level.CITY:
        raise StatsError(_("Periods are closed for the whole city, by city leaders."))
    if not period.is_over(timezone.localdate()):
        raise StatsError(_("A period can be closed only after it has ended."))
    refresh_facts(period, by=by)
    _lock(period)
    closed, created = ClosedPeriod.objects.get_or_create(
        period_kind=period.kind, period_start=period.start, defaults={"closed_by": by}
    )
    if not created:
        raise StatsError(_("This period is already closed."))
    audit(by, "stats.period.closed", closed, {"period": period.slug})
    return closed


@transaction.atomic
def save_warning_rule(rule, *, by: User, changed_fields: list[str]):
    """City staff set an early-warning threshold in the back office."""
    rule.save()
    audit(by, "stats.warning_rule.saved", rule, {"changed": changed_fields})
    return rule
