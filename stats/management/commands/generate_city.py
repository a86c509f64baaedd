"""A Foshan-scale data set for the statistics benchmark (bench/stats.py), written
set-based inside PostgreSQL (INSERT … SELECT over generate_series), not row by row:

    manage.py generate_city [--scale 1.0] [--cities 1]

At scale 1: 5,000,000 people, 80,000 employers, 3,300,000 employment registrations,
500,000 unemployment registrations, 600,000 postings over two years (300,000 a
year), 500,000 resumes, 432 fairs, 40,000 subsidy applications (about half paid),
with the history the figures read: the days each posting was published and each
resume valid (jobs/models/history.py), and the employed population (城镇从业人员)
of the city, its districts and streets for the last three years.

The proportions are those of a public employment office: postings and resumes
peak after the Spring Festival, seekers and unemployment registrations also at
graduation; unemployment registrations last about five months, so the registered
unemployment rate stays near 2.5 % and the ratio of vacancies to job seekers
between 1 and 2; employments started over twenty years, so about 14,000 a month
are new. The command ends with a summary of the last 12 months.

With --cities N (a province, 20 × Foshan being about Guangdong), the city seed_demo
made is moved under the province 广东省 (440000000000) and N − 1 more cities are
added with real Guangdong city codes (GB/T 2260); their districts, streets and
communities copy the first city's lower digits, which keeps every code a valid
12-digit division code of its city (not the official table: benchmark data). Every
count above is then per city: people, employers and the rest spread over all the
districts as they do over one city's.

Runs once per database (generated rows are marked); needs the org units and the
catalogue of seed_demo. ID numbers and credit codes carry correct check digits.
"""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from jobs.services.listings import rebuild_listings
from portal.models import OrgUnit, Person, User
from stats.periods import MONTH, Period

MARK = "（生成数据）"

PROVINCE = ("440000000000", "广东省")
# Guangdong's other prefecture-level cities (GB/T 2260), the largest first.
OTHER_CITIES = [
    ("4401", "广州市"),
    ("4403", "深圳市"),
    ("4419", "东莞市"),
    ("4413", "惠州市"),
    ("4420", "中山市"),
    ("4407", "江门市"),
    ("4404", "珠海市"),
    ("4412", "肇庆市"),
    ("4405", "汕头市"),
    ("4452", "揭阳市"),
    ("4408", "湛江市"),
    ("4409", "茂名市"),
    ("4418", "清远市"),
    ("4402", "韶关市"),
    ("4414", "梅州市"),
    ("4417", "阳江市"),
    ("4416", "河源市"),
    ("4451", "潮州市"),
    ("4415", "汕尾市"),
    ("4453", "云浮市"),
]

