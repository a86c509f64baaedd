"""The recruiting hall: terminals enrolled and revoked, kiosk sessions (identity,
resume, check-in), the employer desks (favourite, invitation, result) and the
screen's stored figures (docs/recruiting-hall.md)."""

import datetime
import hashlib
import hmac
import secrets
from importlib import import_module

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fairs.errors import FairError
from fairs.models import (
    DeskContact,
    Hall,
    HallCheckIn,
    HallFigures,
    KioskSession,
    Terminal,
)
from fairs.models.halls import token_digest
from fairs.queries import hall_figures, market_figures
from jobs import services as job_services
from jobs.models import JobPosting, OccupationGroup, Resume
from portal.audit import audit, save_with_audit
from portal.models import Person, User
from portal.services import send_sms

# Halls and terminals -----------------------------------------------------------


def save_hall(hall: Hall, *, by: User, fields: list[str]) -> Hall:
    return save_with_audit(hall, by=by, fields=fields, action="fairs.hall")


def save_terminal(terminal: Terminal, *, by: User, fields: list[str]) -> Terminal:
    if terminal.kind != Terminal.Kind.DESK:
        terminal.booth = ""
    return save_with_audit(
        terminal, by=by, fields=[*fields, "booth"], action="fairs.terminal"
    )


@transaction.atomic
def enrol_terminal(terminal: Terminal, *, by: User) -> str:
    """Give the device a new token and return the secret (set once as its cookie);
    an earlier token of the terminal stops working."""
    terminal = Terminal.objects.select_for_update().get(pk=terminal.pk)
    if not Hall.objects.for_user(by).filter(pk=terminal.hall_id).exists():
        raise FairError(_("This terminal belongs to a hall outside your area."))
    secret = secrets.token_urlsafe(32)
    terminal.token_digest = token_digest(secret)
    terminal.enrolled_at, terminal.enrolled_by = timezone.now(), by
    terminal.revoked_at = None
    terminal.save(
        update_fields=[
            "token_digest",
            "enrolled_at",
            "enrolled_by",
            "revoked_at",
            "updated_at",
        ]
    )
    audit(by, "fairs.terminal.enrolled", terminal)
    return secret


