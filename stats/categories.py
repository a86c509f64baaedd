"""The rows of each breakdown, in the order the standard tables print them, with
their labels (docs/statistics.md, "Standard report tables")."""

from django.utils.translation import gettext_lazy as _

from jobs.models import OccupationGroup
from portal.models import Employer

ANY = ("any", _("No requirement"))
UNKNOWN = ("unknown", _("Not stated"))

CATEGORIES = {
    "sector": [
        ("1", _("Primary sector")),
        ("2", _("Secondary sector")),
        ("3", _("Tertiary sector")),
        UNKNOWN,
    ],
    "industry": [*Employer.Industry.choices, UNKNOWN],
    "ownership": [*Employer.Ownership.choices, UNKNOWN],
    "occupation": [*OccupationGroup.choices, ("none", _("No occupation stated"))],
    # Each seeker in exactly one, so that they add up to the total
    # (docs/statistics.md, "Seeker categories"); printed as SEEKER_TABLE.
    "seeker_category": [
        ("graduate", _("Graduates of this year")),
        ("youth", _("Other young people new to the labour market")),
        ("lost_job", _("Unemployed after losing a job")),
        ("other_unemployed", _("Other unemployed")),
        ("employed", _("In work")),
        ("laid_off", _("Laid-off workers")),
        ("retired", _("Retired people")),
        ("student", _("Students")),
        ("rural", _("Rural residents of the city")),
        ("non_local", _("People from elsewhere")),
    ],
    "sex": [("M", _("Men")), ("F", _("Women")), ANY],
    "age": [
        ("16-24", _("16–24")),
        ("25-34", _("25–34")),
        ("35-44", _("35–44")),
        ("45+", _("45 and over")),
        ANY,
    ],
    "education": [
        ("junior_or_below", _("Junior secondary or less")),
        ("senior", _("Senior secondary (incl. vocational)")),
        ("college", _("Junior college")),
        ("bachelor", _("Bachelor")),
        ("master_or_above", _("Master or above")),
        UNKNOWN,
        ANY,
    ],
    "skill": [
        ("5", _("Level 5 (basic)")),
        ("4", _("Level 4 (intermediate)")),
        ("3", _("Level 3 (advanced)")),
        ("2", _("Level 2 (technician)")),
        ("1", _("Level 1 (senior technician)")),
        ("none", _("No skill level or title")),
        ANY,
    ],
    "salary": [
        ("below_3000", _("Under 3,000 yuan")),
        ("3000_4999", _("3,000–4,999 yuan")),
        ("5000_7999", _("5,000–7,999 yuan")),
        ("8000_plus", _("8,000 yuan and over")),
        ("negotiable", _("Negotiable or not stated")),
    ],
}

# The breakdowns of the standard report, in its order
# (docs/statistics.md, "Standard report tables").
REPORT_DIMENSIONS = [
    "sector",
    "industry",
    "ownership",
    "occupation",
    "seeker_category",
    "sex",
    "age",
    "education",
    "skill",
]

DIMENSION_LABELS = {
    "sector": _("By sector"),
    "industry": _("By industry"),
    "ownership": _("By type of employer"),
    "occupation": _("By occupation group"),
    "seeker_category": _("By seeker category"),
    "sex": _("By sex"),
    "age": _("By age"),
    "education": _("By education"),
    "skill": _("By skill level"),
    "salary": _("By monthly salary offered or expected"),
}

# The seeker-category table as the Ministry's supply-and-demand report prints it
# (求职人员类别): (row, label, stored categories it adds up, the row an "of which"
# row is part of). The "of which" row's share is of that row, and it is not
# added into the total.
SEEKER_TABLE = [
    (
        "new_entrant",
        _("Young people new to the labour market, unemployed"),
        ("youth", "graduate"),
        None,
    ),
    ("graduate", _("of which: graduates of this year"), ("graduate",), "new_entrant"),
    ("lost_job", _("Unemployed after losing a job"), ("lost_job",), None),
    ("other_unemployed", _("Other unemployed"), ("other_unemployed",), None),
    ("employed", _("In work"), ("employed",), None),
    ("laid_off", _("Laid-off workers"), ("laid_off",), None),
    ("retired", _("Retired people"), ("retired",), None),
    ("student", _("Students"), ("student",), None),
    ("rural", _("Rural residents of the city"), ("rural",), None),
    ("non_local", _("People from elsewhere"), ("non_local",), None),
]

# Notes printed under a standard table.
TABLE_NOTES = {
    "seeker_category": [
        _(
            "The share of “of which: graduates of this year” is of the young people "
            "new to the labour market; that row is not added into the total."
        ),
        _(
            "This system has no register of laid-off workers to count from; the "
            "row is reported as 0."
        ),
    ],
}