# The check digit of an ID number (GB 11643), as one expression PostgreSQL inlines:
# a sum over unnest() costs a subquery per person.
RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RIC_SUM = " + ".join(
    f"substr(body, {place}, 1)::int * {weight}"
    for place, weight in enumerate(RIC_WEIGHTS, 1)
)
FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION pg_temp.ric_check(body text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('10X98765432', ({RIC_SUM}) % 11 + 1, 1)
$$;
CREATE OR REPLACE FUNCTION pg_temp.uscc_check(body text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
                ((31 - sum(substr(body, i::int, 1)::int * w) % 31) % 31)::int + 1, 1)
  FROM unnest(ARRAY[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28])
       WITH ORDINALITY AS t(w, i)
$$;
"""

UNITS = """
CREATE TEMP TABLE gen_district AS
  SELECT (row_number() OVER (ORDER BY code) - 1)::int AS d, id, left(code, 6) AS area
  FROM portal_orgunit WHERE level = 'district';
CREATE TEMP TABLE gen_community AS
  SELECT g.d, (row_number() OVER (PARTITION BY g.d ORDER BY c.code) - 1)::int AS n,
         c.id
  FROM portal_orgunit c JOIN gen_district g ON left(c.code, 6) = g.area
  WHERE c.level = 'community';
CREATE TEMP TABLE gen_street AS
  SELECT (row_number() OVER (ORDER BY s.code) - 1)::int AS n, s.id,
         left(s.code, 6) AS area
  FROM portal_orgunit s WHERE s.level = 'street';
"""

# Weights of the calendar months, January first: employers hire most after the Spring
# Festival (February, March); people look for work then too, and at graduation.
DEMAND_SEASON = [80, 125, 145, 115, 100, 90, 90, 90, 100, 90, 90, 80]
SEEKER_SEASON = [70, 130, 140, 100, 90, 120, 150, 110, 90, 80, 80, 70]

# {table}(k, day) for k in 0..9999: the days of the last `days` days, each with as
# many k as its month's weight gives it. Row n picks its day by
# k = (n % 10000) * 7919 % 10000, which spreads consecutive rows over all the days.
SEASON = """
CREATE TEMP TABLE {table} AS
WITH days AS (
  SELECT day::date, (%(weights)s::int[])[extract(month FROM day)::int] AS weight
  FROM generate_series(%(today)s::date - %(days)s, %(today)s::date, interval '1 day')
    AS day
), shares AS (
  SELECT day, weight, sum(weight) OVER (ORDER BY day) AS upto,
    sum(weight) OVER () AS total
  FROM days
)
SELECT generate_series(ceil((upto - weight) * 10000.0 / total)::int,
                       ceil(upto * 10000.0 / total)::int - 1) AS k, day
FROM shares;
CREATE UNIQUE INDEX ON {table} (k);
"""

PEOPLE = """
WITH counts AS (SELECT d, count(*) AS c FROM gen_community GROUP BY d),
-- Per district, person q is born on day (q mod 17000) * 10507 mod 17000 after
-- 1961-01-01 (every day once in 17000 people; 10507 / 17000 is near the golden
-- ratio, so even a few people are born over all the years) with sequence number
-- (q / 17000 + that day) mod 1000, unique for the day and odd for every other q: as
-- many men as women. Materialised: the inlined check digit reads the body 17 times.
numbers AS MATERIALIZED (
  SELECT i, d, q, area
    || to_char(date '1961-01-01' + day, 'YYYYMMDD')
    || lpad(((q / 17000 + day) %% 1000)::text, 3, '0') AS body
  FROM (SELECT i, i %% {districts} AS d, i / {districts} AS q,
          (i / {districts}) %% 17000 * 10507 %% 17000 AS day
        FROM generate_series(0, %(count)s - 1) AS i) AS x
  JOIN gen_district g USING (d)
)
INSERT INTO portal_person (created_at, updated_at, name, id_number, phone, hukou_place,
  hukou_type, education, address, occupation_type, retirement_track, residence_id,
  user_id)
SELECT now(), now(),
  (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭',
         '何','林','罗','梁'])[1 + i %% 20]
  || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛',
            '明','超','秀','霞','平'])[1 + (i / 20) %% 20]
  || (ARRAY['华','英','玲','辉','鹏','斌','婷','宇','欣','浩'])[1 + (i / 400) %% 10],
  body || pg_temp.ric_check(body),
  '13' || lpad((i %% 1000000000)::text, 9, '0'), '',
  CASE WHEN i %% 3 = 0 THEN 'rural' ELSE 'urban' END,
  (ARRAY['junior','junior','senior','vocational','college','college','bachelor',
         'bachelor','master','primary'])[1 + q %% 10],
  %(mark)s, '',
  CASE WHEN substr(body, 17, 1)::int %% 2 = 1 THEN 'male60' ELSE 'female55' END,
  c.id, NULL
FROM numbers JOIN counts USING (d)
JOIN gen_community c ON c.d = numbers.d AND c.n = q %% counts.c
ON CONFLICT (id_number) DO NOTHING
"""

EMPLOYERS = """
INSERT INTO portal_employer (created_at, updated_at, name, uscc, industry, ownership,
  size, address, description, contact_name, contact_phone, contact_email, licence,
  verification_status, rejection_reason, verified_at, org_unit_id)
SELECT now(), now(), '佛山市生成企业' || i || '号有限公司',
  body || pg_temp.uscc_check(body),
  (ARRAY['C','C','C','F','F','E','G','H','I','L','M','O','Q','K','P'])[1 + i %% 15],
  (ARRAY['private','private','private','private','state','collective','foreign',
         'individual','institution','social'])[1 + i %% 10],
  (ARRAY['micro','small','small','medium','large'])[1 + i %% 5],
  '', '', '联系人', '0757' || lpad((i %% 10000000)::text, 8, '0'), '', '',
  'verified', '', now(), s.id
FROM (SELECT i, '91' || g.area || '0' || lpad(i::text, 8, '0') AS body, g.id AS sid
      FROM generate_series(0, %(count)s - 1) AS i
      JOIN gen_street g ON g.n = i %% (SELECT count(*) FROM gen_street)) AS x
