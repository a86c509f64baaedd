"""Building a report: the same figures as the dashboard (stats/queries.py), laid
out for print (templates/pdf/stats_report.html) and as a spreadsheet."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.exports import xlsx_row
from portal.models import OrgUnit
from portal.pdf import render_pdf
from stats import charts, queries
from stats.categories import DIMENSION_LABELS, REPORT_DIMENSIONS, TABLE_NOTES
from stats.models import ClosedPeriod
from stats.periods import Period
from stats.summary import sentences
from subsidies.models import SubsidyType

KEY_ROWS = [
    ("ratio", gettext_lazy("Vacancies per job seeker"), True),
    ("demand", gettext_lazy("Vacancies"), False),
    ("seekers", gettext_lazy("Job seekers"), False),
    ("new_employment", gettext_lazy("New urban employment"), False),
    ("unemployed_at_end", gettext_lazy("Registered unemployed"), False),
    (
        "unemployment_rate",
        gettext_lazy("Registered unemployment rate (per cent)"),
        True,
    ),
    ("reemployed", gettext_lazy("Re-employed"), False),
    (
        "difficulty_employed",
        gettext_lazy("Employment-difficulty people employed"),
        False,
    ),
    ("fair_fairs", gettext_lazy("Job fairs held"), False),
    ("fair_seekers_entered", gettext_lazy("Job seekers at the fairs"), False),
    ("graduates_reported", gettext_lazy("Graduates reported"), False),
    (
        "leavers_contact_rate",
        gettext_lazy("Unemployed graduates contacted (per cent)"),
        True,
    ),
    (
        "leavers_employment_rate",
        gettext_lazy("Unemployed graduates now employed (per cent)"),
        True,
    ),
    ("subsidy_paid_amount", gettext_lazy("Subsidies paid (yuan)"), False),
]

# The figures of the "By area" table, as its columns are labelled.
AREA_FIGURES = [
    ("demand", gettext_lazy("Vacancies")),
    ("seekers", gettext_lazy("Job seekers")),
    ("new_employment", gettext_lazy("New urban employment")),
    ("unemployed_at_end", gettext_lazy("Registered unemployed")),
]

# Video interviews held in the portal (docs/statistics.md, "Video interviews").
VIDEO_ROWS = [
    ("video_held", gettext_lazy("Video interviews held")),
    ("video_employers", gettext_lazy("Employers interviewing by video")),
    ("video_seekers", gettext_lazy("Job seekers interviewed by video")),
    ("video_hire", gettext_lazy("Outcome hired")),
    ("video_pending", gettext_lazy("Outcome undecided")),
    ("video_not_suitable", gettext_lazy("Outcome not suitable")),
    ("video_no_outcome", gettext_lazy("No outcome recorded yet")),
]

# A recruiting hall's figures (docs/statistics.md, "Recruiting halls").
HALL_ROWS = [
    ("hall_check_ins", gettext_lazy("Check-ins")),
    ("hall_resumes", gettext_lazy("Resumes made at the kiosks")),
    ("hall_invitations", gettext_lazy("Interview invitations from the desks")),
    ("hall_intentions", gettext_lazy("Intentions reached")),
    ("hall_hires", gettext_lazy("Hired in the hall")),
]

HALLS_NOTE = gettext_lazy(
    "A hall counts in the unit that runs it, and a unit's halls include those of "
    "the units below it; the city and the districts run halls of their own, so "
    "these figures do not add up from the areas below."
)

SUBSIDY_FIGURES = ["subsidy_applications", "subsidy_people_paid", "subsidy_paid_amount"]


def subsidy_rows(unit: OrgUnit, period: Period) -> list[dict]:
    """Per subsidy type: applications, people paid and the amount, with the
    amount a year before and its change."""
    last_year = period.year_before()
    values = queries.facts(
        [unit],
        [period, last_year],
        indicators=SUBSIDY_FIGURES,
        dimension="subsidy_type",
        as_of=period,
    )
    codes = sorted({key[4] for key in values})
    names = dict(SubsidyType.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for code in codes:
        row = {"name": names.get(code, code)}
        for figure in SUBSIDY_FIGURES:
            row[figure] = values.get((unit.pk, period, figure, "subsidy_type", code))
        before = values.get(
            (unit.pk, last_year, "subsidy_paid_amount", "subsidy_type", code)
        )
        row["amount_last_year"] = before
        row["amount_yoy"] = queries.change_percent(row["subsidy_paid_amount"], before)
        rows.append(row)
    return rows


def sums(unit: OrgUnit, figures) -> str:
    """The sentence saying which of these (name, label) figures add up."""
    return queries.sums_note(
        unit,
        [label for name, label in figures if name in queries.ADDITIVE_INDICATORS],
    )


def standard_table(unit: OrgUnit, period: Period, dimension: str) -> list:
    """One standard table's rows; seeker categories as the Ministry's table
    prints them, with its "of which" row."""
    if dimension == "seeker_category":
        return queries.seeker_category_table(unit, period)
    return queries.supply_demand_table(unit, period, dimension)


def hall_blocks(unit: OrgUnit, period: Period) -> list[dict]:
    """The unit's halls, each {"name", "rows": [(label, figure)]}, led by all
    of them together when there are several."""
    halls = queries.hall_figures(unit, period)
    blocks = [
        {
            "name": hall["name"],
            "rows": [(label, hall["figures"][name]) for name, label in HALL_ROWS],
        }
        for hall in halls
    ]
    if len(halls) > 1:
        totals = queries.hall_totals(unit, period)
        blocks.insert(
            0,
            {
                "name": _("All halls"),
                "rows": [(label, totals[name]) for name, label in HALL_ROWS],
                "is_total": True,
            },
        )
    return blocks


def report_context(unit: OrgUnit, period: Period) -> dict:
    """Everything the report shows; the dashboard shows the same and more."""
    figures = queries.key_figures(unit, period)
    video = queries.video_figures(unit, period)
    trend = [(p.label(), v) for p, v in queries.trend(unit, period, "ratio")]
    closed = ClosedPeriod.objects.filter(
        period_kind=period.kind, period_start=period.start
    ).first()
    return {
        "unit": unit,
        "period": period,
        "is_final": closed is not None,
        "closed_at": closed.closed_at if closed else None,
        "generated_at": timezone.localtime(),
        "summary": sentences(unit, period),
        "warnings": queries.warnings(unit, period),
        "figures": figures,
        "key_rows": [
            (label, figures[name], is_rate) for name, label, is_rate in KEY_ROWS
        ],
        "rate_note": figures["unemployment_rate"]["note"],
        "key_sums": sums(unit, [(name, label) for name, label, _r in KEY_ROWS]),
        "area_sums": sums(unit, AREA_FIGURES),
        "table_sums": sums(
            unit, [("demand", _("Vacancies")), ("seekers", _("Job seekers"))]
        ),
        "ratio_chart": charts.line_chart(trend, title=_("Vacancies per job seeker")),
        "industry_chart": charts.bar_chart(
            queries.breakdown(unit, period, "demand", "industry")[:10],
            title=_("Vacancies by industry"),
        ),
        "origin_chart": charts.bar_chart(
            queries.breakdown(unit, period, "seekers", "seeker_category"),
            title=_("Where job seekers come from"),
        ),
        "tables": [
            (
                DIMENSION_LABELS[dimension],
                standard_table(unit, period, dimension),
                TABLE_NOTES.get(dimension, []),
            )
            for dimension in REPORT_DIMENSIONS
        ],
        "children": queries.children(unit, period),
        "gaps": queries.largest_gaps(unit, period),
        "subsidies": subsidy_rows(unit, period),
        "video_held": video["video_held"],
        "video_rows": [(label, video[name]) for name, label in VIDEO_ROWS],
        "video_sums": sums(unit, VIDEO_ROWS),
        "halls": hall_blocks(unit, period),
        "halls_note": HALLS_NOTE,
    }


def pdf(context: dict) -> bytes:
    return render_pdf("pdf/stats_report.html", context)


CHANGES = [gettext_lazy("vs last period"), gettext_lazy("vs last year")]
TABLE_HEADER = [
    "",
    gettext_lazy("Vacancies"),
    gettext_lazy("Share"),
    *CHANGES,
    gettext_lazy("Job seekers"),
    gettext_lazy("Share"),
    *CHANGES,
    gettext_lazy("Ratio"),
    *CHANGES,
]


def xlsx(context: dict) -> bytes:
    """Every table of the report on its own sheet, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Key figures")[:31]
    sheet.append(xlsx_row(sheet, [context["unit"], context["period"].label()]))
    sheet.append(
        xlsx_row(sheet, ["", _("Value"), _("month on month"), _("year on year")])
    )
    for label, figure, _rate in context["key_rows"]:
        sheet.append(
            xlsx_row(sheet, [label, figure["value"], figure["mom"], figure["yoy"]])
        )
    for note in (context["rate_note"], context["key_sums"]):
        if note:
            sheet.append(xlsx_row(sheet, [note]))
    for label, rows, notes in context["tables"]:
        sheet = book.create_sheet(str(label)[:31])
        sheet.append(xlsx_row(sheet, TABLE_HEADER))
        for row in rows:
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        _("Total") if row.is_total else row.label,
                        row.demand,
                        row.demand_share,
                        row.demand_share_mom,
                        row.demand_share_yoy,
                        row.seekers,
                        row.seekers_share,
                        row.seekers_share_mom,
                        row.seekers_share_yoy,
                        row.ratio,
                        row.ratio_mom,
                        row.ratio_yoy,
                    ],
                )
            )
        for note in notes:
            sheet.append(xlsx_row(sheet, [str(note)]))
    if context["children"]:
        sheet = book.create_sheet(_("By area")[:31])
        sheet.append(
            xlsx_row(
                sheet,
                [
                    "",
                    _("Vacancies"),
                    _("Job seekers"),
                    _("Ratio"),
                    _("New urban employment"),
                    _("Registered unemployed"),
                ],
            )
        )
        for row in context["children"]:
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        row["unit"].name,
                        row["demand"],
                        row["seekers"],
                        row["ratio"],
                        row["new_employment"],
                        row["unemployed_at_end"],
                    ],
                )
            )
        if context["area_sums"]:
            sheet.append(xlsx_row(sheet, [context["area_sums"]]))
    sheet = book.create_sheet(_("Shortage occupations")[:31])
    sheet.append(
        xlsx_row(
            sheet,
            [_("Occupation"), _("Vacancies"), _("Job seekers"), _("Gap"), _("Ratio")],
        )
    )
    for row in context["gaps"]:
        sheet.append(
            xlsx_row(
                sheet,
                [row["name"], row["demand"], row["seekers"], row["gap"], row["ratio"]],
            )
        )
    if context["subsidies"]:
        sheet = book.create_sheet(_("Subsidies")[:31])
        sheet.append(
            xlsx_row(
                sheet,
                [
                    "",
                    _("Applications"),
                    _("People paid"),
                    _("Amount paid"),
                    _("A year before"),
                    _("year on year"),
                ],
            )
        )
        for row in context["subsidies"]:
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        row["name"],
                        row["subsidy_applications"],
                        row["subsidy_people_paid"],
                        row["subsidy_paid_amount"],
                        row["amount_last_year"],
                        row["amount_yoy"],
                    ],
                )
            )
    sheet = book.create_sheet(_("Video interviews")[:31])
    sheet.append(
        xlsx_row(sheet, ["", _("Value"), _("month on month"), _("year on year")])
    )
    for label, figure in context["video_rows"]:
        sheet.append(
            xlsx_row(sheet, [label, figure["value"], figure["mom"], figure["yoy"]])
        )
    if context["video_sums"]:
        sheet.append(xlsx_row(sheet, [context["video_sums"]]))
    sheet = book.create_sheet(_("Recruiting halls")[:31])
    sheet.append(
        xlsx_row(
            sheet,
            [
                _("Recruiting hall"),
                _("Figure"),
                _("Value"),
                _("month on month"),
                _("year on year"),
            ],
        )
    )
    for hall in context["halls"]:
        for label, figure in hall["rows"]:
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        hall["name"],
                        label,
                        figure["value"],
                        figure["mom"],
                        figure["yoy"],
                    ],
                )
            )
    if context["halls"]:
        sheet.append(xlsx_row(sheet, [str(context["halls_note"])]))
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
