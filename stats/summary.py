"""The report's summary in words, generated from the figures ("本月全市求人倍率为
1.31，环比上升0.05"): the headline ratio, the early warnings that fired, the
largest moves among the key figures and the districts, and the occupations most
short of people (docs/statistics.md, "Summary"). Every number comes from
stats/queries.py."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import OrgUnit
from stats import queries
from stats.periods import MONTH, QUARTER, Period

# The key figures the summary ranks by how much they moved, with their names in
# a sentence; rates move in percentage points, the others in per cent. Vacancies,
# seekers and their ratio have a sentence of their own.
MOVING_FIGURES = {
    "new_employment": gettext_lazy("New urban employment"),
    "unemployed_at_end": gettext_lazy("Registered unemployed"),
    "unemployment_rate": gettext_lazy("Registered unemployment rate"),
    "reemployed": gettext_lazy("Re-employed"),
    "difficulty_employed": gettext_lazy("Employment-difficulty people employed"),
    "fair_fairs": gettext_lazy("Job fairs held"),
    "fair_seekers_entered": gettext_lazy("Job seekers at the fairs"),
    "graduates_reported": gettext_lazy("Graduates reported"),
    "leavers_contact_rate": gettext_lazy("Unemployed graduates contacted"),
    "leavers_employment_rate": gettext_lazy("Unemployed graduates now employed"),
    "subsidy_paid_amount": gettext_lazy("Employment subsidies paid"),
}
MOVES = 3  # the largest moves named against each comparison
DISTRICTS = 2  # the districts named
SHORTAGES = 5  # the shortage occupations named

PERCENT, POINTS, PLAIN = "percent", "points", "plain"


def _is_rate(indicator: str) -> bool:
    return indicator.endswith("_rate")


def _number(value, indicator: str = "") -> str:
    """A count with thousands separators, a rate in per cent, an amount in yuan."""
    value = Decimal(value)
    if _is_rate(indicator):
        return f"{value:.2f}%"
    if indicator == "subsidy_paid_amount":
        return _("%(amount)s yuan") % {"amount": f"{value:,.2f}"}
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _moved(change, *, kind: str = PERCENT) -> str:
    """ "up 3.20%" / "down 0.30 percentage points" / "up 0.05" / "unchanged"; ""
    when there is no comparison."""
    if change is None:
        return ""
    size = f"{abs(Decimal(change)):.2f}"
    if kind == PERCENT:
        amount = f"{size}%"
    elif kind == POINTS:
        amount = _("%(amount)s percentage points") % {"amount": size}
    else:
        amount = size
    if change > 0:
        return _("up %(amount)s") % {"amount": amount}
    if change < 0:
        return _("down %(amount)s") % {"amount": amount}
    return _("unchanged")


def _changes(figure: dict, *, kind: str = PERCENT) -> str:
    parts = []
    if figure["mom"] is not None:
        parts.append(
            _("%(moved)s on the previous period")
            % {"moved": _moved(figure["mom"], kind=kind)}
        )
    if figure["yoy"] is not None:
        parts.append(
            _("%(moved)s on a year before")
            % {"moved": _moved(figure["yoy"], kind=kind)}
        )
    return "，".join(parts)


def _this(period: Period) -> str:
    if period.kind == MONTH:
        return _("this month")
    if period.kind == QUARTER:
        return _("this quarter")
    return _("this year")


def warning_sentences(warnings: list[dict]) -> list[str]:
    """One sentence per early warning that fired (queries.warnings)."""
    return [
        _(
            "Early warning: in %(where)s, %(figure)s %(moved)s on the previous "
            "period, to %(value)s (threshold: %(direction)s %(threshold)s%%)."
        )
        % {
            "where": warning["unit"].name,
            "figure": warning["rule"].get_indicator_display(),
            "moved": _moved(warning["change"]),
            "value": _number(warning["value"], warning["rule"].indicator),
            "direction": warning["rule"].get_direction_display(),
            "threshold": warning["rule"].threshold,
        }
        for warning in warnings
    ]


def _size(figure: dict, indicator: str, comparison: str) -> Decimal | None:
    """How much a figure moved, comparable across figures: counts by their per
    cent change, rates by their change relative to what they were."""
    change = figure[comparison]
    if change is None or change == 0:
        return None
    if not _is_rate(indicator):
        return abs(change)
    before = Decimal(figure["value"]) - change
    return abs(change) * 100 / abs(before) if before else None


def _largest_moves(figures: dict, comparison: str) -> list[str]:
    ranked = []
    for order, (indicator, name) in enumerate(MOVING_FIGURES.items()):
        figure = figures.get(indicator)
        size = None if figure is None else _size(figure, indicator, comparison)
        if size is not None:
            ranked.append((-size, order, indicator, name))
    moves = []
    for _size_key, _order, indicator, name in sorted(ranked)[:MOVES]:
        figure = figures[indicator]
        moves.append(
            _("%(figure)s %(moved)s, to %(value)s")
            % {
                "figure": name,
                "moved": _moved(
                    figure[comparison], kind=POINTS if _is_rate(indicator) else PERCENT
                ),
                "value": _number(figure["value"], indicator),
            }
        )
    return moves


def _moves_sentences(figures: dict) -> list[str]:
    lines = []
    for comparison, sentence in (
        ("mom", _("Against the previous period, the largest moves: %(moves)s.")),
        ("yoy", _("Against a year before, the largest moves: %(moves)s.")),
    ):
        moves = _largest_moves(figures, comparison)
        if moves:
            lines.append(sentence % {"moves": "；".join(moves)})
    return lines


def _districts_sentence(unit: OrgUnit, period: Period) -> str | None:
    moved = [row for row in queries.children_changes(unit, period) if row["ratio_mom"]]
    moved.sort(key=lambda row: (-abs(row["ratio_mom"]), row["unit"].code))
    if not moved:
        return None
    places = [
        _(
            "%(where)s (ratio %(moved)s, to %(ratio)s; vacancies %(demand)s, "
            "job seekers %(seekers)s)"
        )
        % {
            "where": row["unit"].name,
            "moved": _moved(row["ratio_mom"], kind=PLAIN),
            "ratio": f"{row['ratio']:.2f}",
            "demand": _moved(row["demand_mom"]) or _("no comparison"),
            "seekers": _moved(row["seekers_mom"]) or _("no comparison"),
        }
        for row in moved[:DISTRICTS]
    ]
    return _("The ratio moved most, against the previous period, in %(places)s.") % {
        "places": "；".join(places)
    }


def _shortages_sentence(unit: OrgUnit, period: Period) -> str:
    short = [
        row
        for row in queries.largest_gaps(unit, period, limit=SHORTAGES)
        if row["gap"] > 0
    ]
    if not short:
        return _("No occupation had more vacancies than job seekers naming it.")
    return _("The occupations most short of people were %(occupations)s.") % {
        "occupations": "、".join(
            _("%(name)s (%(demand)s vacancies, %(seekers)s job seekers)")
            % {
                "name": row["name"],
                "demand": _number(row["demand"]),
                "seekers": _number(row["seekers"]),
            }
            for row in short
        )
    }


def sentences(unit: OrgUnit, period: Period) -> list[str]:
    figures = queries.key_figures(unit, period)
    when, where = _this(period), unit.name
    lines = []
    ratio = figures["ratio"]
    if ratio["value"] is not None:
        line = _(
            "In %(where)s %(when)s there were %(ratio)s vacancies per job seeker"
        ) % {"where": where, "when": when, "ratio": f"{ratio['value']:.2f}"}
        moved = _changes(ratio, kind=PLAIN)
        lines.append(f"{line}{'，' + moved if moved else ''}。")
    warnings = warning_sentences(queries.warnings(unit, period))
    lines.extend(warnings or [_("No early warning fired %(when)s.") % {"when": when}])
    demand, seekers = figures["demand"], figures["seekers"]
    if demand["value"] is not None or seekers["value"] is not None:
        lines.append(
            _(
                "Employers sought %(demand)s people (%(demand_moved)s); %(seekers)s "
                "people sought work (%(seekers_moved)s)."
            )
            % {
                "demand": f"{int(demand['value'] or 0):,}",
                "demand_moved": _changes(demand) or _("no comparison"),
                "seekers": f"{int(seekers['value'] or 0):,}",
                "seekers_moved": _changes(seekers) or _("no comparison"),
            }
        )
    lines.extend(_moves_sentences(figures))
    districts = _districts_sentence(unit, period)
    if districts:
        lines.append(districts)
    top = queries.breakdown(unit, period, "demand", "industry")[:3]
    if top:
        lines.append(
            _("The industries seeking most people were %(industries)s.")
            % {"industries": "、".join(f"{label}（{int(v):,}）" for label, v in top)}
        )
    lines.append(_shortages_sentence(unit, period))
    new, unemployed = figures["new_employment"], figures["unemployed_at_end"]
    if new["value"] is not None:
        lines.append(
            _(
                "New urban employment was %(new)s; %(unemployed)s people were "
                "registered as unemployed at the end of the period."
            )
            % {
                "new": f"{int(new['value']):,}",
                "unemployed": f"{int(unemployed['value'] or 0):,}",
            }
        )
    paid = figures["subsidy_paid_amount"]
    if paid["value"]:
        lines.append(
            _("Employment subsidies of %(amount)s yuan were paid.")
            % {"amount": f"{paid['value']:,.2f}"}
        )
    return lines
