"""人力资源市场供求状况 (docs/statistics.md, "Supply and demand"): demand (people
employers seek through the portal) and seekers (people looking for work through
it), counted as valid in the period — not only new ones — for every org unit and
every breakdown of the standard tables, in one scan per side.

Both sides read the intervals the jobs services write when a posting opens or
stops and when a resume is saved (jobs/models/history.py), never the postings' or
resumes' rows as they are today, so a past period's figures do not move when a
posting or resume changes afterwards.

- Demand: the headcount of every posting open on some day of the period, from its
  latest interval in the period, with the attributes it had then.
- Seekers: people whose resume counted on some day of the period — until the end
  of the month after next after its last change (Japan's 有効求職 rule,
  docs/statistics.md, "Supply and demand") — from its latest interval in the
  period, or who were registered as unemployed at some time in the period; each
  person once.
"""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model

from graduates.models import Graduate
from jobs.models import PostingInterval, ResumeInterval
from portal.models import Employer, OrgUnit, Person
from registration.models import EmploymentRegistration, UnemploymentRegistration
from stats.periods import Period
from subsidies.models import SKILL_LEVELS, Application

# Breakdowns of the standard tables and the side(s) that have them.
DEMAND_DIMENSIONS = [
    "sector",
    "industry",
    "ownership",
    "occupation",
    "sex",
    "age",
    "education",
    "skill",
    "salary",
    "occupation_name",
]
SEEKER_DIMENSIONS = [
    "occupation",
    "seeker_category",
    "sex",
    "age",
    "education",
    "skill",
    "salary",
]
UNIT_PREFIXES = {"province": 2, "city": 4, "district": 6, "street": 9}
STREET = UNIT_PREFIXES["street"]

Industry, Education = Employer.Industry, Person.Education
# The industries of the primary and secondary sectors; the others are tertiary.
PRIMARY_INDUSTRIES = [Industry.A]
SECONDARY_INDUSTRIES = [Industry.B, Industry.C, Industry.D, Industry.E]
EDUCATION_BANDS = {
    "junior_or_below": [Education.NONE, Education.PRIMARY, Education.JUNIOR],
    "senior": [Education.SENIOR, Education.VOCATIONAL],
    "college": [Education.COLLEGE],
    "bachelor": [Education.BACHELOR],
    "master_or_above": [Education.MASTER, Education.DOCTORATE],
}


class Table:
    """A model's table under an alias in raw SQL, with the names the model gives,
    quoted: f"{p}" is the table and alias, f"{p.status}" is `p."status"`."""

    def __init__(self, model: type[Model], alias: str):
        self.model, self.alias = model, alias

    def __str__(self) -> str:
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def __getattr__(self, field: str) -> str:
        if field.startswith("_"):
            raise AttributeError(field)
        column = self.model._meta.get_field(field).column
        return f"{self.alias}.{connection.ops.quote_name(column)}"


def query_params(period: Period) -> dict:
    """The period, and the registries' coded values the queries compare with, from
    the models (a status renamed there cannot silently zero a figure)."""
    return {
        "first": period.start,
        "last": period.end,
        "year": period.end.year,
        "tz": settings.TIME_ZONE,
        "lost_job": UnemploymentRegistration.Cause.LOST_JOB,
        "new_entrant": UnemploymentRegistration.Cause.LEFT_SCHOOL,
        "rural": Person.HukouType.RURAL,
        "city_level": OrgUnit.Level.CITY,
        "subsidy_granted": Application.GRANTED_STATUSES,
        # From the highest (一级) down: a level's position is its number.
        "skill_levels": SKILL_LEVELS[::-1],
        "primary_industries": PRIMARY_INDUSTRIES,
        "secondary_industries": SECONDARY_INDUSTRIES,
        **{f"education_{band}": codes for band, codes in EDUCATION_BANDS.items()},
    }


def _salary_band(column: str) -> str:
    return f"""CASE WHEN {column} IS NULL THEN 'negotiable'
    WHEN {column} < 3000 THEN 'below_3000' WHEN {column} < 5000 THEN '3000_4999'
    WHEN {column} < 8000 THEN '5000_7999' ELSE '8000_plus' END"""


