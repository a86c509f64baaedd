"""At the fair: seekers' passes, scans at the gate, no-shows and employer points."""

import datetime
import re
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from fairs.errors import FairError
from fairs.models import (
    BoothBooking,
    JobFair,
    PointsEntry,
    Scan,
    SeekerPass,
    read_pass_token,
)
from fairs.services.bookings import lock_keys, new_short_code
from fairs.services.points import award_points
from portal.audit import audit
from portal.models import Person, User

SHORT_CODE = re.compile(r"^[2-9A-HJ-NP-Z]{8}$")
# PostgreSQL stores no NUL in text: a scan holding one keeps this sign instead.
NUL_SIGN = "\N{SYMBOL FOR NULL}"
FAIR_LOCK = 43


def register_to_attend(fair: JobFair, *, person: Person) -> SeekerPass:
    """A seeker registers for a fair and gets a pass; at most the fair's seeker
    capacity (checked under a lock on the fair, the pretix way)."""
    if fair.status != JobFair.Status.PUBLISHED or fair.date < timezone.localdate():
        raise FairError(_("Registration for this fair is closed."))
    existing = fair.passes.filter(person=person, status="active").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            lock_keys((FAIR_LOCK, fair.pk))
            if fair.passes.filter(status="active").count() >= fair.seeker_capacity:
                raise FairError(_("This fair is full. Please choose another fair."))
            seeker_pass = SeekerPass.objects.create(
                fair=fair, person=person, short_code=new_short_code()
            )
    except IntegrityError:
        return fair.passes.get(person=person, status="active")
    audit(person.user, "fairs.pass.registered", seeker_pass)
    return seeker_pass


def _find(fair: JobFair, raw: str):
    """The booking or pass a scanned text names, locked for the scan: a signed QR
    token, or the 8-character entry code typed in (this fair's first, then any
    other fair's). None when it names nothing."""
    raw = raw.strip()
    bookings = BoothBooking.objects.select_related("booth", "employer")
    passes = SeekerPass.objects.select_related("person")
    token = read_pass_token(raw)
    if token is not None:
        kind, code = token
        found = bookings if kind == "E" else passes
        return found.select_for_update(of=("self",)).filter(code=code).first()
    code = raw.upper()
    if SHORT_CODE.match(code):
        return (
            bookings.select_for_update(of=("self",))
            .filter(fair=fair, short_code=code)
            .first()
            or passes.select_for_update(of=("self",))
            .filter(fair=fair, short_code=code)
            .first()
            # Another fair's code: the same answer as its QR code gives.
            or bookings.filter(short_code=code).exclude(fair=fair).first()
            or passes.filter(short_code=code).exclude(fair=fair).first()
        )
    return None


def _window(fair: JobFair, now: datetime.datetime) -> str | None:
    local = timezone.localtime(now)
    if local.date() != fair.date or local.time() < fair.checkin_starts:
        return Scan.Result.NOT_OPEN
    if local.time() > fair.ends_at:
        return Scan.Result.CLOSED
    return None


def _admit_employer(booking: BoothBooking, direction: str, now) -> str:
    if direction == Scan.Direction.OUT:
        if booking.signed_in_at is None:
            return Scan.Result.UNKNOWN
        booking.signed_out_at = now
        booking.save(update_fields=["signed_out_at", "updated_at"])
        return Scan.Result.SIGNED_OUT
    if booking.signed_in_at and not booking.signed_out_at:
        return Scan.Result.ALREADY
    booking.signed_in_at = booking.signed_in_at or now
    booking.signed_out_at = None
    booking.save(update_fields=["signed_in_at", "signed_out_at", "updated_at"])
    award_points(booking, PointsEntry.Reason.ATTENDED)
    return Scan.Result.SIGNED_IN


def _admit_seeker(seeker_pass: SeekerPass, now) -> str:
    if seeker_pass.entered_at:
        return Scan.Result.ALREADY
    seeker_pass.entered_at = now
    seeker_pass.save(update_fields=["entered_at", "updated_at"])
    return Scan.Result.ENTERED


