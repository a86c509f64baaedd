"""The job list's narrow table (JobListing): one row per published posting, kept in
step by every service that changes a posting's status and brought in step in bulk
by the loaders that write postings without the services (demo data, benchmark
generators). One SQL statement serves both, so both give the same row."""

from django.db import connection

from jobs.models import JobPosting

# The listing of every published posting (restricted by %(where)s), inserted or
# brought up to date; then the listings of postings no longer published removed.
UPSERT = """
INSERT INTO jobs_joblisting (
    posting_id, employer_id, published_at, valid_until, org_unit_code,
    occupation_group, industry, job_type, education, salary_max)
SELECT p.id, p.employer_id, p.published_at, p.valid_until, u.code,
       p.occupation_group, p.industry, p.job_type, p.education, p.salary_max
  FROM jobs_jobposting p JOIN portal_orgunit u ON u.id = p.org_unit_id
 WHERE p.status = 'published' AND p.published_at IS NOT NULL %(where)s
ON CONFLICT (posting_id) DO UPDATE SET
    employer_id = EXCLUDED.employer_id, published_at = EXCLUDED.published_at,
    valid_until = EXCLUDED.valid_until, org_unit_code = EXCLUDED.org_unit_code,
    occupation_group = EXCLUDED.occupation_group, industry = EXCLUDED.industry,
    job_type = EXCLUDED.job_type, education = EXCLUDED.education,
    salary_max = EXCLUDED.salary_max
 WHERE (jobs_joblisting.*) IS DISTINCT FROM (EXCLUDED.*)
"""
DELETE = """
DELETE FROM jobs_joblisting l
 WHERE NOT EXISTS (SELECT 1 FROM jobs_jobposting p
                    WHERE p.id = l.posting_id AND p.status = 'published'
                      AND p.published_at IS NOT NULL) %(where)s
"""


def list_posting(posting: JobPosting) -> None:
    """Give the posting an up-to-date listing while it is published and none
    otherwise. Called inside the transaction of the service that changed it."""
    with connection.cursor() as cursor:
        cursor.execute(UPSERT % {"where": "AND p.id = %s"}, [posting.pk])
        cursor.execute(DELETE % {"where": "AND l.posting_id = %s"}, [posting.pk])


def rebuild_listings() -> None:
    """Bring every listing in step after postings were written in bulk."""
    with connection.cursor() as cursor:
        cursor.execute(DELETE % {"where": ""})
        cursor.execute(UPSERT % {"where": ""})
        cursor.execute("ANALYZE jobs_joblisting")
