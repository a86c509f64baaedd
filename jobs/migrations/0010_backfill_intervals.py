"""Intervals for the postings and resumes that existed before the services wrote
them, from what the rows say today (the attributes as they are now):

- a posting that has been published: from the day of `published_at` to its
  closing date; a paused or closed one to the day of its last change
  (`updated_at`), when it was paused or closed; only a published one is running;
- a resume: from the day it was created to the end of the month after next after
  its last change, running while that day has not passed.

Reversing deletes every interval."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

POSTING_SQL = """
INSERT INTO {interval} (posting_id, starts_on, ends_on, is_current, employer_id,
    org_unit_id, headcount, occupation_group, occupation_name, industry, ownership,
    education, salary_min)
SELECT * FROM (
    SELECT p.id,
        (p.published_at AT TIME ZONE %(tz)s)::date AS starts_on,
        CASE WHEN p.status IN ('paused', 'closed')
             THEN least(p.valid_until, (p.updated_at AT TIME ZONE %(tz)s)::date)
             ELSE p.valid_until END AS ends_on,
        p.status = 'published', p.employer_id, p.org_unit_id, p.headcount,
        p.occupation_group, p.occupation_name,
        coalesce(nullif(p.industry, ''), e.industry), e.ownership, p.education,
        p.salary_min
    FROM {posting} p
    JOIN {employer} e ON e.id = p.employer_id
    WHERE p.status IN ('published', 'paused', 'closed', 'expired')
      AND p.published_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM {interval} i WHERE i.posting_id = p.id)
) AS opened
WHERE ends_on >= starts_on
"""

RESUME_SQL = """
INSERT INTO {interval} (resume_id, person_id, starts_on, ends_on, is_current,
    org_unit_id, occupation_group, occupations, expected_salary_min)
SELECT id, person_id, starts_on, ends_on,
    ends_on >= %(today)s,
    residence_id, occupation_group, occupations, expected_salary_min
FROM (
    SELECT r.id, r.person_id,
        (r.created_at AT TIME ZONE %(tz)s)::date AS starts_on,
        (date_trunc('month', r.updated_at AT TIME ZONE %(tz)s)
         + interval '3 months' - interval '1 day')::date AS ends_on,
        pe.residence_id,
        coalesce(r.intended_occupation_groups[1], '') AS occupation_group,
        left(r.intended_occupations, 100) AS occupations, r.expected_salary_min
    FROM {resume} r
    JOIN {person} pe ON pe.id = r.person_id
    WHERE NOT EXISTS (SELECT 1 FROM {interval} i WHERE i.resume_id = r.id)
) AS valid
WHERE ends_on >= starts_on
"""


def backfill(apps, schema_editor):
    tables = {
        name: apps.get_model(label)._meta.db_table
        for name, label in [
            ("posting", "jobs.JobPosting"),
            ("resume", "jobs.Resume"),
            ("employer", "portal.Employer"),
            ("person", "portal.Person"),
        ]
    }
    params = {"tz": settings.TIME_ZONE, "today": timezone.localdate()}
    with schema_editor.connection.cursor() as cursor:
        for sql, model in [
            (POSTING_SQL, "jobs.PostingInterval"),
            (RESUME_SQL, "jobs.ResumeInterval"),
        ]:
            interval = apps.get_model(model)._meta.db_table
            cursor.execute(sql.format(interval=interval, **tables), params)


def delete(apps, schema_editor):
    apps.get_model("jobs", "PostingInterval").objects.all().delete()
    apps.get_model("jobs", "ResumeInterval").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("jobs", "0009_posting_and_resume_intervals")]

    operations = [migrations.RunPython(backfill, delete)]