@transaction.atomic
def revoke_terminal(terminal: Terminal, *, by: User) -> Terminal:
    """A lost or stolen device: its token stops working at once."""
    terminal = Terminal.objects.select_for_update().get(pk=terminal.pk)
    if not terminal.is_enrolled:
        raise FairError(
            _("%(terminal)s has no device enrolled.") % {"terminal": terminal}
        )
    terminal.token_digest = ""
    terminal.revoked_at = timezone.now()
    # An employer's login on a stolen desk would outlive the token.
    _end_login(terminal)
    terminal.employer, terminal.employer_day = None, None
    terminal.save(
        update_fields=[
            "token_digest",
            "revoked_at",
            "employer",
            "employer_day",
            "employer_session_key",
            "updated_at",
        ]
    )
    KioskSession.objects.filter(terminal=terminal, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    audit(by, "fairs.terminal.revoked", terminal)
    return terminal


def terminal_for_token(secret: str, kind: str) -> Terminal | None:
    """The enrolled terminal of this kind holding the token, in an open hall; it is
    marked seen at most once a minute."""
    if not secret or len(secret) > 100:
        return None
    terminal = (
        Terminal.objects.select_related("hall", "employer")
        .filter(token_digest=token_digest(secret), kind=kind, hall__is_open=True)
        .first()
    )
    if terminal is None:
        return None
    now = timezone.now()
    if (
        terminal.last_seen_at is None
        or now - terminal.last_seen_at > datetime.timedelta(minutes=1)
    ):
        Terminal.objects.filter(pk=terminal.pk).update(last_seen_at=now)
    return terminal


# Kiosk sessions ------------------------------------------------------------------


def _code_digest(session: KioskSession, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"kiosk:{session.pk}:{code.strip()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def open_session(terminal: Terminal) -> KioskSession | None:
    """The kiosk's open session, ended here if it has been idle too long; each
    call counts as activity."""
    session = KioskSession.objects.filter(
        terminal=terminal, ended_at__isnull=True
    ).first()
    if session is None:
        return None
    now = timezone.now()
    if session.is_idle(now):
        end_session(session)
        return None
    KioskSession.objects.filter(pk=session.pk).update(last_activity_at=now)
    return session


def end_session(session: KioskSession) -> None:
    KioskSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


@transaction.atomic
def start_session(terminal: Terminal, id_number: str) -> KioskSession | None:
    """A card read or a number typed: a session for the person on record, None
    when the registry has no such person (the kiosk offers registration). The
    kiosk's earlier session ends."""
    Terminal.objects.select_for_update().get(pk=terminal.pk)  # one at a time
    KioskSession.objects.filter(terminal=terminal, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    person = Person.objects.filter(id_number=id_number).first()
    if person is None:
        return None
    return KioskSession.objects.create(terminal=terminal, person=person)


def _count_failure(session: KioskSession) -> None:
    """A wrong answer; the last one allowed ends the session."""
    session.failed_attempts += 1
    fields = ["failed_attempts"]
    if session.failed_attempts >= settings.HALL_KIOSK["attempts"]:
        session.ended_at = timezone.now()
        fields.append("ended_at")
    session.save(update_fields=fields)


def _locked(session: KioskSession) -> KioskSession:
    session = KioskSession.objects.select_for_update().get(pk=session.pk)
    if session.ended_at is not None:
        raise FairError(_("The session has ended. Please start again."))
    return session


@transaction.atomic
def send_code(session: KioskSession) -> KioskSession:
    """A one-time code to the phone on record (never to a number typed here)."""
    session = _locked(session)
    phone = session.person.phone
    if not phone:
        raise FairError(
            _("There is no mobile phone on your record. Confirm your name instead.")
        )
    limit = settings.HALL_KIOSK["codes_per_person_per_day"]
    since = timezone.now() - datetime.timedelta(days=1)
    sent = KioskSession.objects.filter(
        person=session.person, code_sent_at__gte=since
    ).count()
    if sent >= limit:
        raise FairError(_("Too many codes today. Confirm your name instead."))
    code = f"{secrets.randbelow(10**6):06d}"
    session.code_digest = _code_digest(session, code)
    session.code_sent_at = timezone.now()
    session.save(update_fields=["code_digest", "code_sent_at"])
    minutes = settings.HALL_KIOSK["code_minutes"]
    send_sms(
        phone,
        "hall_code",
        {"code": code, "minutes": minutes},
        respect_quiet_hours=False,
    )
    return session


def verify_code(session: KioskSession, code: str) -> KioskSession:
    """The code from the SMS; a wrong one counts (and is kept counted)."""
    session = _check_code(session, code)
    if session.verified_at is None:
        raise FairError(_("The code is wrong or has expired."))
    return session


@transaction.atomic
def _check_code(session, code):
    session = _locked(session)
    minutes = settings.HALL_KIOSK["code_minutes"]
    fresh = session.code_sent_at is not None and (
        timezone.now() - session.code_sent_at < datetime.timedelta(minutes=minutes)
    )
    if fresh and hmac.compare_digest(
        session.code_digest, _code_digest(session, code or "")
    ):
        return _verified(session, KioskSession.Factor.SMS)
    _count_failure(session)
    return session


def confirm_name(session: KioskSession, name: str) -> KioskSession:
    """The name on the card, typed by the person, as on the record."""
    session = _check_name(session, name)
    if session.verified_at is None:
        raise FairError(_("The name does not match the card."))
    return session


@transaction.atomic
def _check_name(session, name):
    session = _locked(session)
    if "".join((name or "").split()) == session.person.name:
        return _verified(session, KioskSession.Factor.NAME)
    _count_failure(session)
    return session


def _verified(session: KioskSession, factor: str) -> KioskSession:
    session.verified_at, session.factor = timezone.now(), factor
    session.code_digest = ""
    session.save(update_fields=["verified_at", "factor", "code_digest"])
    audit(
        None,
        "fairs.kiosk.identified",
        session.person,
        {"kiosk": session.terminal_id, "factor": factor},
    )
    return session


def _ready(session: KioskSession) -> KioskSession:
    session = _locked(session)
    if session.verified_at is None:
        raise FairError(_("Confirm who you are first."))
    return session


@transaction.atomic
def make_resume(
    session: KioskSession, *, groups: list[str], occupations: list[str]
) -> Resume:
    """The e-resume from the registry (name, sex, age, hukou and education come
    from the person record) with the occupations picked at the kiosk."""
    session = _ready(session)
    valid = set(OccupationGroup.values)
    groups = [group for group in dict.fromkeys(groups) if group in valid]
    occupations = [
        word.strip()[:20] for word in dict.fromkeys(occupations) if word.strip()
    ][:5]
    if not groups and not occupations:
        raise FairError(_("Pick at least one kind of work."))
    person = session.person
    resume = Resume.objects.filter(person=person).first() or Resume(person=person)
    resume.intended_occupation_groups = groups
    resume.intended_occupations = " ".join(occupations)[:100]
    job_services.save_resume(resume, by=person.user)
    session.resume_made_at = timezone.now()
    session.save(update_fields=["resume_made_at"])
    audit(
        person.user, "fairs.kiosk.resume_made", resume, {"kiosk": session.terminal_id}
    )
    return resume


@transaction.atomic
def send_resume_link(session: KioskSession, *, site_url: str) -> None:
    """A link to the resume (the signed share link) by SMS to the phone on record."""
    session = _ready(session)
    resume = Resume.objects.filter(person=session.person).first()
    if resume is None or not session.person.phone:
        raise FairError(_("There is no resume or no phone on record to send it to."))
    send_sms(
        session.person.phone,
        "hall_resume_link",
        {"link": site_url + resume.share_url(), "days": settings.RESUME_SHARE_DAYS},
        respect_quiet_hours=False,
    )


@transaction.atomic
def check_in(session: KioskSession, *, shares_resume: bool) -> HallCheckIn:
    """Present in the hall today: employers at its desks see the person (the full
    resume only with `shares_resume`). Checking in again changes only that."""
    session = _ready(session)
    hall = session.terminal.hall
    if not Resume.objects.filter(person=session.person).exists():
        raise FairError(_("Make your resume first."))
    check_in, created = HallCheckIn.objects.get_or_create(
        hall=hall,
        day=timezone.localdate(),
        person=session.person,
        defaults={"shares_resume": shares_resume},
    )
    if not created and check_in.shares_resume != shares_resume:
        check_in.shares_resume = shares_resume
        check_in.save(update_fields=["shares_resume"])
    audit(
        session.person.user,
        "fairs.hall.checked_in",
        check_in,
        {"shares_resume": shares_resume},
    )
    _refresh_after_commit(hall)
    return check_in


# Employer desks ------------------------------------------------------------------


@transaction.atomic
def take_desk(desk: Terminal, *, by: User, session_key: str = "") -> Terminal:
    """The employer signed in at this desk sits at its booth today; `session_key`
    is their login on the device, ended when the hall closes."""
    if not (by.is_employer_staff and by.employer.is_verified):
        raise FairError(_("Sign in with a verified employer account."))
    desk = Terminal.objects.select_for_update().get(pk=desk.pk)
    today = timezone.localdate()
    if (
        desk.employer_id == by.employer_id
        and desk.employer_day == today
        and desk.employer_session_key == session_key
    ):
        return desk
    desk.employer, desk.employer_day = by.employer, today
    desk.employer_session_key = session_key
    desk.save(
        update_fields=["employer", "employer_day", "employer_session_key", "updated_at"]
    )
    audit(by, "fairs.desk.taken", desk)
    _refresh_after_commit(desk.hall)
    return desk


def _desk_check_in(desk: Terminal, check_in: HallCheckIn, by: User) -> None:
    if not (
        by.is_employer_staff
        and desk.employer_today() == by.employer_id
        and check_in.hall_id == desk.hall_id
        and check_in.day == timezone.localdate()
    ):
        raise FairError(_("This person is not in your hall today."))


def _contact(desk, check_in, by) -> DeskContact:
    _desk_check_in(desk, check_in, by)
    try:
        with transaction.atomic():
            contact, _created = DeskContact.objects.get_or_create(
                check_in=check_in, employer=by.employer, defaults={"desk": desk}
            )
    except IntegrityError:  # a double tap raced us
        contact = DeskContact.objects.get(check_in=check_in, employer=by.employer)
    return DeskContact.objects.select_for_update().get(pk=contact.pk)


@transaction.atomic
def toggle_favourite(desk: Terminal, check_in: HallCheckIn, *, by: User) -> bool:
    contact = _contact(desk, check_in, by)
    contact.is_favourite = not contact.is_favourite
    contact.save(update_fields=["is_favourite", "updated_at"])
    audit(by, "fairs.desk.favourite", contact, {"favourite": contact.is_favourite})
    return contact.is_favourite


@transaction.atomic
def invite_from_desk(
    desk: Terminal,
    check_in: HallCheckIn,
    *,
    by: User,
    posting: JobPosting,
    scheduled_at: datetime.datetime | None = None,
) -> DeskContact:
    """An interview at the booth, now (in ten minutes) or later today or on another
    day; the seeker gets an SMS naming the company and booth, and an in-site
    message when they have an account."""
    contact = _contact(desk, check_in, by)
    if contact.invitation is not None and contact.invitation.is_open:
        raise FairError(_("You have already invited this person."))
    resume = Resume.objects.filter(person=check_in.person).first()
    if resume is None:
        raise FairError(_("This person has no resume."))
    moment = scheduled_at or timezone.now() + datetime.timedelta(minutes=10)
    booth = desk.booth
    place = _("%(hall)s, booth %(booth)s") % {"hall": desk.hall.name, "booth": booth}
    try:
        invitation = job_services.invite_to_interview(
            resume,
            posting=posting,
            by=by,
            scheduled_at=moment,
            place=place,
            met_in_hall=True,
        )
    except job_services.JobError as error:
        raise FairError(str(error)) from error
    contact.invitation = invitation
    contact.save(update_fields=["invitation", "updated_at"])
    person = check_in.person
    if person.phone:
        send_sms(
            person.phone,
            "hall_invitation",
            {
                "employer": by.employer.name,
                "booth": booth,
                "time": date_format(
                    timezone.localtime(moment), "SHORT_DATETIME_FORMAT"
                ),
            },
        )
    audit(by, "fairs.desk.invited", contact, {"posting": posting.pk})
    _refresh_after_commit(desk.hall)
    return contact


@transaction.atomic
def record_outcome(
    desk: Terminal, check_in: HallCheckIn, *, by: User, outcome: str
) -> DeskContact:
    if outcome not in DeskContact.Outcome.values:
        raise FairError(_("Choose a result."))
    contact = _contact(desk, check_in, by)
    contact.outcome, contact.outcome_at = outcome, timezone.now()
    contact.save(update_fields=["outcome", "outcome_at", "updated_at"])
    audit(by, "fairs.desk.outcome", contact, {"outcome": outcome})
    _refresh_after_commit(desk.hall)
    return contact


# Closing time ------------------------------------------------------------------


def close_halls(now: datetime.datetime | None = None) -> dict[str, int]:
    """After each hall's closing time (and for anything left from an earlier day):
    employers at the desks signed out, their login on the device ended, and the
    kiosk sessions left open since before closing ended; each audited. Running it
    again changes nothing."""
    moment = timezone.localtime(now)
    today = moment.date()
    closing = {
        hall.pk: _at(today, hall.closes_at)
        for hall in Hall.objects.all()
        if moment.time() >= hall.closes_at
    }
    leftover = Q(hall__in=closing) | Q(employer_day__lt=today)
    desks = Terminal.objects.filter(
        leftover, Q(employer__isnull=False) | ~Q(employer_session_key="")
    ).values_list("pk", flat=True)
    # A kiosk in use after closing (staff trying it) ends by itself when idle.
    left = Q(started_at__lt=_at(today, datetime.time()))
    for hall, closed_at in closing.items():
        left |= Q(terminal__hall=hall, last_activity_at__lt=closed_at)
    sessions = KioskSession.objects.filter(left, ended_at__isnull=True).values_list(
        "pk", flat=True
    )
    return {
        "desks": sum(_sign_out_desk(pk, list(closing), today) for pk in desks),
        "kiosk_sessions": sum(_end_left_session(pk) for pk in sessions),
    }


def _end_login(desk: Terminal) -> None:
    """Log out the employer who signed in on the desk (their other devices stay
    signed in)."""
    if desk.employer_session_key:
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore(session_key=desk.employer_session_key).delete()
        desk.employer_session_key = ""


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


@transaction.atomic
def _sign_out_desk(pk: int, closed: list[int], today: datetime.date) -> bool:
    desk = Terminal.objects.select_for_update().get(pk=pk)
    if desk.employer_id is None and not desk.employer_session_key:
        return False  # signed out meanwhile
    if desk.hall_id not in closed and desk.employer_day == today:
        return False  # taken again today, while the hall is open
    _end_login(desk)
    employer = desk.employer_id
    desk.employer, desk.employer_day = None, None
    desk.save(
        update_fields=["employer", "employer_day", "employer_session_key", "updated_at"]
    )
    audit(None, "fairs.desk.signed_out", desk, {"employer": employer})
    return True


@transaction.atomic
def _end_left_session(pk: int) -> bool:
    ended = KioskSession.objects.filter(pk=pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if ended:
        session = KioskSession.objects.get(pk=pk)
        audit(
            None, "fairs.kiosk.session_closed", session, {"kiosk": session.terminal_id}
        )
    return bool(ended)


# The screen ----------------------------------------------------------------------


@transaction.atomic
def refresh_hall_figures(hall: Hall, *, market: dict | None = None) -> HallFigures:
    """Count the hall's figures now and store them with the city's: `market`
    freshly counted (the schedule, every minute), else as stored (after each
    check-in and desk action, which change only the hall's)."""
    stored = HallFigures.objects.select_for_update().filter(hall=hall).first()
    if market is None:
        market = stored.data if stored is not None else market_figures()
        market = {key: market[key] for key in MARKET_KEYS if key in market}
    data = {**market, **hall_figures(hall, timezone.localdate())}
    figures, _created = HallFigures.objects.update_or_create(
        hall=hall, defaults={"data": data, "computed_at": timezone.now()}
    )
    return figures


MARKET_KEYS = ("city", "industries", "occupations", "salary_bands")


def refresh_all_hall_figures() -> int:
    """Every open hall's screen, the city's figures counted once."""
    market = market_figures()
    halls = list(Hall.objects.filter(is_open=True))
    for hall in halls:
        refresh_hall_figures(hall, market=market)
    return len(halls)


def _refresh_after_commit(hall: Hall) -> None:
    transaction.on_commit(lambda: refresh_hall_figures(hall))
