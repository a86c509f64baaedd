"""Unemployed graduates (离校未就业): registration, contacts and status."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from graduates.errors import GraduateError
from graduates.models import (
    Contact,
    Graduate,
    Leaver,
)
from graduates.services.reports import lock_graduate
from jobs.models import JobPosting
from portal.audit import audit
from portal.models import User


@transaction.atomic
def register_leaver(
    graduate: Graduate, *, by: User, job_wishes: str, service_needs: list[str]
) -> Leaver:
    """离校未就业登记: the graduate (or a caseworker) registers for follow-up
    services; the graduate's destination becomes "looking for work"."""
    graduate = lock_graduate(graduate)
    if graduate.destination and graduate.destination_group != "not_employed":
        raise GraduateError(
            _(
                "%(name)s: the recorded destination is “%(destination)s”. Follow-up "
                "services are for graduates still looking for work; if that has "
                "changed, correct the report first."
            )
            % {
                "name": graduate.person.name,
                "destination": graduate.get_destination_display(),
            }
        )
    try:
        with transaction.atomic():
            leaver = Leaver.objects.create(
                graduate=graduate,
                job_wishes=job_wishes,
                service_needs=service_needs,
                registered_by=by,
                status_changed_on=timezone.localdate(),
            )
    except IntegrityError as error:
        raise GraduateError(
            _("%(name)s is already registered for follow-up services.")
            % {"name": graduate.person.name}
        ) from error
    graduate.destination = Graduate.Destination.SEEKING
    graduate.save(update_fields=["destination", "updated_at"])
    audit(by, "graduates.leaver.registered", leaver)
    return leaver


@transaction.atomic
def log_contact(
    leaver: Leaver,
    *,
    by: User,
    contacted_on: datetime.date,
    channel: str,
    services: list[str],
    note: str = "",
    postings: list[JobPosting] = (),
) -> Contact:
    """A caseworker records one contact with the services given and the postings
    referred; the graduate sees it and the referred postings in their page."""
    if contacted_on > timezone.localdate():
        raise GraduateError(_("A contact cannot be in the future."))
    contact = Contact.objects.create(
        leaver=leaver,
        contacted_on=contacted_on,
        channel=channel,
        services=services,
        note=note,
        caseworker=by,
    )
    contact.referred_postings.set(postings)
    audit(by, "graduates.leaver.contacted", leaver, {"services": services})
    return contact


@transaction.atomic
def set_leaver_status(leaver: Leaver, status: str, *, by: User) -> Leaver:
    """Found work, no wish to work for now, or looking again."""
    leaver = Leaver.objects.select_for_update().get(pk=leaver.pk)
    if leaver.status == status:
        return leaver
    leaver.status = status
    leaver.status_changed_on = timezone.localdate()
    leaver.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit(by, "graduates.leaver.closed", leaver, {"status": status})
    return leaver
