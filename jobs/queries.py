"""Figures about jobs that other parts of the site show."""

from django.db.models import Count, Sum

from jobs.models import JobPosting


def home_figures() -> dict:
    """Open postings and the positions they offer, for the home page."""
    open_jobs = JobPosting.objects.published().aggregate(
        jobs=Count("id"), positions=Sum("headcount")
    )
    return {"job_count": open_jobs["jobs"], "position_count": open_jobs["positions"]}
