"""Reading the stored facts into what the dashboard and the reports show: the
standard supply–demand tables with their 11 columns (docs/statistics.md,
"Standard report tables"), key figures with month-on-month and year-on-year
changes, trends and drill-down. Nothing here touches the registries."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fairs.models import Hall
from portal.models import OrgUnit
from stats.categories import CATEGORIES, SEEKER_TABLE
from stats.models import ClosedPeriod, Fact, FrozenFact, Report, WarningRule
from stats.periods import Period

HUNDRED = Decimal(100)


def _q2(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def ratio(demand, seekers) -> Decimal | None:
    """求人倍率: vacancies per seeker, to two decimals."""
    if not seekers or demand is None:
        return None
    return _q2(Decimal(demand) / Decimal(seekers))


def difference(now, before) -> Decimal | None:
    if now is None or before is None:
        return None
    return _q2(Decimal(now) - Decimal(before))


def change_percent(now, before) -> Decimal | None:
    if now is None or not before:
        return None
    return _q2((Decimal(now) - Decimal(before)) * HUNDRED / Decimal(before))


def facts(units, periods, *, indicators=None, dimension=None, as_of=None) -> dict:
    """{(unit id, period, indicator, dimension, category): value}. Seen from the
    period `as_of`: when it is closed, the other periods' figures are those kept
    when it was closed (docs/statistics.md, "Closed periods")."""
    sources = [(Fact.objects.all(), periods)]
    if as_of is not None:
        closed = ClosedPeriod.objects.filter(
            period_kind=as_of.kind, period_start=as_of.start, comparisons_frozen=True
        ).first()
        if closed is not None:
            sources = [
                (Fact.objects.all(), [p for p in periods if p == as_of]),
                (
                    FrozenFact.objects.filter(closed=closed),
                    [p for p in periods if p != as_of],
                ),
            ]
    lookup = {(p.kind, p.start): p for p in periods}
    values = {}
    for rows, wanted in sources:
        if not wanted:
            continue
        by_period = Q()
        for period in wanted:
            by_period |= Q(period_kind=period.kind, period_start=period.start)
        rows = rows.filter(by_period, org_unit__in=units)
        if indicators is not None:
            rows = rows.filter(indicator__in=indicators)
        if dimension is not None:
            rows = rows.filter(dimension=dimension)
        for row in rows:
            key = (
                row.org_unit_id,
                lookup[(row.period_kind, row.period_start)],
                row.indicator,
                row.dimension,
                row.category,
            )
            values[key] = row.value
    return values


@dataclass
class TableRow:
    key: str
    label: str
    demand: Decimal | None
    demand_share: Decimal | None
    demand_share_mom: Decimal | None
    demand_share_yoy: Decimal | None
    seekers: Decimal | None
    seekers_share: Decimal | None
    seekers_share_mom: Decimal | None
    seekers_share_yoy: Decimal | None
    ratio: Decimal | None
    ratio_mom: Decimal | None
    ratio_yoy: Decimal | None
    is_total: bool = False


def supply_demand_table(unit: OrgUnit, period: Period, dimension: str) -> list:
    """The total row, then every category in the standard order: demand and
    seekers with their shares and the share changes against the previous period
    and the same period last year (percentage points), and the ratio with its
    changes. Shares of the total row are 100 (printed "/"). A side without the
    breakdown (seekers by sector) is None, printed "—"."""
    periods = [period, period.previous(), period.year_before()]
    values = facts([unit], periods, indicators=["demand", "seekers"], as_of=period)

    def get(p, indicator, category="", dim=dimension):
        return values.get((unit.pk, p, indicator, dim if category else "", category))

    def share(p, indicator, category):
        total = get(p, indicator)
        part = get(p, indicator, category)
        if not total or part is None:
            return None
        return _q2(Decimal(part) * HUNDRED / Decimal(total))

    def row_ratio(p, category):
        if category in ("any", "unknown", "none"):
            # One side has no such row (docs/statistics.md, "Standard report tables").
            return None
        return ratio(get(p, "demand", category), get(p, "seekers", category))

    now, before, last_year = periods
    total_demand, total_seekers = get(now, "demand"), get(now, "seekers")
    rows = [
        TableRow(
            key="",
            label="",
            demand=total_demand,
            demand_share=None,
            demand_share_mom=None,
            demand_share_yoy=None,
            seekers=total_seekers,
            seekers_share=None,
            seekers_share_mom=None,
            seekers_share_yoy=None,
            ratio=ratio(total_demand, total_seekers),
            ratio_mom=difference(
                ratio(total_demand, total_seekers),
                ratio(get(before, "demand"), get(before, "seekers")),
            ),
            ratio_yoy=difference(
                ratio(total_demand, total_seekers),
                ratio(get(last_year, "demand"), get(last_year, "seekers")),
            ),
            is_total=True,
        )
    ]
    for key, label in CATEGORIES[dimension]:
        demand, seekers = get(now, "demand", key), get(now, "seekers", key)
        rows.append(
            TableRow(
                key=key,
                label=str(label),
                demand=demand,
                demand_share=share(now, "demand", key),
                demand_share_mom=difference(
                    share(now, "demand", key), share(before, "demand", key)
                ),
                demand_share_yoy=difference(
                    share(now, "demand", key), share(last_year, "demand", key)
                ),
                seekers=seekers,
                seekers_share=share(now, "seekers", key),
                seekers_share_mom=difference(
                    share(now, "seekers", key), share(before, "seekers", key)
                ),
                seekers_share_yoy=difference(
                    share(now, "seekers", key), share(last_year, "seekers", key)
                ),
                ratio=row_ratio(now, key),
                ratio_mom=difference(row_ratio(now, key), row_ratio(before, key)),
                ratio_yoy=difference(row_ratio(now, key), row_ratio(last_year, key)),
            )
        )
    return rows


# The figures for which the city is the sum of its districts and a district the
# sum of its streets, in every breakdown: each counts rows (not distinct people)
# that belong to exactly one street (docs/statistics.md, "Additivity"). Reports
# say so only under these.
ADDITIVE_INDICATORS = frozenset(
    {
        "demand",
        "seekers",
        "new_unemployed",
        "unemployed_at_end",
        "employed_at_end",
        "subsidy_applications",
        "subsidy_approved",
        "subsidy_paid_amount",
        # Rooms and employers: each room belongs to its employer's street.
        "video_held",
        "video_employers",
        "video_hire",
        "video_pending",
        "video_not_suitable",
    }
)


def seeker_category_table(unit: OrgUnit, period: Period) -> list:
    """The seeker-category table as the Ministry's report prints it
    (SEEKER_TABLE): the total row, then every row with 0 where nobody falls in
    it; a row may add up stored categories, and the "of which" row's share is of
    the row it belongs to. Vacancies have no such breakdown: only the total row
    has them and the ratio."""
    periods = [period, period.previous(), period.year_before()]
    values = facts(
        [unit], periods, indicators=["demand", "seekers"], dimension="", as_of=period
    )
    values |= facts(
        [unit],
        periods,
        indicators=["seekers"],
        dimension="seeker_category",
        as_of=period,
    )
    counted = {key: parts for key, _label, parts, _of in SEEKER_TABLE}
    parent = {key: of for key, _label, _parts, of in SEEKER_TABLE}

    def count(p, key=""):
        if not key:
            return values.get((unit.pk, p, "seekers", "", ""))
        parts = [
            values.get((unit.pk, p, "seekers", "seeker_category", category))
            for category in counted[key]
        ]
        if all(part is None for part in parts):
            return None
        return sum(part or 0 for part in parts)

    def share(p, key):
        part, whole = count(p, key), count(p, parent[key] or "")
        if not whole or part is None:
            return None
        return _q2(Decimal(part) * HUNDRED / Decimal(whole))

    def overall(p):
        return ratio(values.get((unit.pk, p, "demand", "", "")), count(p))

    now, before, last_year = periods
    rows = [
        TableRow(
            key="",
            label="",
            demand=values.get((unit.pk, now, "demand", "", "")),
            demand_share=None,
            demand_share_mom=None,
            demand_share_yoy=None,
            seekers=count(now),
            seekers_share=None,
            seekers_share_mom=None,
            seekers_share_yoy=None,
            ratio=overall(now),
            ratio_mom=difference(overall(now), overall(before)),
            ratio_yoy=difference(overall(now), overall(last_year)),
            is_total=True,
        )
    ]
    for key, label, _parts, _of in SEEKER_TABLE:
        rows.append(
            TableRow(
                key=key,
                label=str(label),
                demand=None,
                demand_share=None,
                demand_share_mom=None,
                demand_share_yoy=None,
                seekers=count(now, key),
                seekers_share=share(now, key),
                seekers_share_mom=difference(share(now, key), share(before, key)),
                seekers_share_yoy=difference(share(now, key), share(last_year, key)),
                ratio=None,
                ratio_mom=None,
                ratio_yoy=None,
            )
        )
    return rows


KEY_INDICATORS = [
    "demand",
    "seekers",
    "new_employment",
    "unemployed_at_end",
    "unemployment_rate",
    "reemployed",
    "difficulty_employed",
    "fair_fairs",
    "fair_seekers_entered",
    "graduates_reported",
    "leavers_contact_rate",
    "leavers_employment_rate",
    "subsidy_paid_amount",
]


def key_figures(unit: OrgUnit, period: Period) -> dict[str, dict]:
    """{indicator: {"value", "mom", "yoy"}}; the ratio is derived from demand and
    seekers. Rates change in points, counts in per cent."""
    periods = [period, period.previous(), period.year_before()]
    values = facts(
        [unit], periods, indicators=KEY_INDICATORS, dimension="", as_of=period
    )

    def get(p, indicator):
        return values.get((unit.pk, p, indicator, "", ""))

    figures = {}
    for indicator in KEY_INDICATORS:
        now = get(period, indicator)
        measure = difference if indicator.endswith("_rate") else change_percent
        figures[indicator] = {
            "value": now,
            "mom": measure(now, get(periods[1], indicator)),
            "yoy": measure(now, get(periods[2], indicator)),
        }
    figures["unemployment_rate"]["note"] = rate_note(
        rate_base(unit, period), figures["unemployment_rate"]["value"]
    )
    ratios = [ratio(get(p, "demand"), get(p, "seekers")) for p in periods]
    figures["ratio"] = {
        "value": ratios[0],
        "mom": difference(ratios[0], ratios[1]),
        "yoy": difference(ratios[0], ratios[2]),
    }
    return figures


def rate_base(unit: OrgUnit, period: Period) -> dict | None:
    """The denominator the stored registered unemployment rate used: {"year",
    "employed", "source"}, None when no rate is stored (no urban employed
    population entered for the unit)."""
    values = facts([unit], [period], indicators=["employed_population"])
    base = {"year": None, "employed": None, "source": ""}
    for (_unit, _period, _indicator, dimension, category), value in values.items():
        if dimension == "":
            base["employed"] = value
        elif dimension == "year":
            base["year"] = int(category)
        elif dimension == "source":
            base["source"] = category
    return base if base["employed"] is not None else None


def rate_note(base: dict | None, rate) -> str:
    """What the registered unemployment rate divides by, printed wherever the rate
    is; or why there is no rate."""
    if base is not None:
        return _(
            "Registered unemployment rate: the denominator is the urban employed "
            "persons of %(year)s, %(employed)s (source: %(source)s)."
        ) % {
            "year": base["year"],
            "employed": f"{int(base['employed']):,}",
            "source": base["source"],
        }
    if rate is None:
        return _(
            "No urban employed population entered: the registered unemployment "
            "rate is not computed."
        )
    return ""  # kept from a period closed before the denominator was entered


def sums_note(unit: OrgUnit, labels) -> str:
    """ "Vacancies, job seekers: the city is the sum of its districts." (the
    province of its cities, a district of its streets) for the
    figures shown that are additive (ADDITIVE_INDICATORS); "" for none."""
    if not labels:
        return ""
    figures = pgettext("list separator", ", ").join(str(label) for label in labels)
    if unit.level == OrgUnit.Level.PROVINCE:
        return _("%(figures)s: the province is the sum of its cities.") % {
            "figures": figures
        }
    if unit.level == OrgUnit.Level.CITY:
        return _("%(figures)s: the city is the sum of its districts.") % {
            "figures": figures
        }
    if unit.level == OrgUnit.Level.DISTRICT:
        return _("%(figures)s: the district is the sum of its streets.") % {
            "figures": figures
        }
    return ""


def trend(unit: OrgUnit, period: Period, indicator: str, count: int = 13) -> list:
    """[(period, value)] for the `count` periods ending with `period`."""
    periods = period.trend(count)
    if indicator == "ratio":
        values = facts(
            [unit],
            periods,
            indicators=["demand", "seekers"],
            dimension="",
            as_of=period,
        )
        return [
            (
                p,
                ratio(
                    values.get((unit.pk, p, "demand", "", "")),
                    values.get((unit.pk, p, "seekers", "", "")),
                ),
            )
            for p in periods
        ]
    values = facts([unit], periods, indicators=[indicator], dimension="", as_of=period)
    return [(p, values.get((unit.pk, p, indicator, "", ""))) for p in periods]


# The levels figures are computed for; communities have none of their own.
FIGURE_LEVELS = [
    OrgUnit.Level.PROVINCE,
    OrgUnit.Level.CITY,
    OrgUnit.Level.DISTRICT,
    OrgUnit.Level.STREET,
]


def units_below(unit: OrgUnit, period: Period):
    """The units one level down that have figures (none below a street)."""
    return OrgUnit.objects.current(period.end).filter(
        parent=unit, level__in=FIGURE_LEVELS
    )


def children(unit: OrgUnit, period: Period) -> list[dict]:
    """The units one level down with their main figures, for drill-down."""
    below = list(units_below(unit, period))
    names = ["demand", "seekers", "new_employment", "unemployed_at_end"]
    values = facts(below, [period], indicators=names, dimension="")
    rows = []
    for child in below:
        row = {name: values.get((child.pk, period, name, "", "")) for name in names}
        row["ratio"] = ratio(row["demand"], row["seekers"])
        rows.append({"unit": child, **row})
    return rows


def children_changes(unit: OrgUnit, period: Period) -> list[dict]:
    """The units one level down with their vacancies, seekers and ratio and the
    changes against the previous period (the figures the period's report
    compares with: docs/statistics.md, "Closed periods")."""
    below = list(units_below(unit, period))
    previous = period.previous()
    values = facts(
        below,
        [period, previous],
        indicators=["demand", "seekers"],
        dimension="",
        as_of=period,
    )
    rows = []
    for child in below:
        now = {
            n: values.get((child.pk, period, n, "", "")) for n in ("demand", "seekers")
        }
        then = {n: values.get((child.pk, previous, n, "", "")) for n in now}
        now_ratio = ratio(now["demand"], now["seekers"])
        rows.append(
            {
                "unit": child,
                **now,
                "ratio": now_ratio,
                "ratio_mom": difference(
                    now_ratio, ratio(then["demand"], then["seekers"])
                ),
                "demand_mom": change_percent(now["demand"], then["demand"]),
                "seekers_mom": change_percent(now["seekers"], then["seekers"]),
            }
        )
    return rows


def breakdown(unit: OrgUnit, period: Period, indicator: str, dimension: str) -> list:
    """[(label, value)] of one side of a breakdown, largest first (hot industries,
    where seekers come from); a ranking leaves out the categories with none."""
    values = facts([unit], [period], indicators=[indicator], dimension=dimension)
    labels = dict(CATEGORIES.get(dimension, []))
    rows = [
        (str(labels.get(key[4], key[4])), value)
        for key, value in values.items()
        if value
    ]
    return sorted(rows, key=lambda row: row[1], reverse=True)


def warnings(unit: OrgUnit, period: Period) -> list[dict]:
    """Early warnings for the unit and the units one level down: each active rule
    of the place's city (WarningRule.applying) whose figure moved beyond its
    threshold against the previous period. A province judges its cities by the
    rules of every city: a city's own rules apply to its own dashboard only."""
    units = [unit, *units_below(unit, period)]
    applying = WarningRule.applying(
        units, own_rules=unit.level != OrgUnit.Level.PROVINCE
    )
    rules = {rule.pk: rule for found in applying.values() for rule in found}
    if not rules:
        return []
    rules = sorted(rules.values(), key=lambda rule: (rule.indicator, rule.pk))
    previous = period.previous()
    values = facts(
        units,
        [period, previous],
        indicators=[rule.indicator for rule in rules],
        dimension="",
        as_of=period,
    )
    found = []
    for rule in rules:
        for place in units:
            if rule not in applying[place.pk]:
                continue
            now = values.get((place.pk, period, rule.indicator, "", ""))
            before = values.get((place.pk, previous, rule.indicator, "", ""))
            moved = change_percent(now, before)
            if moved is None:
                continue
            if (rule.direction == "rise" and moved > rule.threshold) or (
                rule.direction == "fall" and -moved > rule.threshold
            ):
                found.append(
                    {"rule": rule, "unit": place, "change": moved, "value": now}
                )
    return found


