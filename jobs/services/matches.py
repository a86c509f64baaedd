"""The daily push of good new matches to both sides, in chunks that django-q2
workers run in parallel (docs/matching.md, "The daily push")."""

import datetime

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from jobs import matching
from jobs.models import (
    Application,
    JobPosting,
    MatchNotice,
    MatchPush,
    MatchPushChunk,
    MatchPushSeeker,
    Resume,
)
from portal.services import notify_employer_staff, notify_many

# Postings per task: a chunk must end well within Q_CLUSTER["timeout"] (300 s), at
# a few tenths of a second per posting on a busy machine.
CHUNK_SIZE = 200
# Seekers per task: one ranking per profile in the chunk (about 50 seekers share
# one in the benchmark's city), the messages written in bulk.
SEEKER_CHUNK_SIZE = 2000
# Seekers of one profile whose notices and messages commit in one transaction.
FANOUT = 500
LOCK_NAMESPACE = 2117  # pg_try_advisory_lock(namespace, chunk id)

# What matching reads of a resume (jobs.matching._Match), one text per seeker:
# seekers with the same text get the same ranking, but for their own applications.
PROFILE = r"""
concat_ws('|',
  array_to_string(ARRAY(SELECT g FROM unnest(r.intended_occupation_groups) AS g
                        ORDER BY g), ','),
  array_to_string(ARRAY(SELECT t FROM regexp_split_to_table(
                        btrim(r.intended_occupations), '\s+') AS t ORDER BY t), ' '),
  p.education, coalesce(p.residence_id::text, '-'),
  coalesce(r.expected_salary_min::text, '-'),
  coalesce(r.expected_salary_max::text, '-'),
  r.experience_years,
  coalesce((SELECT string_agg(d.orgunit_id::text, ',' ORDER BY d.orgunit_id)
            FROM jobs_resume_intended_districts d WHERE d.resume_id = r.id), '-'))
"""
SEEKERS = f"""
INSERT INTO jobs_matchpushseeker (push_id, position, profile, resume_id)
SELECT %s, row_number() OVER (ORDER BY profile, id),
  dense_rank() OVER (ORDER BY profile), id
FROM (SELECT r.id, {PROFILE} AS profile
      FROM jobs_resume r JOIN portal_person p ON p.id = r.person_id
      JOIN portal_user u ON u.id = p.user_id
      WHERE u.is_active) AS seekers
"""
SEEKER_CHUNKS = """
SELECT min(position), max(position) FROM jobs_matchpushseeker WHERE push_id = %s
GROUP BY (position - 1) / %s ORDER BY 1
"""
NOTICES = """
INSERT INTO jobs_matchnotice (resume_id, posting_id, side, score, created_at)
SELECT resume_id, posting_id, %s, score, now()
FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) AS n(resume_id, posting_id, score)
ON CONFLICT (resume_id, posting_id, side) DO NOTHING
RETURNING resume_id, posting_id
"""

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
    """The push of matches published since `since` (a day ago): the active
    seekers numbered by profile (MatchPushSeeker) and cut into chunks of
    positions, the new postings cut into chunks by id."""
    push = MatchPush.objects.create(
        since=since or timezone.now() - datetime.timedelta(days=1)
    )
    postings = (
        JobPosting.objects.published().filter(published_at__gte=push.since).values("pk")
    )
    sql, params = postings.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(SEEKERS, [push.pk])
        cursor.execute(SEEKER_CHUNKS, [push.pk, SEEKER_CHUNK_SIZE])
        seekers = cursor.fetchall()
        cursor.execute(CHUNK_RANGES.format(ids=sql), [CHUNK_SIZE, *params])
        postings = cursor.fetchall()
    MatchPushChunk.objects.bulk_create(
        [
            MatchPushChunk(push=push, side=side, first_id=first, last_id=last)
            for side, ranges in [
                (MatchNotice.Side.SEEKER, seekers),
                (MatchNotice.Side.EMPLOYER, postings),
            ]
            for first, last in ranges
        ]
    )
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
                MatchPushSeeker.objects.filter(push=push).delete()
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
    per_person, never one told before (MatchNotice): ranked once per profile,
    then each seeker's own applications left out."""
    first = chunk.first_id if chunk.done_up_to is None else chunk.done_up_to + 1
    seekers = MatchPushSeeker.objects.filter(
        push=chunk.push_id, position__gte=first, position__lte=chunk.last_id
    ).order_by("position")
    profiles = {}
    for position, profile, resume_id in seekers.values_list(
        "position", "profile", "resume_id"
    ):
        profiles.setdefault(profile, []).append((position, resume_id))
    sent = 0
    for members in profiles.values():
        for start in range(0, len(members), FANOUT):
            batch = members[start : start + FANOUT]
            sent += _push_to_profile(chunk, batch, per_person)
    return sent


def _push_to_profile(chunk: MatchPushChunk, members, per_person: int) -> int:
    """Seekers of one profile: rank, leave out each one's applications, then
    their notices, messages and the progress marker in one transaction (a retry
    after the worker died sends what the killed run had not sent yet)."""
    since = chunk.push.since
    resumes = {
        resume.pk: resume
        for resume in Resume.objects.filter(
            pk__in=[resume_id for _position, resume_id in members],
            person__user__is_active=True,
        ).select_related("person__user", "person__residence")
    }
    applied = {}
    for person, posting in (
        Application.objects.active()
        .filter(person__resume__in=list(resumes), posting__published_at__gte=since)
        .values_list("person_id", "posting_id")
    ):
        applied.setdefault(person, set()).add(posting)
    ranking = []
    if resumes:
        extra = max((len(postings) for postings in applied.values()), default=0)
        ranking = [
            posting
            for posting in matching.postings_for(
                next(iter(resumes.values())),
                limit=per_person + extra,
                since=since,
                applied=False,
            )
            if posting.score >= matching.GOOD_MATCH
        ]
    matches = {
        resume.pk: [
            posting
            for posting in ranking
            if posting.pk not in applied.get(resume.person_id, ())
        ][:per_person]
        for resume in resumes.values()
    }
    with transaction.atomic():
        fresh = _new_notices(matches)
        contexts, messages = {}, []
        for resume_id, postings in matches.items():
            postings = [p for p in postings if (resume_id, p.pk) in fresh]
            if postings:
                key = tuple(p.pk for p in postings)
                context = contexts.setdefault(key, {"postings": postings})
                user = resumes[resume_id].person.user
                messages.append((user, context, reverse("jobs:jobs_for_me")))
        if messages:
            notify_many("matches_for_seeker", messages)
        _mark(chunk, members[-1][0], len(messages))
    return len(messages)


def _new_notices(matches: dict) -> set:
    """Record the matches as told; returns the (resume id, posting id) pairs not
    told before."""
    pairs = [(r, p.pk, p.score) for r, postings in matches.items() for p in postings]
    if not pairs:
        return set()
    columns = [list(column) for column in zip(*pairs, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(NOTICES, [MatchNotice.Side.SEEKER, *columns])
        return set(cursor.fetchall())


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
