"""人力资源市场供求状况 (docs/statistics.md, "Supply and demand"): demand (people
employers seek through the portal) and seekers (people looking for work through
it), counted as valid in the period — not only new ones — for every org unit and
every breakdown of the standard tables, in one scan per side.

- Demand: the headcount of postings published on or before the last day and open
  on or after the first (a closed posting until it was closed).
- Seekers: people whose resume was created on or before the last day and kept up
  to date — valid until the end of the month after next after its last change
  (Japan's 有効求職 rule, docs/statistics.md, "Supply and demand") — or who were
  registered as unemployed at some time in the period; each person once.
"""

from django.conf import settings
from django.db import connection

from stats.periods import Period

# Breakdowns of the standard tables and the side(s) that have them.
DEMAND_DIMENSIONS = ["sector", "industry", "ownership", "occupation", "sex", "age",
                     "education", "skill", "salary", "occupation_name"]  # fmt: skip
SEEKER_DIMENSIONS = ["occupation", "seeker_category", "sex", "age", "education",
                     "skill", "salary"]  # fmt: skip
UNIT_PREFIXES = {"city": 4, "district": 6, "street": 9}
STREET = UNIT_PREFIXES["street"]

SALARY_BAND = """CASE WHEN {column} IS NULL THEN 'negotiable'
    WHEN {column} < 3000 THEN 'below_3000' WHEN {column} < 5000 THEN '3000_4999'
    WHEN {column} < 8000 THEN '5000_7999' ELSE '8000_plus' END"""

EDUCATION_BAND = """CASE {column}
    WHEN 'none' THEN 'junior_or_below' WHEN 'primary' THEN 'junior_or_below'
    WHEN 'junior' THEN 'junior_or_below' WHEN 'senior' THEN 'senior'
    WHEN 'vocational' THEN 'senior' WHEN 'college' THEN 'college'
    WHEN 'bachelor' THEN 'bachelor' WHEN 'master' THEN 'master_or_above'
    WHEN 'doctorate' THEN 'master_or_above' ELSE {otherwise} END"""

INDUSTRY = "coalesce(nullif(p.industry, ''), nullif(e.industry, ''))"

DEMAND_SQL = f"""
SELECT u.code, p.headcount AS measure,
    CASE WHEN {INDUSTRY} IS NULL THEN 'unknown' WHEN {INDUSTRY} = 'A' THEN '1'
         WHEN {INDUSTRY} IN ('B', 'C', 'D', 'E') THEN '2' ELSE '3' END AS sector,
    coalesce({INDUSTRY}, 'unknown') AS industry,
    coalesce(nullif(e.ownership, ''), 'unknown') AS ownership,
    p.occupation_group AS occupation,
    NULL::text AS seeker_category,
    'any' AS sex, 'any' AS age,
    {EDUCATION_BAND.format(column="p.education", otherwise="'any'")} AS education,
    'any' AS skill,
    {SALARY_BAND.format(column="p.salary_min")} AS salary,
    left(trim(p.occupation_name), 100) AS occupation_name
FROM jobs_jobposting p
JOIN portal_employer e ON e.id = p.employer_id
JOIN portal_orgunit u ON u.id = p.org_unit_id
WHERE p.status IN ('published', 'paused', 'closed', 'expired')
  AND (p.published_at AT TIME ZONE %(tz)s)::date <= %(last)s
  AND p.valid_until >= %(first)s
  AND NOT (p.status = 'closed' AND (p.updated_at AT TIME ZONE %(tz)s)::date < %(first)s)
"""

REGISTERED_IN_PERIOD = """
    ur.person_id = pe.id AND ur.registered_on IS NOT NULL
    AND ur.registered_on <= %(last)s
    AND (ur.cancelled_on IS NULL OR ur.cancelled_on >= %(first)s)"""

SEEKING = """(
    SELECT r.person_id FROM jobs_resume r
    WHERE (r.created_at AT TIME ZONE %(tz)s)::date <= %(last)s
      AND (date_trunc('month', r.updated_at AT TIME ZONE %(tz)s)
           + interval '3 months' - interval '1 day')::date >= %(first)s
    UNION
    SELECT ur.person_id FROM registration_unemploymentregistration ur
    WHERE ur.registered_on IS NOT NULL AND ur.registered_on <= %(last)s
      AND (ur.cancelled_on IS NULL OR ur.cancelled_on >= %(first)s)
) AS seeking
JOIN portal_person pe ON pe.id = seeking.person_id
JOIN portal_orgunit u ON u.id = pe.residence_id
LEFT JOIN jobs_resume r ON r.person_id = pe.id
"""

