"""Figures from the other apps per org unit and period, keyed as facts:
{(indicator, dimension, category): value}. Each app defines its figures in its
own queries module; this only collects them."""

from decimal import Decimal

from fairs.queries import period_figures
from graduates.queries import cohort, leaver_rates
from portal.models import OrgUnit
from registration.queries import COUNTS
from stats.periods import Period
from subsidies.queries import FIGURES, fund_use


def unit_figures(
    unit: OrgUnit, period: Period, registration: dict[str, int]
) -> dict[tuple[str, str, str], Decimal]:
    """`registration` is the unit's entry of registration.queries.counts_by_unit
    (computed for all units at once)."""
    first, last = period.start, period.end
    figures = {}
    registration = {name: registration.get(name, 0) for name in COUNTS}
    for name, value in registration.items():
        figures[(name, "", "")] = value
    labour_force = registration["unemployed_at_end"] + registration["employed_at_end"]
    if labour_force:
        rate = Decimal(100 * registration["unemployed_at_end"] / labour_force)
        figures[("unemployment_rate", "", "")] = rate.quantize(Decimal("0.01"))
    for name, value in period_figures(unit, first, last).items():
        figures[(f"fair_{name}", "", "")] = value
    year = last.year
    figures[("graduates_reported", "", "")] = cohort(year, unit).count()
    leavers = leaver_rates(year, unit)
    for name in (
        "registered",
        "contacted",
        "employed",
        "contact_rate",
        "employment_rate",
    ):
        if leavers[name] is not None:
            figures[(f"leavers_{name}", "", "")] = leavers[name]
    for name in FIGURES:  # no subsidy paid is 0, not missing
        figures[("subsidy_" + name, "", "")] = 0
    for row in fund_use(unit, first, last):
        for name in FIGURES:
            figures[(f"subsidy_{name}", "subsidy_type", row["code"])] = row[name]
            total = ("subsidy_" + name, "", "")
            figures[total] = figures.get(total, 0) + row[name]
    return {key: Decimal(str(value)) for key, value in figures.items()}