def largest_gaps(unit: OrgUnit, period: Period, limit: int = 10) -> list[dict]:
    """Occupations (as employers name them) where vacancies most outnumber the
    seekers who name the same occupation (docs/statistics.md, "Largest gaps")."""
    values = facts(
        [unit], [period], indicators=["demand", "seekers"], dimension="occupation_name"
    )
    names = {key[4] for key in values if key[2] == "demand"}
    rows = []
    for name in names:
        demand = values.get((unit.pk, period, "demand", "occupation_name", name))
        seekers = values.get((unit.pk, period, "seekers", "occupation_name", name))
        rows.append(
            {
                "name": name,
                "demand": demand,
                "seekers": seekers or 0,
                "gap": demand - (seekers or 0),
                "ratio": ratio(demand, seekers),
            }
        )
    rows.sort(key=lambda row: (-row["gap"], row["name"]))
    return rows[:limit]


def stuck_reports(before: datetime.datetime) -> dict[str, dict]:
    """Reports not built although requested or first started before `before`, for
    /healthz (STUCK_WORK): their task was lost, or retries keep dying."""
    stuck = (
        Report.objects.filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING])
        .annotate(started=Coalesce("started_at", "created_at"))
        .filter(started__lt=before)
        .aggregate(count=Count("pk"), since=Min("started"))
    )
    return {"reports": stuck} if stuck["count"] else {}