def _education_band(column: str, otherwise: str) -> str:
    bands = " ".join(
        f"WHEN {column} = ANY(%(education_{band})s) THEN '{band}'"
        for band in EDUCATION_BANDS
    )
    return f"CASE {bands} ELSE '{otherwise}' END"


def _latest(interval: Table, owner: str) -> str:
    """Each owner's latest interval that overlaps the period, under the alias of
    the interval table, so `interval.<field>` reads it."""
    return f"""(
    SELECT DISTINCT ON ({owner}) {interval.alias}.* FROM {interval}
    WHERE {interval.starts_on} <= %(last)s AND {interval.ends_on} >= %(first)s
    ORDER BY {owner}, {interval.starts_on} DESC, {interval.id} DESC
) AS {interval.alias}"""


def demand_sql() -> str:
    i, u = Table(PostingInterval, "i"), Table(OrgUnit, "u")
    return f"""
SELECT {u.code}, {i.headcount} AS measure,
    CASE WHEN {i.industry} = '' THEN 'unknown'
         WHEN {i.industry} = ANY(%(primary_industries)s) THEN '1'
         WHEN {i.industry} = ANY(%(secondary_industries)s) THEN '2' ELSE '3' END
      AS sector,
    coalesce(nullif({i.industry}, ''), 'unknown') AS industry,
    coalesce(nullif({i.ownership}, ''), 'unknown') AS ownership,
    {i.occupation_group} AS occupation,
    NULL::text AS seeker_category,
    'any' AS sex, 'any' AS age,
    {_education_band(i.education, "any")} AS education,
    'any' AS skill,
    {_salary_band(i.salary_min)} AS salary,
    left(trim({i.occupation_name}), 100) AS occupation_name
FROM {_latest(i, i.posting_id)}
JOIN {u} ON {u.id} = {i.org_unit_id}
"""


def _age(pe: Table) -> str:
    return f"date_part('year', age(%(last)s, {pe.birth_date}))"


def _registered_in_period(ur: Table) -> str:
    return f"""{ur.registered_on} IS NOT NULL AND {ur.registered_on} <= %(last)s
      AND ({ur.cancelled_on} IS NULL OR {ur.cancelled_on} >= %(first)s)"""


# The period's seekers, each once, made by seeking_sql() for the two seeker
# queries of supply_and_demand() and dropped after them. A table rather than a
# subquery: the planner then knows how many people it holds (it guessed 200 for
# the deduplicated subquery, ~400,000 in a year at city scale, and looked up each
# person and their registrations one at a time), and it is made once, not twice.
SEEKING = "stats_seeking"


def seeking_sql() -> str:
    """The people seeking work in the period, each once, with their latest resume
    interval in the period (for the registered unemployed without one, their
    latest registration, with an id below every interval's and no resume
    attributes) and the code of the unit they lived in then: the interval's,
    else the one they registered in — both fixed when written, so a move today
    leaves past months alone."""
    ri, ur = Table(ResumeInterval, "ri"), Table(UnemploymentRegistration, "ur")
    s, u = Table(ResumeInterval, "s"), Table(OrgUnit, "u")
    return f"""
    SELECT {s.alias}.*, {u.code} FROM (
    SELECT DISTINCT ON ({ri.person_id}) {ri.person_id}, {ri.org_unit_id},
        {ri.occupation_group}, {ri.occupations}, {ri.expected_salary_min}
    FROM (
        SELECT {ri.person_id}, {ri.org_unit_id}, {ri.occupation_group},
            {ri.occupations}, {ri.expected_salary_min}, {ri.starts_on}, {ri.id}
        FROM {_latest(ri, ri.resume_id)}
        UNION ALL
        SELECT {ur.person_id}, {ur.org_unit_id}, NULL, NULL, NULL, NULL,
            {ur.id} - 9223372036854775807 FROM {ur}
        WHERE {_registered_in_period(ur)}
    ) AS {ri.alias}
    ORDER BY {ri.person_id}, {ri.starts_on} DESC NULLS LAST, {ri.id} DESC
    ) AS {s.alias} JOIN {u} ON {u.id} = {s.org_unit_id}
"""


