"""Bulk synthetic seekers with resumes for the matching benchmark (bench/matching.py),
written set-based inside PostgreSQL (INSERT … SELECT over generate_series):

    manage.py generate_resumes 500000

Each seeker has an active account, a person record living in one of the demo
communities and a resume wanting one of the demo's occupations (jobs.demo.WANTED),
with the salary and experience spread of the demo's seekers; a third name a district
they want to work in, one in ten a second one. Needs seed_demo's org units.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jobs.demo import WANTED
from portal.models import OrgUnit

MARK = "（生成简历）"

USERS = r"""
INSERT INTO portal_user (password, is_superuser, username, first_name, last_name,
  email, is_staff, is_active, date_joined, role, language, sms_opt_in)
SELECT '!', false, 'gen-seeker-' || (%(first)s + i), '', '', '', false,
  -- one in twenty has closed the account
  i %% 20 <> 7, now(), 'seeker', 'zh-hans', false
FROM generate_series(0, %(count)s - 1) AS i
"""

PEOPLE = r"""
INSERT INTO portal_person (created_at, updated_at, name, id_number, phone, hukou_place,
  hukou_type, education, address, occupation_type, retirement_track, residence_id,
  user_id)
SELECT now(), now(),
  (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周'])[1 + n %% 10]
  || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋'])[1 + n / 10 %% 10],
  -- birth day and sequence number make the number unique; 449 is no real area
  '449' || lpad((n / 100000)::text, 3, '0')
  || to_char(date '1966-01-01' + n %% 12000, 'YYYYMMDD')
  || lpad((n / 12000 %% 1000)::text, 3, '0') || '0',
  '139' || lpad(n::text, 8, '0'), '广东省佛山市',
  (ARRAY['urban','rural'])[1 + n %% 2],
  (ARRAY['junior','senior','senior','vocational','college','college','bachelor',
         'junior','senior','college'])[1 + n %% 10],
  %(mark)s, 'worker',
  CASE WHEN n / 12000 %% 2 = 1 THEN 'male60' ELSE 'female50' END,
  (SELECT array_agg(id ORDER BY code) FROM portal_orgunit
    WHERE level = 'community')[1 + n * 7 %% %(communities)s],
  u.id
FROM (SELECT u.id, substring(u.username FROM '^gen-seeker-(\d+)$')::int AS n
      FROM portal_user u
      WHERE u.username LIKE 'gen-seeker-%%'
        AND NOT EXISTS (SELECT 1 FROM portal_person p WHERE p.user_id = u.id)) AS u
"""

RESUMES = r"""
INSERT INTO jobs_resume (created_at, updated_at, code, intended_occupation_groups,
  intended_occupations, job_types, expected_salary_min, expected_salary_max,
  experience_years, skills, certificates, self_introduction, is_public, person_id)
SELECT changed - interval '60 days', changed, gen_random_uuid(), w.groups::varchar(1)[],
  w.occupations, '{full_time}', low, low + (ARRAY[2000, 3000, 5000])[1 + n %% 3],
  n * 7 %% 13, w.skills, '', '', n %% 3 <> 0, p.id
FROM (SELECT p.id, p.n, now() - (p.n %% 1440) * interval '1 hour' AS changed,
        (ARRAY[4000, 5000, 6000, 8000, 10000])[1 + p.n / 7 %% 5] AS low
      FROM (SELECT p.id, substring(u.username FROM '^gen-seeker-(\d+)$')::int AS n
            FROM portal_person p JOIN portal_user u ON u.id = p.user_id
            WHERE p.address = %(mark)s) AS p) AS p
JOIN (SELECT * FROM unnest(%(groups)s::text[], %(occupations)s::text[],
        %(skills)s::text[]) WITH ORDINALITY AS w(groups, occupations, skills, k)) AS w
  ON w.k = 1 + p.n * 5 %% %(wanted)s
ON CONFLICT (person_id) DO NOTHING
"""

DISTRICTS = r"""
INSERT INTO jobs_resume_intended_districts (resume_id, orgunit_id)
SELECT r.id, d.ids[1 + (n + extra) %% array_length(d.ids, 1)]
FROM (SELECT r.id, substring(u.username FROM '^gen-seeker-(\d+)$')::int AS n
      FROM jobs_resume r JOIN portal_person p ON p.id = r.person_id
      JOIN portal_user u ON u.id = p.user_id WHERE p.address = %(mark)s) AS r,
  (SELECT array_agg(id ORDER BY code) AS ids FROM portal_orgunit
    WHERE level = 'district') AS d,
  generate_series(0, 1) AS extra
WHERE (extra = 0 AND r.n %% 3 = 0) OR (extra = 1 AND r.n %% 10 = 0)
ON CONFLICT DO NOTHING
"""


class Command(BaseCommand):
    help = "Add N seekers with resumes for the matching benchmark (set-based)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)

    def step(self, name, sql, params):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.rowcount
        seconds = time.perf_counter() - started
        self.stdout.write(f"  {name:<20} {max(rows, 0):>10,} rows in {seconds:6.1f} s")

    def handle(self, *args, count, **options):
        communities = OrgUnit.objects.filter(level="community").count()
        if not communities:
            raise CommandError("Run seed_demo first: the org units are needed.")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM portal_user WHERE username LIKE 'gen-seeker-%%'"
            )
            first = cursor.fetchone()[0]
        params = {
            "first": first,
            "count": count,
            "mark": MARK,
            "communities": communities,
            "groups": ["{" + ",".join(groups) + "}" for groups, _o, _s in WANTED],
            "occupations": [occupations for _g, occupations, _s in WANTED],
            "skills": [skills for _g, _o, skills in WANTED],
            "wanted": len(WANTED),
        }
        with transaction.atomic():
            self.step("accounts", USERS, params)
            self.step("people", PEOPLE, params)
            self.step("resumes", RESUMES, params)
            self.step("districts wanted", DISTRICTS, params)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"{count} seekers with resumes added.")
