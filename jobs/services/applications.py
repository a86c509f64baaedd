"""Resumes, applications and favourites."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.errors import JobError
from jobs.models import (
    Application,
    FavouritePosting,
    FavouriteResume,
    JobPosting,
    Resume,
)
from jobs.services import history
from portal.audit import audit
from portal.models import Employer, Person, User
from portal.services import notify, notify_employer_staff


@transaction.atomic
def save_resume(resume: Resume, *, by: User, formsets=()) -> Resume:
    """Save a seeker's resume with its work and education entries; it counts as
    a seeker's until the end of the month after next (services/history.py)."""
    created = resume.pk is None
    if not created:
        Resume.objects.select_for_update().get(pk=resume.pk)  # one running interval
    resume.save()
    history.save_resume_interval(resume)
    for formset in formsets:
        formset.instance = resume
        formset.save()
    audit(by, "jobs.resume.created" if created else "jobs.resume.changed", resume)
    return resume


def apply_to_posting(
    posting: JobPosting, *, person: Person, message: str = ""
) -> Application:
    """One application per person and posting (a unique constraint decides races);
    the employer's staff are told."""
    resume = Resume.objects.filter(person=person).first()
    if resume is None:
        raise JobError(_("Fill in your resume before you apply."))
    if not posting.is_public:
        raise JobError(_("This job is no longer open."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                posting=posting, person=person, resume=resume, message=message.strip()
            )
            audit(person.user, "jobs.application.submitted", application)
            notify_employer_staff(
                posting.employer,
                "application_received",
                {"posting": posting, "application": application},
                url=reverse("jobs:posting_applicants", args=[posting.pk]),
            )
    except IntegrityError as error:
        raise JobError(_("You have already applied for this job.")) from error
    return application


@transaction.atomic
def withdraw_application(application: Application, *, by: User) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.can_be_withdrawn():
        raise JobError(_("This application can no longer be withdrawn."))
    set_application_status(application, Application.Status.WITHDRAWN)
    audit(by, "jobs.application.withdrawn", application)
    return application


@transaction.atomic
def mark_application_viewed(application: Application, *, by: User) -> Application:
    """The employer opened the application: the seeker sees “viewed”."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == Application.Status.RECEIVED:
        set_application_status(application, Application.Status.VIEWED)
        audit(by, "jobs.application.viewed", application)
    return application


@transaction.atomic
def move_application(application: Application, *, to: str, by: User) -> Application:
    """The employer's pipeline: viewed → interview invited → hired / not suitable."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if to not in application.next_statuses():
        raise JobError(
            _("An application that is “%(status)s” cannot be moved there.")
            % {"status": application.get_status_display()}
        )
    set_application_status(application, to)
    audit(by, "jobs.application.moved", application, data={"to": to})
    if to in (Application.Status.HIRED, Application.Status.NOT_SUITABLE):
        notify(
            application.person.user,
            "application_decided",
            {"application": application, "posting": application.posting},
            url=reverse("jobs:application_list"),
        )
    return application


def set_application_status(application: Application, status: str) -> None:
    """Record a new pipeline status; callers audit and notify."""
    application.status = status
    application.status_changed_at = timezone.now()
    application.save(update_fields=["status", "status_changed_at", "updated_at"])


def toggle_favourite_posting(posting: JobPosting, *, person: Person) -> bool:
    """Add or remove a favourite; returns True when it is now a favourite."""
    deleted, _rows = FavouritePosting.objects.filter(
        person=person, posting=posting
    ).delete()
    if deleted:
        return False
    FavouritePosting.objects.get_or_create(person=person, posting=posting)
    return True


def toggle_favourite_resume(resume: Resume, *, employer: Employer) -> bool:
    deleted, _rows = FavouriteResume.objects.filter(
        employer=employer, resume=resume
    ).delete()
    if deleted:
        return False
    FavouriteResume.objects.get_or_create(employer=employer, resume=resume)
    return True
