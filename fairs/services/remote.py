"""Remote booths (现场 + 远程): registered seekers who are not at the venue queue
for a walk-in video call at a booth during the fair's hours, first come first
served; the employer's staff call the next one into a video room."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs.errors import FairError
from fairs.models import BoothBooking, RemoteCall, SeekerPass, fair_is_on
from jobs import services as jobs_services
from portal.audit import audit
from portal.models import User
from portal.services import notify


def _check_fair_is_on(booking: BoothBooking) -> None:
    if not booking.is_active or not fair_is_on(booking.fair):
        raise FairError(_("Remote calls are taken only during the fair's hours."))


@transaction.atomic
def join_remote_queue(booking: BoothBooking, *, by: User) -> RemoteCall:
    """A seeker registered for the fair (with a pass) and not inside the venue
    joins the booth's queue, once at a time."""
    _check_fair_is_on(booking)
    if not by.is_seeker or not hasattr(by, "person"):
        raise FairError(_("Only job seekers queue for a remote call."))
    seeker_pass = SeekerPass.objects.filter(
        fair=booking.fair, person=by.person, status=SeekerPass.Status.ACTIVE
    ).first()
    if seeker_pass is None:
        raise FairError(_("Register for the fair first."))
    if seeker_pass.entered_at is not None:
        raise FairError(_("You are at the venue: visit the booth in person."))
    try:
        with transaction.atomic():
            call = RemoteCall.objects.create(booking=booking, seeker=by)
    except IntegrityError as error:
        raise FairError(_("You are already in this booth's queue.")) from error
    audit(by, "fairs.remote_call.joined", call)
    return call


@transaction.atomic
def leave_remote_queue(call: RemoteCall, *, by: User) -> RemoteCall:
    call = RemoteCall.objects.select_for_update().get(pk=call.pk)
    if call.seeker_id != by.pk or call.status != RemoteCall.Status.WAITING:
        raise FairError(_("You are not waiting in this queue."))
    call.status = RemoteCall.Status.LEFT
    call.save(update_fields=["status"])
    audit(by, "fairs.remote_call.left", call)
    return call


@transaction.atomic
def call_next_remote(booking: BoothBooking, *, by: User) -> RemoteCall | None:
    """The booth's staff call the first seeker waiting into a new video room; the
    call before it is done. The booking row is locked, so two staff clicking at
    once call two different seekers. None when nobody waits."""
    if not (by.is_employer_staff and by.employer_id == booking.employer_id):
        raise FairError(_("Only the booth's employer takes its remote calls."))
    booking = BoothBooking.objects.select_for_update().get(pk=booking.pk)
    _check_fair_is_on(booking)
    booking.remote_calls.filter(status=RemoteCall.Status.CALLED).update(
        status=RemoteCall.Status.DONE
    )
    call = booking.remote_calls.filter(status=RemoteCall.Status.WAITING).first()
    if call is None:
        return None
    call.room = jobs_services.open_walk_in_room(
        employer_id=booking.employer_id, seeker=call.seeker, by=by
    )
    call.status = RemoteCall.Status.CALLED
    call.called_at = timezone.now()
    call.save(update_fields=["room", "status", "called_at"])
    audit(by, "fairs.remote_call.called", call)
    notify(
        call.seeker,
        "remote_call_ready",
        {"call": call, "employer": booking.employer, "fair": booking.fair},
        url=call.room.get_absolute_url(),
    )
    return call
