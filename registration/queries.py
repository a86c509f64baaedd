"""Registration counts per org unit and period, read by the statistics (read-only).

Definitions (an org unit counts what was registered in it or below it):
- new_unemployed: unemployment registrations registered in the month;
- unemployed_at_end: people registered as unemployed at the end of the last day;
- employed_at_end: people with an employment registration in force on the last day
  (with unemployed_at_end, the base of the registered unemployment rate);
- reemployed: people whose unemployment registration was cancelled in the month
  for a reason that counts as re-employment (hired, own business, stable income,
  employment registered);
- difficulty_employed: people recognised as having employment difficulty on the
  day an employment of theirs started in the month;
- new_employment (城镇新增就业): people with an employment starting in the month
  who had no other employment ending in the 30 days before (job changes are not
  new employment).

None of them counts a registration made outside working age (before the 16th
birthday or from the statutory retirement date on: docs/registration.md,
"Working age"), nor, at the end of the period, a person past that date.
"""

import calendar
import datetime
import operator
from functools import reduce

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce, Left

from portal.models import OrgUnit
from registration.models import (
    DifficultyRecognition,
    EmploymentRegistration,
    InsuranceImport,
    UnemploymentRegistration,
)
from registration.models.employed_changes import STREET_LENGTH

JOB_CHANGE_DAYS = 30
COUNTS = [
    "new_unemployed",
    "unemployed_at_end",
    "employed_at_end",
    "reemployed",
    "difficulty_employed",
    "new_employment",
]


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last_day)


class _DateNumber(Func):
    """A date as the number YYYYMMDD: two of them differ by 160000 or more when
    16 full years lie between them (Person.working_age_problem())."""

    template = "to_char(%(expressions)s, 'YYYYMMDD')::int"
    output_field = IntegerField()


def _working_age(queryset, day, *, still_on: datetime.date | None = None):
    """The rows whose person was of working age on `day` (a field of the row), and
    had not reached the retirement date by `still_on` either."""
    queryset = queryset.alias(
        age_number=_DateNumber(F(day)) - _DateNumber(F("person__birth_date"))
    ).filter(age_number__gte=160000, person__retirement_date__gt=F(day))
    if still_on is not None:
        queryset = queryset.filter(person__retirement_date__gt=Value(still_on))
    return queryset


UNEMPLOYMENT_COUNTS = ["new_unemployed", "unemployed_at_end", "reemployed"]


def _unemployment_conditions(first: datetime.date, last: datetime.date) -> dict:
    """{name: condition} of the figures counted from the unemployment
    registrations of people of working age when they registered."""
    return {
        "new_unemployed": Q(registered_on__gte=first, registered_on__lte=last),
        # UnemploymentRegistration.objects.registered_on(last), still of working age.
        "unemployed_at_end": Q(registered_on__lte=last)
        & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=last))
        & Q(person__retirement_date__gt=last),
        "reemployed": Q(
            cancelled_on__gte=first,
            cancelled_on__lte=last,
            registered_on__isnull=False,
            cancellation_reason__counts_as_reemployment=True,
        ),
    }


def _figures(first: datetime.date, last: datetime.date) -> dict:
    """{name: (queryset, people)}: one queryset per figure, each with org_unit;
    people is True when the figure counts distinct people, not rows."""
    employment = _working_age(EmploymentRegistration.objects.all(), "start_date")
    starts = employment.filter(start_date__gte=first, start_date__lte=last)
    earlier_job = EmploymentRegistration.objects.filter(
        person_id=OuterRef("person_id"),
        end_date__lt=OuterRef("start_date"),
        end_date__gte=OuterRef("start_date") - datetime.timedelta(days=JOB_CHANGE_DAYS),
    ).exclude(pk=OuterRef("pk"))
    recognised = DifficultyRecognition.objects.filter(
        person_id=OuterRef("person_id"), approved_on__lte=OuterRef("start_date")
    ).filter(Q(exited_on__isnull=True) | Q(exited_on__gt=OuterRef("start_date")))
    unemployment = _working_age(UnemploymentRegistration.objects.all(), "registered_on")
    conditions = _unemployment_conditions(first, last)
    return {
        "new_unemployed": (unemployment.filter(conditions["new_unemployed"]), False),
        "unemployed_at_end": (
            unemployment.filter(conditions["unemployed_at_end"]),
            False,
        ),
        # Periods of one person never overlap, so rows in force are people.
        "employed_at_end": (
            _working_age(
                EmploymentRegistration.objects.current(last),
                "start_date",
                still_on=last,
            ),
            False,
        ),
        "reemployed": (unemployment.filter(conditions["reemployed"]), True),
        "difficulty_employed": (starts.filter(Exists(recognised)), True),
        "new_employment": (starts.exclude(Exists(earlier_job)), True),
    }


def counts(unit: OrgUnit, first: datetime.date, last: datetime.date) -> dict[str, int]:
    """The counts above for one unit between two days inclusive."""
    in_unit = Q(org_unit__code__startswith=unit.descendant_prefix)
    return {
        name: queryset.filter(in_unit).aggregate(
            n=Count("person_id", distinct=True) if people else Count("pk")
        )["n"]
        for name, (queryset, people) in _figures(first, last).items()
    }


