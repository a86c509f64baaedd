"""Scheduled tasks of the jobs app (declared in config's setup_schedules)."""

from jobs import services


def expire_postings() -> int:
    return services.expire_postings()


def send_interview_reminders() -> int:
    return services.send_interview_reminders()


def push_new_matches() -> int:
    return services.push_new_matches()
