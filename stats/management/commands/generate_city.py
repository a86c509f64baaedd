"""A Foshan-scale data set for the statistics benchmark (bench/stats.py), written
set-based inside PostgreSQL (INSERT … SELECT over generate_series), not row by row:

    manage.py generate_city [--scale 1.0]

At scale 1: 5,000,000 people, 80,000 employers, 3,300,000 employment registrations,
500,000 unemployment registrations, 600,000 postings over two years (300,000 a
year), 500,000 resumes, 432 fairs, 40,000 subsidy applications (about half paid).
Runs once per database (generated rows are marked); needs the org units and the
catalogue of seed_demo. ID numbers and credit codes carry correct check digits.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal.models import OrgUnit, Person, User

MARK = "（生成数据）"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.ric_check(body text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('10X98765432', (sum(substr(body, i::int, 1)::int * w) % 11)::int + 1, 1)
  FROM unnest(ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]) WITH ORDINALITY AS t(w, i)
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

PEOPLE = """
WITH counts AS (SELECT d, count(*) AS c FROM gen_community GROUP BY d),
numbers AS (
  SELECT i, i %% {districts} AS d,
    g.area
    || to_char(date '1961-01-01' + ((i / {districts}) %% 17000)::int, 'YYYYMMDD')
    || lpad(((i / ({districts} * 17000)) %% 1000)::text, 3, '0') AS body
  FROM generate_series(0, %(count)s - 1) AS i
  JOIN gen_district g ON g.d = i %% {districts}
)
INSERT INTO portal_person (created_at, updated_at, name, id_number, phone, hukou_place,
  hukou_type, education, address, retirement_track, residence_id, user_id)
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
         'bachelor','master','primary'])[1 + i %% 10],
  %(mark)s,
  CASE WHEN substr(body, 17, 1)::int %% 2 = 1 THEN 'male60' ELSE 'female55' END,
  c.id, NULL
FROM numbers JOIN counts USING (d)
JOIN gen_community c ON c.d = numbers.d AND c.n = (i / {districts}) %% counts.c
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

NUMBERED = """
CREATE TEMP TABLE gen_person AS
  SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id, residence_id
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
  'open_ended', start, CASE WHEN p.n %% 5 = 0 AND start + (p.n %% 600) < current_date
                            THEN start + (p.n %% 600) END,
  CASE WHEN p.n %% 5 = 0 AND start + (p.n %% 600) < current_date THEN 'resigned'
       ELSE '' END,
  false, NULL, false, e.id, e.org_unit_id, p.id
FROM (SELECT n, id, current_date - ((n * 37) %% 1800) AS start FROM gen_person
      WHERE n < %(count)s) AS p
JOIN gen_employer e ON e.n = p.n %% (SELECT count(*) FROM gen_employer)
"""

UNEMPLOYMENT = """
INSERT INTO registration_unemploymentregistration (created_at, updated_at, code,
  status, channel, cause, unemployed_since, last_employer, last_job, job_wishes,
  wants_training, return_reason, reviewed_at, registered_on, contact_review_due,
  cancelled_on, cancellation_note, cancellation_reason_id, org_unit_id, person_id,
  submitted_by_id)
SELECT now(), now(), gen_random_uuid(),
  CASE WHEN cancelled THEN 'cancelled' ELSE 'registered' END, 'online',
  (ARRAY['lost_job','lost_job','lost_job','left_school','other'])[1 + n %% 5],
  registered - 10, '', '', '', false, '', now(), registered, false,
  CASE WHEN cancelled THEN registered + (n %% 200) END, '',
  CASE WHEN cancelled THEN %(reason)s END, residence_id, id, %(admin)s
FROM (SELECT n, id, residence_id, current_date - (n %% 1000) AS registered,
             n %% 10 >= 7 AND current_date - (n %% 1000) + (n %% 200) < current_date
               AS cancelled
      FROM gen_person WHERE n >= %(first)s AND n < %(last)s) AS p
"""

