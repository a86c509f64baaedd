"""Scheduled tasks of the jobs app (declared in config's setup_schedules)."""

from jobs import services
from jobs.models import MatchPushChunk


def expire_postings() -> int:
    return services.expire_postings()


def send_interview_reminders() -> int:
    return services.send_interview_reminders()


def push_new_matches() -> int:
    """Plan the daily push; the workers send it chunk by chunk."""
    return services.start_match_push().chunks.count()


def push_match_chunk(chunk_id: int) -> int:
    return services.push_match_chunk(MatchPushChunk.objects.get(pk=chunk_id))


def resume_match_pushes() -> int:
    return services.resume_match_pushes()