SEEKER_SQL = f"""
SELECT u.code, 1 AS measure,
    NULL::text AS sector, NULL::text AS industry, NULL::text AS ownership,
    coalesce(r.intended_occupation_groups[1], 'none') AS occupation,
    CASE
      WHEN EXISTS (SELECT 1 FROM graduates_graduate g WHERE g.person_id = pe.id
                   AND g.graduation_year = %(year)s) THEN 'graduate'
      WHEN EXISTS (SELECT 1 FROM registration_unemploymentregistration ur
                   WHERE {REGISTERED_IN_PERIOD} AND ur.cause = 'lost_job')
        THEN 'lost_job'
      WHEN EXISTS (SELECT 1 FROM registration_unemploymentregistration ur
                   WHERE {REGISTERED_IN_PERIOD}) THEN 'other_unemployed'
      WHEN EXISTS (SELECT 1 FROM registration_employmentregistration er
                   WHERE er.person_id = pe.id AND er.start_date <= %(last)s
                   AND (er.end_date IS NULL OR er.end_date >= %(last)s))
        THEN 'employed'
      WHEN date_part('year', age(%(last)s, pe.birth_date)) < 25 THEN 'youth'
      ELSE 'other' END AS seeker_category,
    pe.sex AS sex,
    CASE WHEN date_part('year', age(%(last)s, pe.birth_date)) < 25 THEN '16-24'
         WHEN date_part('year', age(%(last)s, pe.birth_date)) < 35 THEN '25-34'
         WHEN date_part('year', age(%(last)s, pe.birth_date)) < 45 THEN '35-44'
         ELSE '45+' END AS age,
    {EDUCATION_BAND.format(column="pe.education", otherwise="'unknown'")} AS education,
    coalesce((
        SELECT min(CASE a.level WHEN '一级' THEN '1' WHEN '二级' THEN '2'
                   WHEN '三级' THEN '3' WHEN '四级' THEN '4' WHEN '五级' THEN '5' END)
        FROM subsidies_application a
        WHERE a.person_id = pe.id AND a.occupation <> ''
          AND a.status IN ('approved', 'paid')
    ), 'none') AS skill,
    {SALARY_BAND.format(column="r.expected_salary_min")} AS salary
FROM {SEEKING}"""


# Seekers by the occupations they name (several per person), for the largest gaps.
SEEKER_NAMES_SQL = f"""
SELECT DISTINCT u.code, pe.id, 1 AS measure, left(wanted, 100) AS occupation_name
FROM {SEEKING}
CROSS JOIN LATERAL regexp_split_to_table(
    r.intended_occupations, '[[:space:],，、;；/]+') AS wanted
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
    """Street figures added up into their districts and the city."""
    result: dict = {}
    for (prefix, dimension, category), value in figures.items():
        for length in UNIT_PREFIXES.values():
            key = (prefix[:length], dimension, category)
            result[key] = result.get(key, 0) + value
    return result


def _run(rows_sql: str, dimensions: list[str], period: Period) -> dict:
    """{(unit prefix, dimension, category): value}; dimension "" is the total."""
    params = {
        "first": period.start,
        "last": period.end,
        "year": period.end.year,
        "tz": settings.TIME_ZONE,
    }
    figures = {}
    with connection.cursor() as cursor:
        cursor.execute(_grouping_sql(rows_sql, dimensions), params)
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
    for every city, district and street prefix with any figure."""
    seekers = _run(SEEKER_SQL, SEEKER_DIMENSIONS, period)
    by_name = _run(SEEKER_NAMES_SQL, ["occupation_name"], period)
    # A person naming three occupations counts once in the totals above.
    seekers.update({key: value for key, value in by_name.items() if key[1]})
    return {"demand": _run(DEMAND_SQL, DEMAND_DIMENSIONS, period), "seekers": seekers}
