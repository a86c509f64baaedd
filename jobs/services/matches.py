"""The daily push of good new matches to both sides."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jobs import matching
from jobs.models import JobPosting, MatchNotice, Resume
from portal.services import notify, notify_employer_staff


def push_new_matches(
    *, since: datetime.datetime | None = None, per_person: int = 5
) -> int:
    """Daily: tell seekers about good new postings and employers about good
    candidates, each match once (MatchNotice). Returns the notifications sent."""
    since = since or timezone.now() - datetime.timedelta(days=1)
    sent = 0
    recent = Resume.objects.filter(person__user__is_active=True).select_related(
        "person__user", "person__residence"
    )
    for resume in recent.iterator():
        matches = [
            posting
            for posting in matching.postings_for(resume, limit=20)
            if posting.score >= matching.GOOD_MATCH and posting.published_at >= since
        ][:per_person]
        # The notices and the message commit together: a retry after the worker
        # died sends what the killed run had not sent yet.
        with transaction.atomic():
            matches = _unnoticed(resume, matches, MatchNotice.Side.SEEKER)
            if matches:
                notify(
                    resume.person.user,
                    "matches_for_seeker",
                    {"postings": matches},
                    url=reverse("jobs:jobs_for_me"),
                )
                sent += 1
    new_postings = JobPosting.objects.published().filter(published_at__gte=since)
    for posting in new_postings.select_related("employer", "org_unit").iterator():
        candidates = [
            resume
            for resume in matching.resumes_for(posting, limit=per_person)
            if resume.score >= matching.GOOD_MATCH
        ]
        with transaction.atomic():
            candidates = _unnoticed_resumes(posting, candidates)
            if candidates:
                notify_employer_staff(
                    posting.employer,
                    "matches_for_employer",
                    {"posting": posting, "count": len(candidates)},
                    url=reverse("jobs:posting_candidates", args=[posting.pk]),
                )
                sent += 1
    return sent


def _unnoticed(resume, postings, side):
    fresh = []
    for posting in postings:
        _notice, created = MatchNotice.objects.get_or_create(
            resume=resume, posting=posting, side=side, defaults={"score": posting.score}
        )
        if created:
            fresh.append(posting)
    return fresh


def _unnoticed_resumes(posting, resumes):
    fresh = []
    for resume in resumes:
        _notice, created = MatchNotice.objects.get_or_create(
            resume=resume,
            posting=posting,
            side=MatchNotice.Side.EMPLOYER,
            defaults={"score": resume.score},
        )
        if created:
            fresh.append(resume)
    return fresh