# Video interviews held in the portal (jobs.queries.video_interview_figures),
# stored as "video_<name>"; the outcomes are the room's outcome values.
VIDEO_INDICATORS = [
    "video_held",
    "video_employers",
    "video_seekers",
    "video_hire",
    "video_pending",
    "video_not_suitable",
]

# A recruiting hall's figures (fairs.queries.HALL_FIGURES), stored per hall
# (dimension "hall", category the hall's id) and summed over the unit's halls.
HALL_INDICATORS = [
    "hall_check_ins",
    "hall_resumes",
    "hall_invitations",
    "hall_intentions",
    "hall_hires",
]


def compared(unit: OrgUnit, period: Period, indicators, dimension="") -> dict:
    """{(indicator, category): {"value", "mom", "yoy"}} for every category the
    period has, counts compared in per cent with the previous period and the
    same period a year before."""
    periods = [period, period.previous(), period.year_before()]
    values = facts(
        [unit], periods, indicators=indicators, dimension=dimension, as_of=period
    )
    figures = {}
    for (_unit, p, indicator, _dimension, category), now in values.items():
        if p != period:
            continue
        before = [
            values.get((unit.pk, q, indicator, dimension, category))
            for q in periods[1:]
        ]
        figures[(indicator, category)] = {
            "value": now,
            "mom": change_percent(now, before[0]),
            "yoy": change_percent(now, before[1]),
        }
    return figures


