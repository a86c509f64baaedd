"""The intervals the statistics read (jobs/models/history.py), written by the
posting and resume services when a posting opens or stops, or a resume is saved.

The rule that keeps a past period's figures still (docs/statistics.md, "Supply and
demand"): an interval starts only today; its end moves only while it is today or
later, and never before yesterday (an interval that runs on stops yesterday or
today, and is extended into the future). So every day before today is covered by
the same intervals, with the same attributes, as when it passed. Callers hold the
posting's or the resume's row lock, so two calls cannot both find no running
interval and start one each."""

import datetime

from django.utils import timezone

from jobs.models import JobPosting, PostingInterval, Resume, ResumeInterval

ONE_DAY = datetime.timedelta(days=1)


def _posting_attributes(posting: JobPosting) -> dict:
    employer = posting.employer
    return {
        "employer_id": employer.pk,
        "org_unit_id": posting.org_unit_id,
        "headcount": posting.headcount,
        "occupation_group": posting.occupation_group,
        "occupation_name": posting.occupation_name,
        "industry": posting.industry or employer.industry,
        "ownership": employer.ownership,
        "education": posting.education,
        "salary_min": posting.salary_min,
    }


def _resume_attributes(resume: Resume) -> dict:
    groups = resume.intended_occupation_groups
    return {
        "person_id": resume.person_id,
        "org_unit_id": resume.person.residence_id,
        "occupation_group": groups[0] if groups else "",
        "occupations": resume.intended_occupations[:100],
        "expected_salary_min": resume.expected_salary_min,
    }


def _same(interval, attributes: dict) -> bool:
    return all(getattr(interval, name) == value for name, value in attributes.items())


def _stop(interval, last_day: datetime.date) -> None:
    """Stop a running interval after `last_day` (never later than it ends)."""
    interval.ends_on = min(interval.ends_on, last_day)
    interval.is_current = False
    interval.save(update_fields=["ends_on", "is_current"])


def _run(model, owner: dict, attributes: dict, ends_on: datetime.date) -> None:
    """Count from today to `ends_on` with these attributes: extend the running
    interval when nothing counted changed; else stop it and start a new one."""
    today = timezone.localdate()
    current = model.objects.filter(**owner, is_current=True).first()
    if current is not None and current.ends_on >= today:
        if _same(current, attributes):
            current.ends_on = ends_on
            current.save(update_fields=["ends_on"])
            return
        if current.starts_on == today:
            # Nothing of it has passed yet: it becomes the new one.
            for name, value in attributes.items():
                setattr(current, name, value)
            current.ends_on = ends_on
            current.save()
            return
        _stop(current, today - ONE_DAY)
    elif current is not None:
        _stop(current, current.ends_on)  # lapsed: it stays where it ended
    model.objects.create(**owner, **attributes, starts_on=today, ends_on=ends_on)


def open_posting(posting: JobPosting) -> None:
    """The posting is public from today until its closing date."""
    if posting.valid_until < timezone.localdate():
        stop_posting(posting)  # a closing date already passed opens nothing
        return
    attributes = _posting_attributes(posting)
    _run(PostingInterval, {"posting": posting}, attributes, posting.valid_until)


def stop_posting(posting: JobPosting) -> None:
    """The posting stops being public today; today still counts."""
    current = PostingInterval.objects.filter(posting=posting, is_current=True).first()
    if current is not None:
        _stop(current, timezone.localdate())


def resume_ends_on(day: datetime.date) -> datetime.date:
    """The last day a resume saved on `day` counts: the end of the month after
    next."""
    month = day.month + 2
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    first_after = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_after - ONE_DAY


def save_resume_interval(resume: Resume) -> None:
    """The resume counts from today to the end of the month after next."""
    attributes = _resume_attributes(resume)
    _run(
        ResumeInterval,
        {"resume": resume},
        attributes,
        resume_ends_on(timezone.localdate()),
    )