def _seeking() -> str:
    """The seekers (ri: the columns of seeking_sql()); their unit's code is
    Table(OrgUnit, "ri").code."""
    return f"{SEEKING} AS {Table(ResumeInterval, 'ri').alias}"


def _latest_registration() -> str:
    """Each person's latest unemployment registration in the period (lu), one
    scan of the registrations joined to the seekers."""
    ur = Table(UnemploymentRegistration, "ur")
    lu = Table(UnemploymentRegistration, "lu")
    return f"""(
    SELECT DISTINCT ON ({ur.person_id}) {ur.person_id}, {ur.cause} FROM {ur}
    WHERE {_registered_in_period(ur)}
    ORDER BY {ur.person_id}, {ur.registered_on} DESC, {ur.id} DESC
) AS {lu.alias}"""


def _seeker_category(pe: Table) -> str:
    """求职人员类别, one per person, in this order of precedence
    (docs/statistics.md, "Seeker categories"): the cause of their latest
    unemployment registration in the period (lu, _latest_registration()); in
    work; retired; student; then by hukou: from elsewhere, rural residents of the
    city, other unemployed."""
    g, er = Table(Graduate, "g"), Table(EmploymentRegistration, "er")
    lu, c = Table(UnemploymentRegistration, "lu"), Table(OrgUnit, "c")
    cause = lu.cause
    graduating = f"""EXISTS (SELECT 1 FROM {g} WHERE {g.person_id} = {pe.id}
        AND {g.graduation_year} = %(year)s)"""
    # The hukou place names the city; when it was not recorded, the ID number's
    # first four digits (where it was issued) stand for it. The cities are read
    # once per query (uncorrelated subqueries), not once per seeker.
    cities = f"FROM {c} WHERE {c.level} = %(city_level)s"
    local = f"""CASE WHEN trim({pe.hukou_place}) = ''
        THEN left({pe.id_number}, 4) = ANY(ARRAY(SELECT left({c.code}, 4) {cities}))
        ELSE EXISTS (SELECT 1 FROM unnest(ARRAY(SELECT rtrim({c.name}, '市') {cities}))
                     AS city(name) WHERE strpos({pe.hukou_place}, city.name) > 0) END"""
    new_entrant = f"CASE WHEN {graduating} THEN 'graduate' ELSE 'youth' END"
    return f"""CASE coalesce({cause}, '')
      WHEN %(new_entrant)s THEN {new_entrant}
      WHEN %(lost_job)s THEN 'lost_job'
      WHEN '' THEN CASE
        WHEN EXISTS (SELECT 1 FROM {er}
                     WHERE {er.person_id} = {pe.id} AND {er.start_date} <= %(last)s
                     AND ({er.end_date} IS NULL OR {er.end_date} >= %(last)s))
          THEN 'employed'
        WHEN {pe.retirement_date} <= %(last)s THEN 'retired'
        WHEN {pe.id} IN (SELECT {g.person_id} FROM {g}
                         WHERE {g.graduation_year} > %(year)s) THEN 'student'
        WHEN NOT {local} THEN 'non_local'
        WHEN {pe.hukou_type} = %(rural)s THEN 'rural'
        WHEN {graduating} THEN 'graduate'
        ELSE 'other_unemployed' END
      ELSE 'other_unemployed' END"""


def _skill(pe: Table) -> str:
    """The highest skill level of the person's granted certificate subsidies."""
    a = Table(Application, "a")
    return f"""coalesce((
        SELECT min(array_position(%(skill_levels)s::text[], {a.level}))::text
        FROM {a}
        WHERE {a.person_id} = {pe.id} AND {a.occupation} <> ''
          AND {a.status} = ANY(%(subsidy_granted)s)
    ), 'none')"""