def _distinct_people(queryset, lengths) -> list[tuple[str, int]]:
    """[(code prefix, distinct people)] for every prefix length, in one scan of
    the rows (a grouping set per length) rather than one query per length."""
    names = [f"prefix_{length}" for length in lengths]
    # No ordering: the rows are grouped, a sort by the model's order is wasted.
    rows = (
        queryset.order_by()
        .annotate(
            **{
                name: Left("org_unit__code", length)
                for name, length in zip(names, lengths, strict=True)
            }
        )
        .values_list("person_id", *names)
    )
    sql, params = rows.query.sql_with_params()
    flags = ", ".join(f"GROUPING({name})" for name in names)
    sets = ", ".join(f"({name})" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {", ".join(names)}, count(DISTINCT person_id), {flags}
                FROM ({sql}) AS rows GROUP BY GROUPING SETS ({sets})""",
            params,
        )
        found = []
        for row in cursor.fetchall():
            prefixes, count, grouped = (
                row[: len(names)],
                row[len(names)],
                row[-len(names) :],
            )
            found.append((prefixes[grouped.index(0)], count))
        return found


def counts_by_unit(
    first: datetime.date, last: datetime.date, lengths=(4, 6, 9)
) -> dict[str, dict[str, int]]:
    """The same counts for every unit at once, keyed by code prefix (the city,
    its districts and streets by default), in a few grouped queries instead of
    some per unit."""
    result: dict[str, dict[str, int]] = {}

    def add(prefix, name, count):
        figures = result.setdefault(prefix, {})
        figures[name] = figures.get(name, 0) + count

    longest = max(lengths)
    figures = _figures(first, last)
    for prefix, name, count in _unemployment_counts(first, last, lengths):
        add(prefix, name, count)
    for name in UNEMPLOYMENT_COUNTS:
        del figures[name]
    if longest <= STREET_LENGTH:
        del figures["employed_at_end"]
        for street, count in employed_by_street(last).items():
            for length in lengths:
                add(street[:length], "employed_at_end", count)
    for name, (queryset, people) in figures.items():
        if people:  # distinct people are not additive: each level apart
            for prefix, count in _distinct_people(queryset, lengths):
                add(prefix, name, count)
            continue
        rows = (  # rows are additive: count the smallest units, then add up
            queryset.annotate(prefix=Left("org_unit__code", longest))
            .values("prefix")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            for length in lengths:
                add(row["prefix"][:length], name, row["n"])
    return result


def _unemployment_counts(
    first: datetime.date, last: datetime.date, lengths
) -> list[tuple[str, str, int]]:
    """[(code prefix, name, count)] of the figures counted from unemployment
    registrations, all in one scan that joins each registration to its person once
    (three scans joined the 5 million people of a city three times).
    The rows are additive: counted per longest prefix and added up, as
    counts_by_unit counts them; reemployed counts distinct people at each level."""
    conditions = _unemployment_conditions(first, last)
    names = [f"prefix_{length}" for length in lengths]
    rows = (
        _working_age(UnemploymentRegistration.objects.order_by(), "registered_on")
        .filter(reduce(operator.or_, conditions.values()))
        .annotate(
            **{
                f"is_{name}": ExpressionWrapper(condition, BooleanField())
                for name, condition in conditions.items()
            },
            **{
                name: Left("org_unit__code", length)
                for name, length in zip(names, lengths, strict=True)
            },
        )
        .values_list("person_id", *(f"is_{name}" for name in conditions), *names)
    )
    sql, params = rows.query.sql_with_params()
    flags = ", ".join(f"GROUPING({name})" for name in names)
    sets = ", ".join(f"({name})" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {", ".join(names)},
                    count(*) FILTER (WHERE is_new_unemployed),
                    count(*) FILTER (WHERE is_unemployed_at_end),
                    count(DISTINCT person_id) FILTER (WHERE is_reemployed), {flags}
                FROM ({sql}) AS rows GROUP BY GROUPING SETS ({sets})""",
            params,
        )
        rows = cursor.fetchall()
    found = []
    longest = names.index(f"prefix_{max(lengths)}")
    for row in rows:
        prefixes, counts, grouped = (
            row[: len(names)],
            row[len(names) : len(names) + 3],
            row[len(names) + 3 :],
        )
        level = grouped.index(0)
        prefix = prefixes[level]
        # Only what some row counts, as the separate scans found it.
        if counts[2]:
            found.append((prefix, "reemployed", counts[2]))
        if level == longest:
            for name, count in zip(UNEMPLOYMENT_COUNTS[:2], counts, strict=False):
                if count:
                    found += [(prefix[:length], name, count) for length in lengths]
    return found


def employed_by_street(day: datetime.date) -> dict[str, int]:
    """{street code: people in work at the end of `day`}, the employed_at_end of
    _figures per street, from the changes the database keeps per street and day
    (registration/models/employed_changes.py) instead of every registration."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT street, sum(change) FROM registration_employedchange
               WHERE day <= %s GROUP BY street HAVING sum(change) <> 0""",
            [day],
        )
        return {street: int(count) for street, count in cursor.fetchall()}


def stuck_imports(before: datetime.datetime) -> dict[str, dict]:
    """Insurance imports unfinished although queued or first started before
    `before`, for /healthz (STUCK_WORK): their task was lost, or retries keep dying."""
    stuck = (
        InsuranceImport.objects.filter(status__in=InsuranceImport.UNFINISHED)
        .annotate(started=Coalesce("started_at", "created_at"))
        .filter(started__lt=before)
        .aggregate(count=Count("pk"), since=Min("started"))
    )
    return {"insurance_imports": stuck} if stuck["count"] else {}
