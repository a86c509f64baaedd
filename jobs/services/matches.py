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
    MatchPushEntry,
    Resume,
)
from portal.services import notify_many

# Entries per task: a chunk must end well within Q_CLUSTER["timeout"] (300 s).
# Each profile in a chunk is ranked once (about 50 seekers share one in the
# benchmark's city, 75 of a day's postings), the messages are written in bulk.
SEEKER_CHUNK_SIZE = 2000
CHUNK_SIZE = 1000  # new postings
# Entries of one profile whose notices and messages commit in one transaction.
FANOUT = 500
LOCK_NAMESPACE = 2117  # pg_try_advisory_lock(namespace, chunk id)

# What matching reads of a resume (jobs.matching._Match) and of a posting
# (jobs.matching.resumes_for), one text each: the same text, the same ranking
# (a seeker's own applications aside).
SEEKER_PROFILES = r"""
SELECT r.id, concat_ws('|',
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
FROM jobs_resume r JOIN portal_person p ON p.id = r.person_id
JOIN portal_user u ON u.id = p.user_id
WHERE u.is_active
"""
POSTING_PROFILES = """
SELECT j.id, concat_ws('|', j.occupation_group, j.occupation_name, j.education,
  coalesce(j.salary_min::text, '-'), coalesce(j.salary_max::text, '-'),
  j.experience_years, left(o.code, 6))
FROM jobs_jobposting j JOIN portal_orgunit o ON o.id = j.org_unit_id
WHERE j.id IN ({ids})
"""
ENTRIES = """
INSERT INTO jobs_matchpushentry (push_id, side, position, profile, item_id)
SELECT %s, %s, row_number() OVER (ORDER BY profile, id),
  dense_rank() OVER (ORDER BY profile), id
FROM ({profiles}) AS items(id, profile)
"""
ENTRY_CHUNKS = """
SELECT min(position), max(position) FROM jobs_matchpushentry
WHERE push_id = %s AND side = %s GROUP BY (position - 1) / %s ORDER BY 1
"""
NOTICES = """
INSERT INTO jobs_matchnotice (resume_id, posting_id, side, score, created_at)
SELECT resume_id, posting_id, %s, score, now()
FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) AS n(resume_id, posting_id, score)
ON CONFLICT (resume_id, posting_id, side) DO NOTHING
RETURNING resume_id, posting_id
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
    seekers' resumes and the new postings numbered by profile (MatchPushEntry),
    cut into chunks of positions."""
    push = MatchPush.objects.create(
        since=since or timezone.now() - datetime.timedelta(days=1)
    )
    postings = (
        JobPosting.objects.published().filter(published_at__gte=push.since).values("pk")
    )
    sql, params = postings.query.sql_with_params()
    sides = [
        (MatchNotice.Side.SEEKER, SEEKER_PROFILES, [], SEEKER_CHUNK_SIZE),
        (
            MatchNotice.Side.EMPLOYER,
            POSTING_PROFILES.format(ids=sql),
            params,
            CHUNK_SIZE,
        ),
    ]
    chunks = []
    with connection.cursor() as cursor:
        for side, profiles, params, size in sides:
            cursor.execute(ENTRIES.format(profiles=profiles), [push.pk, side, *params])
            cursor.execute(ENTRY_CHUNKS, [push.pk, side, size])
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
        push_profile = (
            _push_to_seekers
            if chunk.side == MatchNotice.Side.SEEKER
            else _push_to_employers
        )
        sent = 0
        for batch in _remaining(chunk):
            sent += push_profile(chunk, batch, per_person)
        with transaction.atomic():
            chunk.finished_at = timezone.now()
            chunk.save(update_fields=["finished_at"])
            # Locked: of two last chunks finishing at once, the second sees the
            # first finished.
            push = MatchPush.objects.select_for_update().get(pk=chunk.push_id)
            if not push.chunks.filter(finished_at__isnull=True).exists():
                push.finished_at = chunk.finished_at
                push.save(update_fields=["finished_at"])
                MatchPushEntry.objects.filter(push=push).delete()
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


def _remaining(chunk: MatchPushChunk):
    """The chunk's entries after its progress marker, as lists of (position,
    item id) of one profile, at most FANOUT long."""
    first = chunk.first_id if chunk.done_up_to is None else chunk.done_up_to + 1
    entries = MatchPushEntry.objects.filter(
        push=chunk.push_id,
        side=chunk.side,
        position__gte=first,
        position__lte=chunk.last_id,
    ).order_by("position")
    profiles = {}
    for position, profile, item_id in entries.values_list(
        "position", "profile", "item_id"
    ):
        profiles.setdefault(profile, []).append((position, item_id))
    for members in profiles.values():
        for start in range(0, len(members), FANOUT):
            yield members[start : start + FANOUT]


