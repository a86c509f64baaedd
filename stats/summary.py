"""The report's summary in words, generated from the figures ("本月全市求人倍率为
1.31，环比上升0.05"). Every number comes from stats/queries.py."""

from decimal import Decimal

from django.utils.translation import gettext as _

from portal.models import OrgUnit
from stats import queries
from stats.periods import MONTH, QUARTER, Period


def _moved(change, *, points: bool = False) -> str:
    """ "up 0.05" / "down 3.20%" / "unchanged"; "" when there is no comparison."""
    if change is None:
        return ""
    size = abs(Decimal(change))
    amount = f"{size:.2f}" if points else f"{size:.2f}%"
    if change > 0:
        return _("up %(amount)s") % {"amount": amount}
    if change < 0:
        return _("down %(amount)s") % {"amount": amount}
    return _("unchanged")


def _changes(figure: dict, *, points: bool = False) -> str:
    parts = []
    if figure["mom"] is not None:
        parts.append(
            _("%(moved)s on the previous period")
            % {"moved": _moved(figure["mom"], points=points)}
        )
    if figure["yoy"] is not None:
        parts.append(
            _("%(moved)s on a year before")
            % {"moved": _moved(figure["yoy"], points=points)}
        )
    return "，".join(parts)


def _this(period: Period) -> str:
    if period.kind == MONTH:
        return _("this month")
    if period.kind == QUARTER:
        return _("this quarter")
    return _("this year")


def sentences(unit: OrgUnit, period: Period) -> list[str]:
    figures = queries.key_figures(unit, period)
    when, where = _this(period), unit.name
    lines = []
    ratio = figures["ratio"]
    if ratio["value"] is not None:
        line = _(
            "In %(where)s %(when)s there were %(ratio)s vacancies per job seeker"
        ) % {"where": where, "when": when, "ratio": f"{ratio['value']:.2f}"}
        moved = _changes(ratio, points=True)
        lines.append(f"{line}{'，' + moved if moved else ''}。")
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
    top = queries.breakdown(unit, period, "demand", "industry")[:3]
    if top:
        lines.append(
            _("The industries seeking most people were %(industries)s.")
            % {"industries": "、".join(f"{label}（{int(v):,}）" for label, v in top)}
        )
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