def scan(
    fair: JobFair,
    raw: str,
    *,
    by: User,
    nonce: uuid.UUID | None = None,
    direction: str = Scan.Direction.IN,
) -> Scan:
    """Check one scanned code at the gate and store the scan, whatever the result.
    The same nonce sent again by the same steward at the same fair (a phone
    retrying) returns the first scan: the unique (nonce, fair, steward) refuses the
    second row, and what the retry did is rolled back. A nonce already used at
    another fair or by another steward is refused, not answered."""
    if nonce is not None:
        earlier = list(Scan.objects.filter(nonce=nonce))
        for record in earlier:
            if record.fair_id == fair.pk and record.scanned_by_id == by.pk:
                return record
        if earlier:
            # An honest retry never does this: a new scan under a nonce someone
            # else used is either a bug or a replay, so it is refused and recorded.
            audit(by, "fairs.scan.nonce_reused", fair, {"nonce": str(nonce)})
            raise FairError(
                _("This scan id was already used elsewhere. Scan the code again.")
            )
    try:
        return _scan_once(fair, raw, by=by, nonce=nonce, direction=direction)
    except IntegrityError:
        if nonce is None:
            raise
        return Scan.objects.get(nonce=nonce, fair=fair, scanned_by=by)


@transaction.atomic
def _scan_once(fair, raw, *, by, nonce, direction) -> Scan:
    now = timezone.now()
    raw = raw.replace("\x00", NUL_SIGN)
    target = _find(fair, raw)
    record = Scan(
        fair=fair, raw=raw[:200], nonce=nonce, direction=direction, scanned_by=by
    )
    if isinstance(target, BoothBooking):
        record.booking = target
    elif isinstance(target, SeekerPass):
        record.seeker_pass = target
    if target is None:
        record.result = Scan.Result.UNKNOWN
    elif target.fair_id != fair.pk:
        record.result = Scan.Result.WRONG_FAIR
    elif not target.is_active:
        record.result = Scan.Result.REVOKED
    else:
        record.result = _window(fair, now) or (
            _admit_employer(target, direction, now)
            if isinstance(target, BoothBooking)
            else _admit_seeker(target, now)
        )
    record.save()
    return record


def scan_message(record: Scan) -> str:
    """What the steward reads, in big words."""
    detail = ""
    if record.booking_id:
        detail = f"{record.booking.booth.number} · {record.booking.employer.name}"
    elif record.seeker_pass_id:
        detail = record.seeker_pass.person.masked_name
    elif NUL_SIGN in record.raw:
        detail = _("Not a valid code: it holds a NUL character.")
    if record.result == Scan.Result.NOT_OPEN:
        fair = record.fair
        detail += " · " + _("check-in opens on %(date)s at %(time)s") % {
            "date": date_format(fair.date, "MONTH_DAY_FORMAT"),
            "time": time_format(fair.checkin_starts, "H:i"),
        }
    if record.result == Scan.Result.ALREADY:
        moment = (
            record.booking.signed_in_at
            if record.booking_id
            else record.seeker_pass.entered_at
        )
        detail += " · " + _("first at %(time)s") % {
            "time": time_format(timezone.localtime(moment), "H:i")
        }
    return detail


@transaction.atomic
def annul_scan(record: Scan, *, by: User) -> Scan:
    """Undo a wrong scan (a supervisor's decision): the entry or sign-in it made
    no longer counts."""
    record = Scan.objects.select_for_update().get(pk=record.pk)
    if record.annulled_at is not None:
        raise FairError(_("This scan is already annulled."))
    record.annulled_at = timezone.now()
    record.annulled_by = by
    record.save(update_fields=["annulled_at", "annulled_by"])
    if record.result == Scan.Result.ENTERED:
        SeekerPass.objects.filter(pk=record.seeker_pass_id).update(entered_at=None)
    elif record.result == Scan.Result.SIGNED_IN:
        BoothBooking.objects.filter(pk=record.booking_id).update(signed_in_at=None)
        PointsEntry.objects.filter(
            booking_id=record.booking_id, reason=PointsEntry.Reason.ATTENDED
        ).delete()
    audit(by, "fairs.scan.annulled", record)
    return record


def release_no_shows(*, now: datetime.datetime | None = None) -> int:
    """Every 15 minutes: bookings not signed in when their fair's check-in window
    has closed are released and counted as no-shows."""
    now = timezone.localtime(now or timezone.now())
    released = 0
    due = BoothBooking.objects.active().filter(
        signed_in_at__isnull=True, fair__date__lte=now.date()
    )
    for booking in due.select_related("fair"):
        fair = booking.fair
        if fair.date == now.date() and now.time() <= fair.checkin_ends:
            continue
        with transaction.atomic():
            updated = BoothBooking.objects.filter(
                pk=booking.pk, status=BoothBooking.Status.ACTIVE, signed_in_at=None
            ).update(status=BoothBooking.Status.RELEASED, updated_at=now)
            if updated:
                award_points(booking, PointsEntry.Reason.NO_SHOW)
                audit(None, "fairs.booking.released", booking)
                released += 1
    return released