def _mark(chunk: MatchPushChunk, done_up_to: int, sent: int) -> None:
    chunk.done_up_to = done_up_to
    chunk.sent += sent
    chunk.save(update_fields=["done_up_to", "sent"])


def _current_profiles(resumes: dict) -> list[list]:
    """The resumes grouped by their profile as it is now (SEEKER_PROFILES)."""
    if not resumes:
        return []
    groups = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, profile FROM ({SEEKER_PROFILES}) AS p(id, profile) "
            "WHERE id = ANY(%s)",
            [list(resumes)],
        )
        for resume_id, profile in cursor.fetchall():
            groups.setdefault(profile, []).append(resumes[resume_id])
    return list(groups.values())


def _push_to_seekers(chunk: MatchPushChunk, members, per_person: int) -> int:
    """Seekers of one profile: each one's best new postings scoring GOOD_MATCH or
    more, at most per_person, never one told before (MatchNotice). Ranked once,
    then each seeker's own applications left out. The notices, the messages and
    the progress marker commit together: a retry after the worker died sends
    what the killed run had not sent yet."""
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
    extra = max((len(postings) for postings in applied.values()), default=0)
    matches = []
    for group in _current_profiles(resumes):
        # One ranking per profile as it is now: a seeker who edited their resume
        # since the plan is ranked on their own, not with the others.
        ranking = [
            posting
            for posting in matching.postings_for(
                group[0], limit=per_person + extra, since=since, applied=False
            )
            if posting.score >= matching.GOOD_MATCH
        ]
        matches += [
            (resume, posting)
            for resume in group
            for posting in [
                posting
                for posting in ranking
                if posting.pk not in applied.get(resume.person_id, ())
            ][:per_person]
        ]
    with transaction.atomic():
        fresh = _new_notices(MatchNotice.Side.SEEKER, matches)
        told, contexts = {}, {}
        for resume, posting in fresh:
            told.setdefault(resume, []).append(posting)
        messages = []
        for resume, postings in told.items():
            key = tuple(posting.pk for posting in postings)
            context = contexts.setdefault(key, {"postings": postings})
            messages.append((resume.person.user, context, reverse("jobs:jobs_for_me")))
        if messages:
            notify_many("matches_for_seeker", messages)
        _mark(chunk, members[-1][0], len(messages))
    return len(messages)


def _push_to_employers(chunk: MatchPushChunk, members, per_person: int) -> int:
    """New postings of one profile: how many good candidates each has that its
    employer was not told of, to the employer's staff."""
    postings = list(
        JobPosting.objects.published()
        .filter(
            pk__in=[posting_id for _position, posting_id in members],
            published_at__gte=chunk.push.since,
        )
        .select_related("employer", "org_unit")
        .order_by("pk")
    )
    candidates = []
    if postings:
        candidates = [
            resume
            for resume in matching.resumes_for(postings[0], limit=per_person)
            if resume.score >= matching.GOOD_MATCH
        ]
    with transaction.atomic():
        fresh = _new_notices(
            MatchNotice.Side.EMPLOYER,
            [(resume, posting) for posting in postings for resume in candidates],
        )
        counts = {}
        for _resume, posting in fresh:
            counts[posting] = counts.get(posting, 0) + 1
        staff = {}
        messages = []
        for posting, count in counts.items():
            if posting.employer_id not in staff:
                staff[posting.employer_id] = list(
                    posting.employer.staff.filter(is_active=True)
                )
            url = reverse("jobs:posting_candidates", args=[posting.pk])
            context = {"posting": posting, "count": count}
            messages += [(user, context, url) for user in staff[posting.employer_id]]
        if messages:
            notify_many("matches_for_employer", messages)
        _mark(chunk, members[-1][0], len(counts))
    return len(counts)


def _new_notices(side: str, matches: list[tuple]) -> list[tuple]:
    """Record the (resume, posting) matches as told; returns those not told
    before, in their order."""
    if not matches:
        return []
    columns = [
        [resume.pk for resume, _posting in matches],
        [posting.pk for _resume, posting in matches],
        [
            (posting if side == MatchNotice.Side.SEEKER else resume).score
            for resume, posting in matches
        ],
    ]
    with connection.cursor() as cursor:
        cursor.execute(NOTICES, [side, *columns])
        new = set(cursor.fetchall())
    return [(r, p) for r, p in matches if (r.pk, p.pk) in new]