JOIN gen_street s ON s.id = x.sid
ON CONFLICT (uscc) DO NOTHING
"""

# portal_retirement_date (portal/migrations/0012_occupation_and_retirement_date.py),
# which fills Person.retirement_date, is a SQL function PostgreSQL cannot inline (its
# body has subqueries): about 0.1 ms a call, most of the time of the people. For the
# load it is replaced by the same rule in PL/pgSQL (a few microseconds), then put
# back; RETIREMENT_CHECK compares one person of every birthday and track with the
# original afterwards.
FAST_RETIREMENT_DATE = """
CREATE OR REPLACE FUNCTION portal_retirement_date(id_number text, track text)
RETURNS date LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  base int := CASE track WHEN 'male60' THEN 60 WHEN 'female55' THEN 55
                         WHEN 'female50' THEN 50 END;
  step int := CASE track WHEN 'female50' THEN 2 ELSE 4 END;
  cap int := CASE track WHEN 'female50' THEN 60 ELSE 36 END;
  y int := substr(id_number, 7, 4)::int + base;
  mo int := substr(id_number, 11, 2)::int;
  d int := substr(id_number, 13, 2)::int;
  m int := y * 12 + mo - 1 + CASE WHEN (y - 2025) * 12 + mo < 1 THEN 0
             ELSE least(cap, ((y - 2025) * 12 + mo + step - 1) / step) END;
BEGIN
  RETURN least(make_date(m / 12, m % 12 + 1, 1) + (d - 1),
               make_date((m + 1) / 12, (m + 1) % 12 + 1, 1));
END
$$
"""
RETIREMENT_CHECK = """
SELECT count(*) FROM (
  SELECT min(id_number) AS id_number, retirement_track,
    min(retirement_date) AS first, max(retirement_date) AS last
  FROM portal_person WHERE address = %(mark)s
  GROUP BY substr(id_number, 7, 8), retirement_track
) AS one
WHERE first IS DISTINCT FROM last
   OR first IS DISTINCT FROM portal_retirement_date(id_number, retirement_track)
