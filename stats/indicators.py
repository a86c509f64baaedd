"""Figures from the other apps per org unit and period, keyed as facts:
{(indicator, dimension, category): value}. Each app defines its figures in its
own queries module; this only collects them."""

from decimal import ROUND_HALF_UP, Decimal

from fairs.queries import HALL_FIGURES, hall_period_figures, period_figures
from graduates.queries import leaver_rates, reported
from jobs.queries import video_interview_figures
from portal.models import OrgUnit
from registration.queries import COUNTS
from stats.models import EmployedPopulation
from stats.periods import Period
from subsidies.queries import FIGURES


def employed_population(unit: OrgUnit, year: int) -> EmployedPopulation | None:
    """The unit's own 城镇从业人员 for the year, else for the latest year before it
    (the bureau publishes a year's figure months later); never a sum of the units
    below, nor anything counted from the portal's registrations."""
    return (
        EmployedPopulation.objects.filter(org_unit=unit, year__lte=year)
        .order_by("-year")
        .first()
    )


def unemployment_rate(unemployed, employed) -> Decimal:
    """城镇登记失业率 in per cent, to two decimals: registered unemployed ÷
    (urban employed + registered unemployed) (docs/statistics.md, "Registered
    unemployment rate")."""
    rate = Decimal(100) * Decimal(unemployed) / (Decimal(employed) + unemployed)
    return rate.quantize(Decimal("0.01"), ROUND_HALF_UP)


def rate_figures(unit: OrgUnit, period: Period, unemployed: int) -> dict:
    """The rate with the denominator it used, kept as facts so that a closed
    period prints the same year and source however the figure changes later:
    ("employed_population", "year", "2025") and ("employed_population",
    "source", <source>) hold the figure used. Nothing without a figure."""
    base = employed_population(unit, period.end.year)
    if base is None:
        return {}
    return {
        ("unemployment_rate", "", ""): unemployment_rate(unemployed, base.employed),
        ("employed_population", "", ""): base.employed,
        ("employed_population", "year", str(base.year)): base.employed,
        # A category holds 100 characters; the service keeps sources shorter.
        ("employed_population", "source", base.source[:100]): base.employed,
    }


def unit_figures(
    unit: OrgUnit, period: Period, registration: dict[str, int], subsidies: list[dict]
) -> dict[tuple[str, str, str], Decimal]:
    """`registration` is the unit's entry of registration.queries.counts_by_unit,
    `subsidies` its entry of subsidies.queries.fund_use_by_unit (both computed for
    all units at once)."""
    first, last = period.start, period.end
    figures = {}
    registration = {name: registration.get(name, 0) for name in COUNTS}
    for name, value in registration.items():
        figures[(name, "", "")] = value
    figures.update(rate_figures(unit, period, registration["unemployed_at_end"]))
    for name, value in period_figures(unit, first, last).items():
        figures[(f"fair_{name}", "", "")] = value
    for name, value in video_interview_figures(unit, first, last).items():
        figures[(f"video_{name}", "", "")] = value
    for name in HALL_FIGURES:  # per recruiting hall, and their total
        figures[(f"hall_{name}", "", "")] = 0
    for hall_id, hall in hall_period_figures(unit, first, last).items():
        for name in HALL_FIGURES:
            figures[(f"hall_{name}", "hall", str(hall_id))] = hall[name]
            figures[(f"hall_{name}", "", "")] += hall[name]
    year = last.year
    # As they stood at the end of the last day (docs/statistics.md, "Graduates").
    figures[("graduates_reported", "", "")] = reported(year, unit, last).count()
    leavers = leaver_rates(year, unit, on=last)
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
    for row in subsidies:
        for name in FIGURES:
            figures[(f"subsidy_{name}", "subsidy_type", row["code"])] = row[name]
            total = ("subsidy_" + name, "", "")
            figures[total] = figures.get(total, 0) + row[name]
    return {key: Decimal(str(value)) for key, value in figures.items()}
