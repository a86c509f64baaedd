"""Employers book, confirm and cancel booths (the pretix locking recipe)."""

import secrets

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from fairs.errors import FairError
from fairs.models import Booth, BoothBooking, JobFair, PointsEntry
from fairs.services.points import award_points, booking_block
from jobs.models import JobPosting
from portal.audit import audit
from portal.models import Employer, User
from portal.services import notify_employer_staff

SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


# Keyspaces of pg_advisory_xact_lock(keyspace, pk), the pretix locking recipe.
BOOTH_LOCK, EMPLOYER_LOCK = 41, 42


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))


def lock_keys(*keys: tuple[int, int]) -> None:
    """Advisory locks held until commit, taken in one order (no deadlocks), given
    up after 3 s with a "try again" instead of waiting for ever; one round trip.
    The caller's lock_timeout is back once they are taken: a longer transaction
    (seeding the demo) must not inherit the 3 s. The nested queries (OFFSET 0
    keeps them apart) fix the order: read the timeout, lock, restore it."""
    keys = sorted(keys)
    locks = ", ".join(["pg_advisory_xact_lock(%s, %s)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', previous, true) FROM ("
            f" SELECT previous, set_config('lock_timeout', '3s', true), {locks}"
            " FROM (SELECT current_setting('lock_timeout') AS previous OFFSET 0)"
            " AS caller OFFSET 0) AS locked",
            [value for key in keys for value in key],
        )


def employer_refusal(fair: JobFair, employer: Employer) -> str:
    """Why this employer cannot book at this fair whatever the booth, or "": the
    fair's page says it before offering a booth."""
    if fair.verified_only and not employer.is_verified:
        return _("Only verified employers can book a booth at this fair.")
    blocked_until = booking_block(employer)
    if blocked_until is not None:
        return _(
            "After repeated no-shows, your employer may book again from %(date)s."
        ) % {"date": date_format(blocked_until)}
    return ""


def cancel_refusal(booking: BoothBooking, *, by: User) -> str:
    """Why `by` cannot cancel this booking now, or "": the confirm page says it
    instead of offering the button."""
    if not booking.is_active:
        return _("This booking is no longer active.")
    if by.is_employer_staff and booking.fair.date <= timezone.localdate():
        return _(
            "A booking can be cancelled online until the day before the fair. "
            "On the day of the fair, please call the organiser."
        )
    return ""


def booth_refusal(fair: JobFair, booth: Booth) -> str:
    """Why no employer can book this booth now, or "": the booking page says it
    before reading the form. Most losers of a rush stop here, before any lock, at
    no query for a booth loaded with `Booth.objects.with_taken()`; the check under
    the lock in book_booth is the one that counts."""
    if not fair.is_booking_open():
        return _("Booking for this fair is not open.")
    if booth.fair_id != fair.pk:
        return _("This booth belongs to another fair.")
    taken = getattr(booth, "is_taken", None)
    if taken is None:
        taken = BoothBooking.objects.active().filter(booth=booth).exists()
    return _taken_message(booth) if taken else ""


def _check_booking(fair: JobFair, booth: Booth, employer: Employer, postings) -> None:
    refusal = booth_refusal(fair, booth) or employer_refusal(fair, employer)
    if refusal:
        raise FairError(refusal)
    if len(postings) > fair.max_postings:
        raise FairError(
            _("Choose at most %(count)d job postings.") % {"count": fair.max_postings}
        )
    own = JobPosting.objects.published().filter(employer=employer)
    if any(posting not in own for posting in postings):
        raise FairError(_("Only your own published job postings can be shown."))


def _taken_message(booth: Booth) -> str:
    return _("Booth %(number)s has just been taken. Please choose another one.") % {
        "number": booth.number
    }


def book_booth(
    fair: JobFair,
    booth: Booth,
    *,
    employer: Employer,
    postings: list[JobPosting],
    by: User,
) -> BoothBooking:
    """Book a booth for an employer. Checks first, then the locks as late as
    possible (pretix): the booth and the employer, so two bookers of one booth or
    one employer booking twice end with one booking; the partial unique indexes
    hold even without the locks. The loser gets a clear message."""
    _check_booking(fair, booth, employer, postings)
    try:
        with transaction.atomic():
            lock_keys((BOOTH_LOCK, booth.pk), (EMPLOYER_LOCK, employer.pk))
            # The booth's active booking and the employer's at this fair, at once.
            clashes = dict(
                BoothBooking.objects.active()
                .filter(Q(booth=booth) | Q(fair=fair, employer=employer))
                .order_by()
                .values_list("booth_id", "booth__number")
            )
            if booth.pk in clashes:
                raise FairError(_taken_message(booth))
            if clashes:
                raise FairError(
                    _("You have already booked booth %(number)s at this fair.")
                    % {"number": next(iter(clashes.values()))}
                )
            booking = BoothBooking.objects.create(
                fair=fair,
                booth=booth,
                employer=employer,
                booked_by=by,
                short_code=new_short_code(),
            )
            if postings:
                booking.postings.add(*postings)
            audit(by, "fairs.booking.booked", booking)
            # Queued in the booking's own transaction (the queue is a table of
            # this database): the confirmation is sent if and only if the booking
            # commits, and the request pays for no second commit.
            async_task("fairs.tasks.confirm_booking", booking.pk)
    except IntegrityError as error:
        raise FairError(_taken_message(booth)) from error
    except OperationalError as error:  # lock_timeout: too many bookers at once
        raise FairError(
            _("Many employers are booking right now. Please try again.")
        ) from error
    return booking


def confirm_booking(booking: BoothBooking) -> None:
    """The confirmation message and e-mail with the pass, sent by a task after
    the booking has committed (the booking request stays short)."""
    if booking.is_active:
        notify_employer_staff(
            booking.employer,
            "booth_booked",
            {"booking": booking},
            url=booking.get_absolute_url(),
        )


@transaction.atomic
def cancel_booking(
    booking: BoothBooking, *, by: User, reason: str = ""
) -> BoothBooking:
    """Free the booth and revoke the pass. Employers may cancel until the fair;
    after the free-cancellation deadline it counts as a late cancellation.
    Caseworkers cancel with a reason the employer reads."""
    booking = (
        BoothBooking.objects.select_for_update(of=("self",))
        .select_related("fair", "booth", "employer")
        .get(pk=booking.pk)
    )
    refusal = cancel_refusal(booking, by=by)
    if refusal:
        raise FairError(refusal)
    now = timezone.now()
    booking.status = BoothBooking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason
    booking.is_late_cancel = (
        by.is_employer_staff and not booking.fair.can_cancel_freely(now)
    )
    booking.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "is_late_cancel",
            "updated_at",
        ]
    )
    audit(by, "fairs.booking.cancelled", booking, {"reason": reason})
    if booking.is_late_cancel:
        award_points(booking, PointsEntry.Reason.LATE_CANCEL)
    if not by.is_employer_staff:
        notify_employer_staff(
            booking.employer,
            "booth_cancelled",
            {"booking": booking, "reason": reason},
            url=booking.get_absolute_url(),
        )
    return booking