"""

NUMBERED = """
-- People of working age first: the ranges of n below register and seek work. Then
-- shuffled (Knuth's multiplicative hash of the id), so that no district, birth year
-- or sex goes with n %% 5, n %% 10 … which the steps below derive attributes from.
CREATE TEMP TABLE gen_person AS
  SELECT (row_number() OVER (ORDER BY retirement_date <= %(today)s,
                                      id * 2654435761 %% 4294967296) - 1)::int AS n,
         id, residence_id, birth_date, retirement_date
  FROM portal_person WHERE address = %(mark)s;
CREATE UNIQUE INDEX ON gen_person (n);
CREATE TEMP TABLE gen_employer AS
  SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id, org_unit_id, industry
  FROM portal_employer WHERE name LIKE '佛山市生成企业%%';
CREATE UNIQUE INDEX ON gen_employer (n);
"""

EMPLOYMENT = """
INSERT INTO registration_employmentregistration (created_at, updated_at, code, kind,
  source, business_name, job_title, contract_term, start_date, end_date, end_reason,
  is_late, ended_at, is_end_late, employer_id, org_unit_id, person_id)
SELECT now(), now(), gen_random_uuid(), 'employee', 'insurance', '', '',
  'open_ended', start, CASE WHEN p.n %% 5 = 0 AND start + (p.n %% 600) < %(today)s
                            THEN start + (p.n %% 600) END,
  CASE WHEN p.n %% 5 = 0 AND start + (p.n %% 600) < %(today)s THEN 'resigned'
       ELSE '' END,
  false, NULL, false, e.id, e.org_unit_id, p.id
FROM (SELECT n, id,
        greatest(%(today)s - (n * 37) %% 7300, (birth_date + interval '18 years')::date)
          AS start
      FROM gen_person WHERE n < %(count)s) AS p
JOIN gen_employer e ON e.n = p.n %% (SELECT count(*) FROM gen_employer)
"""

UNEMPLOYMENT = """
INSERT INTO registration_unemploymentregistration (created_at, updated_at, code,
  status, channel, cause, unemployed_since, last_employer, last_job, job_wishes,
  wants_training, return_reason, reviewed_at, registered_on, contact_review_due,
  cancelled_on, cancellation_note, cancellation_reason_id, org_unit_id, person_id,
  submitted_by_id)
SELECT now(), now(), gen_random_uuid(),
  CASE WHEN cancelled IS NOT NULL THEN 'cancelled' ELSE 'registered' END, 'online',
  CASE WHEN extract(month FROM registered) IN (6, 7) AND n %% 2 = 0 THEN 'left_school'
       ELSE (ARRAY['lost_job','lost_job','lost_job','business_closed','other'])
            [1 + n %% 5] END,
  registered - 10, '', '', '', false, '', now(), registered, false, cancelled, '',
  CASE WHEN cancelled IS NOT NULL THEN %(reason)s::bigint END, residence_id, id,
  %(admin)s
FROM (SELECT n, id, residence_id, registered,
        CASE WHEN registered + stay <= %(today)s THEN registered + stay END AS cancelled
      FROM (SELECT g.n, g.id, g.residence_id, s.day AS registered,
              -- 20 to 412 days, about 150 on average, a few long-term unemployed
              20 + ((g.n * 31) %% 100) * ((g.n * 31) %% 100) / 25 AS stay
            FROM gen_person g
            JOIN gen_unemployed_day s ON s.k = (g.n %% 10000) * 7919 %% 10000
            WHERE g.n >= %(first)s AND g.n < %(last)s) AS g) AS p
"""

POSTINGS = """
INSERT INTO jobs_jobposting (created_at, updated_at, title, occupation_group,
  occupation_name, industry, job_type, address, salary_min, salary_max, education,
  experience_years, headcount, description, contact_name, contact_phone, valid_until,
  status, rejection_reason, submitted_at, published_at, employer_id, org_unit_id)
SELECT published,
  CASE WHEN closed IS NOT NULL
         THEN greatest(published,
                       least(now(), (closed + time '17:00') AT TIME ZONE %(tz)s))
       WHEN renewed IS NOT NULL
         THEN least(now(), (renewed + time '09:00') AT TIME ZONE %(tz)s)
       ELSE published END,
  occupation || '（' || i || '）', grp, occupation,
  e.industry, 'full_time', '佛山市', salary, salary + 2000,
  (ARRAY['','','junior','senior','college','bachelor'])[1 + i %% 6], 0,
  (ARRAY[1,1,1,2,2,3,3,4,4,5,8,12])[1 + i %% 12],
  '岗位职责：' || occupation, '人事部', '0757-12345678',
  coalesce(renewed, day) + %(valid_days)s,
  CASE WHEN closed IS NOT NULL THEN 'closed'
       WHEN coalesce(renewed, day) + %(valid_days)s < %(today)s THEN 'expired'
       ELSE 'published' END,
  '', published, published, e.id, e.org_unit_id
FROM (SELECT i, day, published, grp, occupation, salary,
        -- a tenth closed early, a tenth renewed some days after they expired
        CASE WHEN (i / 10) %% 10 = 0 THEN least(day + (i / 100) %% 25, %(today)s) END
          AS closed,
        CASE WHEN (i / 10) %% 10 = 1
              AND day + %(valid_days)s + 1 + i %% 15 <= %(today)s
             THEN day + %(valid_days)s + 1 + i %% 15 END AS renewed
      FROM (SELECT i, s.day,
              least(now(), (s.day + time '08:00' + (i %% 600) * interval '1 minute')
                             AT TIME ZONE %(tz)s) AS published,
              (ARRAY['6','6','6','4','4','2','3','5','1','4'])[1 + i %% 10] AS grp,
              (ARRAY['普工','电工','焊工','营业员','保安员','软件工程师','行政文员',
                     '农艺工','项目经理','快递员'])[1 + i %% 10] AS occupation,
              CASE WHEN i %% 7 = 0 THEN NULL ELSE 3000 + (i %% 8) * 700 END AS salary
            FROM generate_series(0, %(count)s - 1) AS i
            JOIN gen_demand_day s ON s.k = (i %% 10000) * 7919 %% 10000) AS x) AS x
JOIN gen_employer e ON e.n = x.i %% (SELECT count(*) FROM gen_employer)
"""

# The days each generated posting was published, from its row: publication to its
# closing day, or to valid_until; a posting renewed after it expired has a second
# interval ending on its new valid_until. Only a published one is still running.
POSTING_INTERVALS = """
INSERT INTO jobs_postinginterval (posting_id, starts_on, ends_on, is_current,
  employer_id, org_unit_id, headcount, occupation_group, occupation_name, industry,
  ownership, education, salary_min)
SELECT p.id, span.starts_on, span.ends_on, span.is_current, p.employer_id,
  p.org_unit_id, p.headcount, p.occupation_group, p.occupation_name,
  coalesce(nullif(p.industry, ''), e.industry), e.ownership, p.education, p.salary_min
FROM (SELECT p.*, (p.published_at AT TIME ZONE %(tz)s)::date AS opened,
        (p.updated_at AT TIME ZONE %(tz)s)::date AS changed
      FROM jobs_jobposting p JOIN gen_employer g ON g.id = p.employer_id) AS p
JOIN portal_employer e ON e.id = p.employer_id
CROSS JOIN LATERAL (
  SELECT p.opened AS starts_on,
    CASE WHEN p.status = 'closed' THEN p.changed
         ELSE least(p.valid_until, p.opened + %(valid_days)s) END AS ends_on,
    p.status = 'published' AND p.valid_until <= p.opened + %(valid_days)s
      AS is_current
  UNION ALL
  SELECT p.valid_until - %(valid_days)s, p.valid_until, p.status = 'published'
  WHERE p.status <> 'closed' AND p.valid_until > p.opened + %(valid_days)s
) AS span
"""

RESUMES = """
INSERT INTO jobs_resume (created_at, updated_at, code, intended_occupation_groups,
  intended_occupations, job_types, expected_salary_min, expected_salary_max,
  experience_years, skills, certificates, self_introduction, is_public, person_id)
SELECT created, least(now(), created + updates * interval '30 days'),
  gen_random_uuid(), ARRAY[(ARRAY['6','4','2','3','6','4'])[1 + n %% 6]],
  (ARRAY['普工','营业员','软件工程师','行政文员','电工','快递员'])[1 + n %% 6], '{}',
  CASE WHEN n %% 6 = 0 THEN NULL ELSE 3000 + (n %% 9) * 600 END,
  NULL, n %% 10, '', '', '', n %% 2 = 0, id
FROM (SELECT g.n, g.id,
        least(now(), (s.day + time '08:00' + (g.n %% 600) * interval '1 minute')
                       AT TIME ZONE %(tz)s) AS created,
        -- a quarter update their resume monthly, one to five times so far
        CASE WHEN g.n %% 4 = 1 THEN least(1 + (g.n / 4) %% 5, (%(today)s - s.day) / 30)
             ELSE 0 END AS updates
      FROM gen_person g JOIN gen_resume_day s ON s.k = (g.n %% 10000) * 7919 %% 10000
      WHERE g.n >= %(first)s AND g.n < %(last)s) AS p
ON CONFLICT (person_id) DO NOTHING
"""

# The days each generated resume counted as a seeker's, from its row: created, then
# updated every 30 days (updated_at), valid to the end of the month after next after
# the last change. A seeker who lowered the salary asked for at each update has one
# interval per update, ending the day before the next; without a salary nothing
# counted changed and the one interval was extended.
RESUME_INTERVALS = """
INSERT INTO jobs_resumeinterval (resume_id, person_id, starts_on, ends_on, is_current,
  org_unit_id, occupation_group, occupations, expected_salary_min)
SELECT r.id, r.person_id, r.created + 30 * k,
  CASE WHEN k < r.splits THEN r.created + 30 * (k + 1) - 1 ELSE r.valid_until END,
  k = r.splits AND r.valid_until >= %(today)s, r.residence_id,
  coalesce(r.intended_occupation_groups[1], ''), left(r.intended_occupations, 100),
  r.expected_salary_min + (r.splits - k) * 200
FROM (SELECT r.*, g.residence_id, created,
        CASE WHEN r.expected_salary_min IS NULL THEN 0 ELSE (updated - created) / 30 END
          AS splits,
        (date_trunc('month', updated) + interval '3 months' - interval '1 day')::date
          AS valid_until
      FROM jobs_resume r JOIN gen_person g ON g.id = r.person_id,
        LATERAL (SELECT (r.created_at AT TIME ZONE %(tz)s)::date AS created,
                   (r.updated_at AT TIME ZONE %(tz)s)::date AS updated) AS days) AS r
CROSS JOIN LATERAL generate_series(0, r.splits) AS k
"""

FAIRS = """
INSERT INTO fairs_jobfair (created_at, updated_at, name, kind, industry, description,
  date, starts_at, ends_at, venue, address, booking_opens, booking_closes,
  cancel_deadline, checkin_starts, checkin_ends, seeker_capacity, verified_only,
  max_postings, layout, zone_labels, status, org_unit_id)
SELECT now(), now(), '生成招聘会' || i, 'general', '', '', day, '09:00', '12:00',
  '人才市场', '佛山市', day - 20, day - 2, day - 3, '08:30', '11:30', 500, false, 5,
  'AAAA', '', 'published', g.id
FROM (SELECT i, current_date - (i * 365 / %(count)s)::int AS day
      FROM generate_series(0, %(count)s - 1) AS i) AS x
JOIN gen_district g ON g.d = x.i %% (SELECT count(*) FROM gen_district)
"""

APPLICATIONS = """
INSERT INTO subsidies_application (created_at, updated_at, code, status, level,
  months, amount, statement, return_reason, org_unit_id, person_id, submitted_by_id,
  subsidy_type_id, version_id, step, certificate_number, occupation, rating_comment)
SELECT applied, applied, gen_random_uuid(),
  (ARRAY['paid','paid','paid','paid','paid','approved','in_review','in_review',
         'refused','submitted'])[1 + n %% 10],
  '', NULL, v.amount, '', '', p.residence_id, p.id, %(admin)s, v.subsidy_type_id, v.id,
  0, '', '', ''
FROM (SELECT n, id, residence_id, now() - ((n %% 700) || ' days')::interval AS applied
      FROM gen_person WHERE n >= %(first)s AND n < %(last)s) AS p
JOIN (SELECT (row_number() OVER (ORDER BY v.id) - 1)::int AS k, v.*
      FROM subsidies_policyversion v JOIN subsidies_subsidytype t
        ON t.id = v.subsidy_type_id
      WHERE t.code IN ('job-search', 'start-up') AND v.effective_to IS NULL) AS v
  ON v.k = p.n %% 2
"""

PAYMENTS = """
WITH batch AS (
  INSERT INTO subsidies_disbursementbatch (created_at, updated_at, code, status, total,
    created_by_id)
  SELECT now(), now(), gen_random_uuid(), 'settled', 0, %(admin)s RETURNING id
)
INSERT INTO subsidies_payment (created_at, updated_at, batch_id, application_id,
  person_id, subsidy_type_id, amount, status, failure_reason, paid_on)
SELECT a.created_at, a.created_at + interval '30 days', batch.id, a.id, a.person_id,
  a.subsidy_type_id, a.amount, 'paid', '', (a.created_at + interval '30 days')::date
FROM subsidies_application a, batch
WHERE a.status = 'paid' AND a.person_id IN (SELECT id FROM gen_person)
"""


# 城镇从业人员 as the statistics bureau would publish it, from the generated
# registrations: the residents of working age with an employment in force at the
# year's end (today in the current year), for every street and summed upwards.
EMPLOYED_POPULATION = """
WITH years AS (
  SELECT y, least(make_date(y, 12, 31), %(today)s) AS day
  FROM generate_series(%(first_year)s, %(last_year)s) AS y
), streets AS (
  SELECT y.y, left(u.code, 9) AS street, count(*) AS employed
  FROM registration_employmentregistration r
  JOIN gen_person g ON g.id = r.person_id
  JOIN portal_orgunit u ON u.id = g.residence_id
  JOIN years y ON r.start_date <= y.day AND (r.end_date IS NULL OR r.end_date >= y.day)
    AND g.retirement_date > y.day
  GROUP BY 1, 2
), units AS (
  SELECT id, left(code, CASE level WHEN 'province' THEN 2 WHEN 'city' THEN 4
                                  WHEN 'district' THEN 6 ELSE 9 END) AS prefix
  FROM portal_orgunit WHERE level IN ('province', 'city', 'district', 'street')
)
INSERT INTO stats_employedpopulation (org_unit_id, year, employed, source,
  entered_by_id, entered_at)
SELECT units.id, streets.y, sum(streets.employed), %(source)s, %(admin)s, now()
FROM units JOIN streets ON left(streets.street, length(units.prefix)) = units.prefix
GROUP BY units.id, streets.y
ON CONFLICT (org_unit_id, year) DO UPDATE SET employed = EXCLUDED.employed,
  source = EXCLUDED.source, entered_by_id = EXCLUDED.entered_by_id,
  entered_at = EXCLUDED.entered_at
"""

# The city's figures of each month, read as docs/statistics.md defines them, from the
# intervals: vacancies (each posting open in the month once, with its latest
# headcount), seekers (people with a valid resume or registered unemployed at some
# time in it), the registered unemployed of working age at its end and the employed
# population of its year.
SUMMARY = """
WITH months AS (
  SELECT m::date AS first, (m + interval '1 month' - interval '1 day')::date AS last
  FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS m
), demand AS (
  SELECT first, sum(headcount) AS vacancies
  FROM (SELECT DISTINCT ON (m.first, i.posting_id) m.first, i.headcount
        FROM months m JOIN jobs_postinginterval i
          ON i.starts_on <= m.last AND i.ends_on >= m.first
        ORDER BY m.first, i.posting_id, i.starts_on DESC) AS latest
  GROUP BY first
), seekers AS (
  SELECT first, count(DISTINCT person_id) AS seekers
  FROM (SELECT m.first, i.person_id FROM months m JOIN jobs_resumeinterval i
          ON i.starts_on <= m.last AND i.ends_on >= m.first
        UNION ALL
        SELECT m.first, r.person_id FROM months m
        JOIN registration_unemploymentregistration r ON r.registered_on <= m.last
          AND (r.cancelled_on IS NULL OR r.cancelled_on >= m.first)) AS seeking
  JOIN portal_person p ON p.id = seeking.person_id
  WHERE p.residence_id IS NOT NULL
  GROUP BY first
), unemployed AS (
  SELECT m.first, count(*) AS unemployed
  FROM months m JOIN registration_unemploymentregistration r
    ON r.registered_on <= m.last AND (r.cancelled_on IS NULL OR r.cancelled_on > m.last)
  JOIN portal_person p ON p.id = r.person_id
  WHERE (p.birth_date + interval '16 years')::date <= r.registered_on
    AND p.retirement_date > r.registered_on AND p.retirement_date > m.last
  GROUP BY m.first
)
SELECT m.first, coalesce(d.vacancies, 0), coalesce(s.seekers, 0),
  coalesce(u.unemployed, 0), e.employed
FROM months m LEFT JOIN demand d USING (first) LEFT JOIN seekers s USING (first)
LEFT JOIN unemployed u USING (first)
LEFT JOIN stats_employedpopulation e
  ON e.org_unit_id = %(city)s AND e.year = extract(year FROM m.first)
ORDER BY m.first
"""


def last_months(today: datetime.date, count: int = 12) -> list[tuple]:
    """(first day, vacancies, seekers, unemployed at the end, employed population)
    of the city (or the province) for the `count` months before today's."""
    months = Period.containing(MONTH, today).previous().trend(count)
    city = OrgUnit.objects.top()
    with connection.cursor() as cursor:
        cursor.execute(
            SUMMARY,
            {"first": months[0].start, "last": months[-1].start, "city": city.pk},
        )
        return cursor.fetchall()


class Command(BaseCommand):
    help = "Generate a Foshan-scale data set for the statistics benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument(
            "--cities",
            type=int,
            default=1,
            choices=range(1, len(OTHER_CITIES) + 2),
            metavar="N",
            help="generate a province of N cities, each at the given scale",
        )

    def step(self, name, sql, params=None):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params or {})
            rows = cursor.rowcount
        seconds = time.perf_counter() - started
        self.stdout.write(f"  {name:<28} {max(rows, 0):>10,} rows in {seconds:6.1f} s")

    def handle(self, *args, scale, cities, **options):
        if Person.objects.filter(address=MARK).exists():
            self.stdout.write("Generated data already present; nothing to do.")
            return
        started = time.perf_counter()
        with transaction.atomic():
            if cities > 1:
                self.add_cities(cities)
            today = self.generate(scale * cities)
        self.stdout.write(f"Done in {time.perf_counter() - started:.0f} s.")
        self.summary(today)

    def add_cities(self, wanted: int) -> None:
        """The province with `wanted` cities: the first city's tree copied under
        the codes of the next ones on OTHER_CITIES."""
        first = OrgUnit.objects.filter(level=OrgUnit.Level.CITY).order_by("pk").first()
        if first is None:
            raise CommandError("Run seed_demo first: the org units are needed.")
        province, _ = OrgUnit.objects.get_or_create(
            code=PROVINCE[0],
            defaults={"name": PROVINCE[1], "level": OrgUnit.Level.PROVINCE},
        )
        OrgUnit.objects.filter(level=OrgUnit.Level.CITY, parent=None).update(
            parent=province
        )
        have = set(
            OrgUnit.objects.filter(level=OrgUnit.Level.CITY).values_list(
                "code", flat=True
            )
        )
        tree = list(
            OrgUnit.objects.within(first)
            .exclude(pk=first.pk)
            .order_by("code")
            .values("code", "name", "level", "parent__code", "latitude", "longitude")
        )
        missing = [c for c in OTHER_CITIES if f"{c[0]}00000000" not in have]
        for k, (prefix, name) in enumerate(missing[: max(wanted - len(have), 0)], 1):
            city = OrgUnit.objects.create(
                code=f"{prefix}00000000",
                name=name,
                level=OrgUnit.Level.CITY,
                parent=province,
            )
            units = {first.code: city}
            for row in tree:
                code = prefix + row["code"][4:]
                units[row["code"]] = OrgUnit.objects.create(
                    code=code,
                    name=f"{name[:-1]}{row['name']}{MARK}",
                    level=row["level"],
                    parent=units[row["parent__code"]],
                    # Shifted away from the first city, so that distances stay
                    # within each city.
                    latitude=row["latitude"] and row["latitude"] + 0.5 * k,
                    longitude=row["longitude"],
                )
            self.stdout.write(f"  city {name} ({city.code}): {len(tree)} units")

    def generate(self, scale) -> datetime.date:
        districts = OrgUnit.objects.filter(level="district").count()
        if not districts:
            raise CommandError("Run seed_demo first: the org units are needed.")
        admin = User.objects.filter(is_superuser=True).first()
        if admin is None:
            raise CommandError("Run seed_demo first: an administrator is needed.")
        from registration.models import CancellationReason

        reason = CancellationReason.objects.filter(counts_as_reemployment=True).first()

        def count(base):
            return max(int(base * scale), 1)

        people, employed = count(5_000_000), count(3_300_000)
        unemployed, resumes = count(500_000), count(500_000)
        applications = count(40_000)
        # Two fifths of the unemployed have a resume; other resumes are of people
        # in work or not registered.
        first_resume = employed + unemployed * 2 // 5
        first_applicant = max(employed + unemployed, first_resume + resumes)
        today = timezone.localdate()
        dates = {
            "today": today,
            "tz": settings.TIME_ZONE,
            "valid_days": settings.JOB_VALID_DAYS,
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            if cursor.fetchone()[0]:
                # Every reference written points at a row this command wrote or
                # read, so the foreign-key checks (a trigger per row, deferred to
                # the commit: most of the time after the last step) are skipped, as
                # pg_restore --disable-triggers does. Only a superuser may.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(FUNCTIONS)
            cursor.execute(UNITS)
            for table, weights, days in [
                ("gen_demand_day", DEMAND_SEASON, 730),
                ("gen_resume_day", SEEKER_SEASON, 730),
                ("gen_unemployed_day", SEEKER_SEASON, 1100),
            ]:
                cursor.execute(
                    SEASON.format(table=table),
                    {"weights": weights, "days": days, "today": today},
                )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_functiondef("
                "'portal_retirement_date(text, text)'::regprocedure)"
            )
            original = cursor.fetchone()[0]
            cursor.execute(FAST_RETIREMENT_DATE)
        self.step(
            "people",
            PEOPLE.format(districts=districts),
            {"count": people, "mark": MARK},
        )
        with connection.cursor() as cursor:
            cursor.execute(original)
            cursor.execute(RETIREMENT_CHECK, {"mark": MARK})
            if cursor.fetchone()[0]:
                raise CommandError(
                    "The retirement dates differ from portal_retirement_date's."
                )
        self.step("employers", EMPLOYERS, {"count": count(80_000)})
        with connection.cursor() as cursor:
            cursor.execute(NUMBERED, {"mark": MARK, "today": today})
        self.step("employment registrations", EMPLOYMENT, {"count": employed, **dates})
        self.step(
            "unemployment registrations",
            UNEMPLOYMENT,
            {
                "first": employed,
                "last": employed + unemployed,
                "reason": reason.pk if reason else None,
                "admin": admin.pk,
                **dates,
            },
        )
        self.step("postings (two years)", POSTINGS, {"count": count(600_000), **dates})
        rebuild_listings()  # the job list's narrow table
        self.step("posting intervals", POSTING_INTERVALS, dates)
        self.step(
            "resumes",
            RESUMES,
            {"first": first_resume, "last": first_resume + resumes, **dates},
        )
        self.step("resume intervals", RESUME_INTERVALS, dates)
        self.step("job fairs", FAIRS, {"count": count(432)})
        self.step(
            "subsidy applications",
            APPLICATIONS,
            {
                "first": first_applicant,
                "last": first_applicant + applications,
                "admin": admin.pk,
            },
        )
        self.step("payments", PAYMENTS, {"admin": admin.pk})
        self.step(
            "employed population",
            EMPLOYED_POPULATION,
            {
                "first_year": today.year - 2,
                "last_year": today.year,
                "source": f"年末在岗的就业登记人数{MARK}",
                "admin": admin.pk,
                **dates,
            },
        )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            cursor.execute("ANALYZE")
        return today

    def summary(self, today):
        self.stdout.write(
            "The city's last 12 months (ratio = vacancies ÷ seekers; rate = "
            "unemployed ÷ (employed population + unemployed)):"
        )
        self.stdout.write(
            f"  {'month':<8} {'vacancies':>10} {'seekers':>10} {'ratio':>6} "
            f"{'unemployed':>10} {'employed':>10} {'rate':>7}"
        )
        for first, vacancies, seekers, unemployed, employed in last_months(today):
            ratio = f"{vacancies / seekers:.2f}" if seekers else "—"
            rate = (
                f"{100 * unemployed / (employed + unemployed):.2f} %"
                if employed
                else "—"
            )
            self.stdout.write(
                f"  {first:%Y-%m}  {vacancies:>10,} {seekers:>10,} {ratio:>6} "
                f"{unemployed:>10,} {employed or 0:>10,} {rate:>7}"
            )