def video_figures(unit: OrgUnit, period: Period) -> dict[str, dict]:
    """{indicator: {"value", "mom", "yoy"}} of the video interviews held by the
    unit's employers; "video_no_outcome" is those held with no outcome recorded
    yet (held minus the three outcomes)."""
    found = compared(unit, period, VIDEO_INDICATORS)
    empty = {"value": None, "mom": None, "yoy": None}
    figures = {name: found.get((name, ""), empty) for name in VIDEO_INDICATORS}
    held = figures["video_held"]["value"]
    outcomes = [figures[name]["value"] for name in VIDEO_INDICATORS[3:]]
    figures["video_no_outcome"] = {
        "value": None if held is None else held - sum(v or 0 for v in outcomes),
        "mom": None,
        "yoy": None,
    }
    return figures


def hall_figures(unit: OrgUnit, period: Period) -> list[dict]:
    """The recruiting halls run by the unit or below that have figures for the
    period, each {"hall_id", "name", "figures": {indicator: {"value", "mom",
    "yoy"}}}, by name. A hall is listed from the stored figures, so a closed
    period keeps the halls it had; it is named as it is called now."""
    found = compared(unit, period, HALL_INDICATORS, dimension="hall")
    ids = sorted({int(category) for _indicator, category in found})
    names = dict(Hall.objects.filter(pk__in=ids).values_list("pk", "name"))
    empty = {"value": None, "mom": None, "yoy": None}
    halls = [
        {
            "hall_id": pk,
            "name": names.get(pk, f"#{pk}"),
            "figures": {
                name: found.get((name, str(pk)), empty) for name in HALL_INDICATORS
            },
        }
        for pk in ids
    ]
    return sorted(halls, key=lambda hall: (hall["name"], hall["hall_id"]))


def hall_totals(unit: OrgUnit, period: Period) -> dict[str, dict]:
    """{indicator: {"value", "mom", "yoy"}} summed over the unit's halls."""
    found = compared(unit, period, HALL_INDICATORS)
    empty = {"value": None, "mom": None, "yoy": None}
    return {name: found.get((name, ""), empty) for name in HALL_INDICATORS}
