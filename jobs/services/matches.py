"""The daily push of good new matches to both sides, in chunks that django-q2
workers run in parallel (docs/matching.md, "The daily push")."""

import datetime

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from jobs import matching
from jobs.models import JobPosting, MatchNotice, MatchPush, MatchPushChunk, Resume
from portal.services import notify, notify_employer_staff

# Resumes or postings per task: a chunk must end well within Q_CLUSTER["timeout"]
# (300 s), at a few tenths of a second per seeker on a busy machine.
CHUNK_SIZE = 200
LOCK_NAMESPACE = 2117  # pg_try_advisory_lock(namespace, chunk id)

CHUNK_RANGES = """
SELECT min(pk), max(pk) FROM (
  SELECT pk, (row_number() OVER (ORDER BY pk) - 1) / %s AS bucket FROM ({ids}) AS ids
) AS numbered GROUP BY bucket ORDER BY 1
"""


def push_new_matches(
    *, since: datetime.datetime | None = None, per_person: int = 5
) -> int:
    """Push in this process, chunk after chunk. Returns the notifications sent."""
    push = plan_match_push(since=since)
    return sum(
        push_match_chunk(chunk, per_person=per_person) for chunk in push.chunks.all()
    )


def start_match_push(*, since: datetime.datetime | None = None) -> MatchPush:
    """Daily: plan the push and queue one task per chunk for the workers."""
    push = plan_match_push(since=since)
    for chunk_id in push.chunks.values_list("pk", flat=True):
        transaction.on_commit(
            lambda chunk_id=chunk_id: async_task(
                "jobs.tasks.push_match_chunk", chunk_id
            )
        )
    return push


@transaction.atomic
def plan_match_push(*, since: datetime.datetime | None = None) -> MatchPush:
    """The push of matches published since `since` (a day ago), cut into chunks of
    the active seekers' resumes and of the new postings, by id."""
    push = MatchPush.objects.create(
        since=since or timezone.now() - datetime.timedelta(days=1)
    )
    resumes = (
        Resume.objects.filter(person__user__is_active=True).order_by().values("pk")
    )
    postings = (
        JobPosting.objects.published().filter(published_at__gte=push.since).values("pk")
    )
    chunks = []
    for side, ids in [
        (MatchNotice.Side.SEEKER, resumes),
        (MatchNotice.Side.EMPLOYER, postings),
    ]:
        sql, params = ids.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(CHUNK_RANGES.format(ids=sql), [CHUNK_SIZE, *params])
            chunks += [
                MatchPushChunk(push=push, side=side, first_id=first, last_id=last)
                for first, last in cursor.fetchall()
            ]
    MatchPushChunk.objects.bulk_create(chunks)
    return push


def push_match_chunk(chunk: MatchPushChunk, *, per_person: int = 5) -> int:
    """Send one chunk's matches, taking up after its progress marker. A chunk a
    live worker holds is left to it (the task may be delivered twice). Returns
    the notifications sent."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, chunk.pk]
        )
        if not cursor.fetchone()[0]:
            return 0
    try:
        chunk.refresh_from_db()
        if chunk.finished_at is not None:
            return 0
        if chunk.side == MatchNotice.Side.SEEKER:
            sent = _push_to_seekers(chunk, per_person)
        else:
            sent = _push_to_employers(chunk, per_person)
        with transaction.atomic():
            chunk.finished_at = timezone.now()
            chunk.save(update_fields=["finished_at"])
            push = chunk.push
            if not push.chunks.filter(finished_at__isnull=True).exists():
                push.finished_at = chunk.finished_at
                push.save(update_fields=["finished_at"])
        return sent
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, chunk.pk]
            )


def resume_match_pushes() -> int:
    """Every 15 minutes: queue again the chunks of unfinished pushes, should a
    worker have died with one (a chunk still running is skipped by its lock).
    Returns the chunks queued."""
    chunks = MatchPushChunk.objects.filter(
        finished_at__isnull=True, push__finished_at__isnull=True
    ).values_list("pk", flat=True)
    for chunk_id in chunks:
        async_task("jobs.tasks.push_match_chunk", chunk_id)
    return len(chunks)


def _remaining(chunk: MatchPushChunk, queryset):
    first = chunk.first_id if chunk.done_up_to is None else chunk.done_up_to + 1
    return queryset.filter(pk__gte=first, pk__lte=chunk.last_id).order_by("pk")


def _mark(chunk: MatchPushChunk, done_up_to: int, sent: int) -> None:
    chunk.done_up_to = done_up_to
    chunk.sent += sent
    chunk.save(update_fields=["done_up_to", "sent"])


def _push_to_seekers(chunk: MatchPushChunk, per_person: int) -> int:
    """Each seeker's best new postings scoring GOOD_MATCH or more, at most
    per_person, never one told before (MatchNotice)."""
    since = chunk.push.since
    resumes = _remaining(
        chunk, Resume.objects.filter(person__user__is_active=True)
    ).select_related("person__user", "person__residence")
    sent = 0
    for resume in resumes.iterator(chunk_size=200):
        matches = [
            posting
            for posting in matching.postings_for(resume, limit=per_person, since=since)
            if posting.score >= matching.GOOD_MATCH
        ]
        # The notices, the message and the progress marker commit together: a
        # retry after the worker died sends what the killed run had not sent yet.
        with transaction.atomic():
            matches = _unnoticed(resume, matches, MatchNotice.Side.SEEKER)
            if matches:
                notify(
                    resume.person.user,
                    "matches_for_seeker",
                    {"postings": matches},
                    url=reverse("jobs:jobs_for_me"),
                )
            _mark(chunk, resume.pk, int(bool(matches)))
        sent += bool(matches)
    return sent


def _push_to_employers(chunk: MatchPushChunk, per_person: int) -> int:
    new_postings = _remaining(
        chunk, JobPosting.objects.published().filter(published_at__gte=chunk.push.since)
    ).select_related("employer", "org_unit")
    sent = 0
    for posting in new_postings.iterator(chunk_size=200):
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
            _mark(chunk, posting.pk, int(bool(candidates)))
        sent += bool(candidates)
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
