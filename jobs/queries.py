"""Figures about jobs that other parts of the site show."""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from jobs.models import JobPosting, VideoRoom


def home_figures() -> dict:
    """Open postings and the positions they offer, for the home page."""
    open_jobs = JobPosting.objects.published().aggregate(
        jobs=Count("id"), positions=Sum("headcount")
    )
    return {"job_count": open_jobs["jobs"], "position_count": open_jobs["positions"]}


def video_interview_figures(unit, first, last) -> dict:
    """Video interviews held in the portal between two days, inclusive, by
    employers of `unit` or below: how many, the employers and seekers in them,
    and their recorded outcomes (hires through video)."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(last, datetime.time.max))
    held = VideoRoom.objects.filter(
        held_at__range=(start, end),
        employer__org_unit__code__startswith=unit.descendant_prefix,
    )
    figures = held.aggregate(
        held=Count("id"),
        employers=Count("employer", distinct=True),
        seekers=Count("seeker", distinct=True),
    )
    for outcome in VideoRoom.Outcome.values:
        figures[outcome] = held.filter(outcome=outcome).count()
    return figures
