"""At the booth: seekers register interest in the jobs shown, employers record
preliminary hiring intentions."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs.errors import FairError
from fairs.models import BoothBooking, BoothVisit
from jobs import services as job_services
from jobs.models import JobPosting
from portal.audit import audit
from portal.models import Person, User


@transaction.atomic
def register_interest(
    booking: BoothBooking, *, person: Person, postings: list[JobPosting]
) -> BoothVisit:
    """Apply to the chosen jobs of the booth (through the jobs app, so the employer
    sees the applications with the resume) and record the visit, once."""
    if not booking.is_active:
        raise FairError(_("This booth is no longer at the fair."))
    shown = set(booking.postings.values_list("pk", flat=True))
    if not postings or any(posting.pk not in shown for posting in postings):
        raise FairError(_("Choose at least one of the jobs shown at this booth."))
    for posting in postings:
        try:
            job_services.apply_to_posting(posting, person=person)
        except job_services.JobError as error:
            if posting.applications.filter(person=person).exists():
                continue  # applied before: the visit still counts
            raise FairError(str(error)) from error
    try:
        with transaction.atomic():
            visit = BoothVisit.objects.create(booking=booking, person=person)
    except IntegrityError:
        visit = BoothVisit.objects.get(booking=booking, person=person)
    audit(person.user, "fairs.visit.registered", visit)
    return visit


@transaction.atomic
def record_intention(visit: BoothVisit, *, by: User, note: str = "") -> BoothVisit:
    visit = BoothVisit.objects.select_for_update().get(pk=visit.pk)
    if not (by.is_employer_staff and by.employer_id == visit.booking.employer_id):
        raise FairError(_("Only the employer at this booth can record an intention."))
    visit.has_intention = True
    visit.intention_note = note
    visit.intention_at = timezone.now()
    visit.save(
        update_fields=["has_intention", "intention_note", "intention_at", "updated_at"]
    )
    audit(by, "fairs.visit.intention", visit)
    return visit