def seeker_sql() -> str:
    pe, ri = Table(Person, "pe"), Table(ResumeInterval, "ri")
    u, lu = Table(OrgUnit, "ri"), Table(UnemploymentRegistration, "lu")
    age = _age(pe)
    return f"""
SELECT {u.code}, 1 AS measure,
    NULL::text AS sector, NULL::text AS industry, NULL::text AS ownership,
    coalesce(nullif({ri.occupation_group}, ''), 'none') AS occupation,
    {_seeker_category(pe)} AS seeker_category,
    {pe.sex} AS sex,
    CASE WHEN {age} < 25 THEN '16-24' WHEN {age} < 35 THEN '25-34'
         WHEN {age} < 45 THEN '35-44' ELSE '45+' END AS age,
    {_education_band(pe.education, "unknown")} AS education,
    {_skill(pe)} AS skill,
    {_salary_band(ri.expected_salary_min)} AS salary
FROM {_seeking()}
JOIN {pe} ON {pe.id} = {ri.person_id}
LEFT JOIN {_latest_registration()} ON {lu.person_id} = {pe.id}"""


def seeker_names_sql() -> str:
    """Seekers by the occupations they name (several per person), for the
    largest gaps."""
    ri, u = Table(ResumeInterval, "ri"), Table(OrgUnit, "ri")
    return f"""
SELECT DISTINCT {u.code}, {ri.person_id}, 1 AS measure,
    left(wanted, 100) AS occupation_name
FROM {_seeking()}
CROSS JOIN LATERAL regexp_split_to_table(
    {ri.occupations}, '[[:space:],，、;；/]+') AS wanted
WHERE wanted <> ''
"""


def _grouping_sql(rows_sql: str, dimensions: list[str]) -> str:
    """Totals and one grouping per breakdown, per street prefix (every row
    belongs to one unit, so districts and the city are sums: see _roll_up)."""
    sets = ["(unit)", *(f"(unit, {dimension})" for dimension in dimensions)]
    flags = ", ".join(f"GROUPING({dimension})" for dimension in dimensions)
    return f"""
        WITH rows AS (SELECT *, left(code, {STREET}) AS unit FROM ({rows_sql}) AS base)
        SELECT unit, {", ".join(dimensions)}, sum(measure), {flags}
        FROM rows GROUP BY GROUPING SETS ({", ".join(sets)})
    """


def _roll_up(figures: dict) -> dict:
    """Street figures added up into their districts, cities and the province."""
    result: dict = {}
    for (prefix, dimension, category), value in figures.items():
        for length in UNIT_PREFIXES.values():
            key = (prefix[:length], dimension, category)
            result[key] = result.get(key, 0) + value
    return result


def _run(rows_sql: str, dimensions: list[str], period: Period) -> dict:
    """{(unit prefix, dimension, category): value}; dimension "" is the total."""
    figures = {}
    with connection.cursor() as cursor:
        cursor.execute(_grouping_sql(rows_sql, dimensions), query_params(period))
        for unit, *row in cursor.fetchall():
            values, value, flags = (
                row[: len(dimensions)],
                row[len(dimensions)],
                row[len(dimensions) + 1 :],
            )
            grouped = [index for index, flag in enumerate(flags) if flag == 0]
            if grouped:
                index = grouped[0]
                figures[(unit, dimensions[index], values[index])] = value
            else:
                figures[(unit, "", "")] = value
    return _roll_up(figures)


def supply_and_demand(period: Period) -> dict[str, dict]:
    """{"demand": {(unit prefix, dimension, category): value}, "seekers": {...}}
    for every province, city, district and street prefix with any figure."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {SEEKING} ON COMMIT DROP AS {seeking_sql()}",
            query_params(period),
        )
        cursor.execute(f"ANALYZE {SEEKING}")
        seekers = _run(seeker_sql(), SEEKER_DIMENSIONS, period)
        by_name = _run(seeker_names_sql(), ["occupation_name"], period)
        cursor.execute(f"DROP TABLE {SEEKING}")
    # A person naming three occupations counts once in the totals above.
    seekers.update({key: value for key, value in by_name.items() if key[1]})
    return {"demand": _run(demand_sql(), DEMAND_DIMENSIONS, period), "seekers": seekers}