POSTINGS = """
INSERT INTO jobs_jobposting (created_at, updated_at, title, occupation_group,
  occupation_name, industry, job_type, address, salary_min, salary_max, education,
  experience_years, headcount, description, contact_name, contact_phone, valid_until,
  status, rejection_reason, submitted_at, published_at, employer_id, org_unit_id)
SELECT published, published, occupation || '（' || i || '）', grp, occupation,
  e.industry, 'full_time', '佛山市', salary, salary + 2000,
  (ARRAY['','','junior','senior','college','bachelor'])[1 + i %% 6], 0, 1 + i %% 5,
  '岗位职责：' || occupation, '人事部', '0757-12345678', published::date + 30,
  CASE WHEN published::date + 30 < current_date THEN 'expired' ELSE 'published' END,
  '', published, published, e.id, e.org_unit_id
FROM (SELECT i, now() - ((i %% 730) || ' days')::interval AS published,
        (ARRAY['6','6','6','4','4','2','3','5','1','4'])[1 + i %% 10] AS grp,
        (ARRAY['普工','电工','焊工','营业员','保安员','软件工程师','行政文员','农艺工',
               '项目经理','快递员'])[1 + i %% 10] AS occupation,
        CASE WHEN i %% 7 = 0 THEN NULL ELSE 3000 + (i %% 8) * 700 END AS salary
      FROM generate_series(0, %(count)s - 1) AS i) AS x
JOIN gen_employer e ON e.n = x.i %% (SELECT count(*) FROM gen_employer)
"""

RESUMES = """
INSERT INTO jobs_resume (created_at, updated_at, code, intended_occupation_groups,
  intended_occupations, job_types, expected_salary_min, expected_salary_max,
  experience_years, skills, certificates, self_introduction, is_public, person_id)
SELECT changed - interval '30 days', changed, gen_random_uuid(),
  ARRAY[(ARRAY['6','4','2','3','6','4'])[1 + n %% 6]], '', '{}',
  CASE WHEN n %% 6 = 0 THEN NULL ELSE 3000 + (n %% 9) * 600 END,
  NULL, n %% 10, '', '', '', n %% 2 = 0, id
FROM (SELECT n, id, now() - ((n %% 720) || ' days')::interval AS changed
      FROM gen_person WHERE n >= %(first)s AND n < %(last)s) AS p
ON CONFLICT (person_id) DO NOTHING
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


class Command(BaseCommand):
    help = "Generate a Foshan-scale data set for the statistics benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)

    def step(self, name, sql, params=None):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params or {})
            rows = cursor.rowcount
        seconds = time.perf_counter() - started
        self.stdout.write(f"  {name:<28} {max(rows, 0):>10,} rows in {seconds:6.1f} s")

    @transaction.atomic
    def handle(self, *args, scale, **options):
        if Person.objects.filter(address=MARK).exists():
            self.stdout.write("Generated data already present; nothing to do.")
            return
        districts = OrgUnit.objects.filter(level="district").count()
        if not districts:
            raise CommandError("Run seed_demo first: the org units are needed.")
        admin = User.objects.filter(is_superuser=True).first()
        from registration.models import CancellationReason

        reason = CancellationReason.objects.filter(counts_as_reemployment=True).first()

        def count(base):
            return max(int(base * scale), 1)

        people, employed = count(5_000_000), count(3_300_000)
        unemployed, resumes = count(500_000), count(500_000)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FUNCTIONS)
            cursor.execute(UNITS)
        self.step(
            "people",
            PEOPLE.format(districts=districts),
            {"count": people, "mark": MARK},
        )
        self.step("employers", EMPLOYERS, {"count": count(80_000)})
        with connection.cursor() as cursor:
            cursor.execute(NUMBERED, {"mark": MARK})
        self.step("employment registrations", EMPLOYMENT, {"count": employed})
        self.step(
            "unemployment registrations",
            UNEMPLOYMENT,
            {
                "first": employed,
                "last": employed + unemployed,
                "reason": reason.pk if reason else None,
                "admin": admin.pk,
            },
        )
        self.step("postings (two years)", POSTINGS, {"count": count(600_000)})
        self.step("resumes", RESUMES, {"first": employed, "last": employed + resumes})
        self.step("job fairs", FAIRS, {"count": count(432)})
        applications = count(40_000)
        self.step(
            "subsidy applications",
            APPLICATIONS,
            {
                "first": employed + resumes,
                "last": employed + resumes + applications,
                "admin": admin.pk,
            },
        )
        self.step("payments", PAYMENTS, {"admin": admin.pk})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"Done in {time.perf_counter() - started:.0f} s.")
