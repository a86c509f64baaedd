"""Seekers open their account with proof beyond name and ID number.

A name and an ID number are no secret, so they only start a claim. The account opens
with a one-time code that reaches the person: by SMS to the phone already on their
record (or, for someone new to the registry, the phone they gave), or from a
caseworker at a counter who has seen the ID card. Every sign-up request gets the same
answer whether or not the ID number is in the registry or the name matches; what
differs goes only to the phone on record.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.errors import PortalError
from portal.models import AccountClaim, OrgUnit, Person, User
from portal.services.accounts import default_retirement_track
from portal.services.sms import send_sms

COUNTER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def _wrong_code() -> PortalError:
    return PortalError(
        _("The code is wrong or has expired. Ask for a new one if you need to.")
    )


def _digest(claim: AccountClaim, secret: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"{claim.code}:{secret.strip().upper()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _lock(id_number: str) -> None:
    """One claim step at a time per ID number, so the counts below hold."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"claim:{id_number}"]
        )


def _check_limits(*, id_number: str, phone: str, address: str | None) -> None:
    limits = settings.ACCOUNT_CLAIM
    now = timezone.now()
    day, hour = now - datetime.timedelta(days=1), now - datetime.timedelta(hours=1)
    recent = AccountClaim.objects.filter(channel=AccountClaim.Channel.SMS)
    too_many = (
        recent.filter(id_number=id_number, created_at__gte=day).count()
        >= limits["per_id_per_day"]
        or (
            phone
            and recent.filter(phone=phone, created_at__gte=day).count()
            >= limits["per_phone_per_day"]
        )
        or (
            address
            and recent.filter(requested_from=address, created_at__gte=hour).count()
            >= limits["per_address_per_hour"]
        )
    )
    if too_many:
        raise PortalError(
            _("Too many codes were asked for with these details. Try again tomorrow.")
        )


@transaction.atomic
def request_claim(
    *,
    name: str,
    id_number: str,
    phone: str,
    password: str,
    residence: OrgUnit,
    language: str,
    address: str | None,
) -> AccountClaim:
    """Step one of a seeker sign-up: always returns a claim whose page looks the same.

    A code is sent only when the account can open: to the phone the person gave when
    the ID number is new, or to the phone on the record when the record has no
    account yet and the name matches. Raises PortalError only for the rate limits.
    """
    _lock(id_number)
    person = Person.objects.filter(id_number=id_number).select_related("user").first()
    if person is None:
        destination, can_succeed = phone, True
    elif person.user_id is None and person.name == name and person.phone:
        destination, can_succeed = person.phone, True
    else:  # an account exists, the name differs, or no phone is on record
        destination, can_succeed = "", False
    _check_limits(id_number=id_number, phone=destination, address=address)
    secret = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.ACCOUNT_CLAIM["sms_minutes"]
    claim = AccountClaim(
        channel=AccountClaim.Channel.SMS,
        id_number=id_number,
        name=name,
        phone=destination,
        residence=residence,
        person=person,
        can_succeed=can_succeed,
        password_hash=make_password(password),
        language=language,
        requested_from=address,
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    claim.secret_hash = _digest(claim, secret)
    claim.save()
    if can_succeed:
        params = {"code": secret, "minutes": minutes}
        send_sms(destination, "claim_code", params, respect_quiet_hours=False)
    return claim


def confirm_claim(claim_code, secret: str) -> User:
    """Step two: the code from the SMS opens the account. Wrong codes count against
    the claim (committed even though the step fails); the fifth ends it."""
    user = _try_claim(claim_code, secret)
    if user is None:
        raise _wrong_code()
    return user


@transaction.atomic
def _try_claim(claim_code, secret: str) -> User | None:
    claims = AccountClaim.objects.filter(
        code=claim_code, channel=AccountClaim.Channel.SMS
    )
    id_number = claims.values_list("id_number", flat=True).first()
    if id_number is None:
        return None
    _lock(id_number)  # one account opening per ID number at a time
    claim = claims.select_for_update().get()
    if not _usable(claim, secret):
        return None
    return _open_account(claim)


def _usable(claim: AccountClaim, secret: str) -> bool:
    """Whether the code opens the claim; a wrong code is counted."""
    if not claim.is_open or claim.failed_attempts >= settings.ACCOUNT_CLAIM["attempts"]:
        return False
    if claim.can_succeed and hmac.compare_digest(
        claim.secret_hash, _digest(claim, secret)
    ):
        return True
    claim.failed_attempts += 1
    claim.save(update_fields=["failed_attempts"])
    return False


def _open_account(claim: AccountClaim, *, phone: str = "") -> User | None:
    """The seeker account of a proven claim, in the caller's transaction."""
    person = (
        Person.objects.select_for_update().filter(id_number=claim.id_number).first()
    )
    if person is not None and (person.user_id or person.pk != claim.person_id):
        return None  # claimed or registered by someone else since the code was sent
    user = User(
        username=claim.id_number,
        role=User.Role.SEEKER,
        language=claim.language or settings.LANGUAGE_CODE,
        password=claim.password_hash,
    )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return None
    if person is None:
        person = Person.objects.create(
            user=user,
            name=claim.name,
            id_number=claim.id_number,
            phone=claim.phone,
            residence=claim.residence,
            retirement_track=default_retirement_track(claim.id_number),
        )
    else:
        person.user = user
        person.phone = person.phone or phone
        person.residence = person.residence or claim.residence
        person.save(update_fields=["user", "phone", "residence", "updated_at"])
    now = timezone.now()
    claim.used_at = now
    claim.save(update_fields=["used_at"])
    AccountClaim.objects.filter(id_number=claim.id_number, used_at__isnull=True).update(
        expires_at=now
    )
    audit(user, "portal.seeker.registered", person, {"proof": claim.channel})
    return user


@transaction.atomic
def issue_activation_code(person: Person, *, by: User) -> tuple[AccountClaim, str]:
    """A caseworker who has seen the ID card gives the person a code, shown once.
    Earlier codes of the person stop working."""
    if person.user_id is not None:
        raise PortalError(_("This person already has an account."))
    now = timezone.now()
    AccountClaim.objects.filter(person=person, used_at__isnull=True).update(
        expires_at=now
    )
    secret = "".join(secrets.choice(COUNTER_ALPHABET) for _ in range(8))
    hours = settings.ACCOUNT_CLAIM["counter_hours"]
    claim = AccountClaim(
        channel=AccountClaim.Channel.COUNTER,
        id_number=person.id_number,
        name=person.name,
        person=person,
        can_succeed=True,
        issued_by=by,
        expires_at=now + datetime.timedelta(hours=hours),
    )
    claim.secret_hash = _digest(claim, secret)
    claim.save()
    audit(by, "portal.activation_code.issued", person, {"valid_hours": hours})
    return claim, secret


def activate_with_code(
    *, id_number: str, secret: str, password: str, phone: str, language: str
) -> User:
    """The person opens the account with the code from the counter. The same
    answer for an unknown ID number, a wrong code and an expired one."""
    user = _try_activation(id_number, secret, password, phone, language)
    if user is None:
        raise _wrong_code()
    return user


@transaction.atomic
def _try_activation(id_number, secret, password, phone, language) -> User | None:
    _lock(id_number)
    claim = (
        AccountClaim.objects.select_for_update()
        .filter(id_number=id_number, channel=AccountClaim.Channel.COUNTER)
        .order_by("-created_at")
        .first()
    )
    if claim is None or not _usable(claim, secret):
        return None
    claim.password_hash = make_password(password)
    claim.language = language
    return _open_account(claim, phone=phone)
