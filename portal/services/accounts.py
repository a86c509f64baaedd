"""Accounts: seekers and employers sign up; users choose their language;
administrators unlock paused logins."""

from axes.models import AccessAttempt
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.audit import audit, save_with_audit
from portal.errors import PortalError
from portal.models import Employer, OrgUnit, Person, User


def default_retirement_track(id_number: str, occupation_type: str = "") -> str:
    """The track a new record starts on: a woman's follows her occupation type
    (workers 50, cadres 55). Without one she defaults to the 55 track: a wrong 50
    would refuse services a woman on the 55 track is entitled to; a caseworker
    corrects the track from documents."""
    if int(id_number[16]) % 2:
        return Person.RetirementTrack.MALE_60
    if occupation_type == Person.OccupationType.WORKER:
        return Person.RetirementTrack.FEMALE_50
    return Person.RetirementTrack.FEMALE_55


def register_employer(
    *,
    name: str,
    uscc: str,
    org_unit: OrgUnit,
    address: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    password: str,
    licence,
    language: str,
) -> User:
    """Create an employer (pending verification) and its first staff account, whose
    login name is the credit code. Raises PortalError for a code already registered."""
    message = _(
        "This credit code is already registered. Ask your colleague who manages "
        "the account, or contact a service counter."
    )
    try:
        with transaction.atomic():
            if Employer.objects.filter(uscc=uscc).exists():
                raise PortalError(message)
            employer = Employer.objects.create(
                name=name,
                uscc=uscc,
                org_unit=org_unit,
                address=address,
                contact_name=contact_name,
                contact_phone=contact_phone,
                contact_email=contact_email,
                licence=licence,
            )
            user = User(
                username=uscc,
                role=User.Role.EMPLOYER,
                employer=employer,
                email=contact_email,
                first_name=contact_name,
                language=language,
            )
            user.set_password(password)
            user.save()
            audit(user, "portal.employer.registered", employer)
    except IntegrityError as error:
        raise PortalError(message) from error
    return user


def set_user_language(user: User, language: str) -> User:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def save_account(
    user: User, *, by: User, changed_fields: list[str], related: dict | None = None
) -> User:
    """An administrator creates a staff account or changes a user's role, unit,
    status or groups; the password itself is never audited."""
    fields = [name for name in changed_fields if name != "password"]
    return save_with_audit(
        user, by=by, fields=fields, action="portal.user", related=related
    )


def set_sms_opt_in(user: User, opted_in: bool) -> User:
    """A person chooses whether their messages also come by SMS."""
    if user.sms_opt_in != opted_in:
        user.sms_opt_in = opted_in
        user.save(update_fields=["sms_opt_in"])
        audit(user, "portal.user.sms_opt_in", user, {"sms_opt_in": opted_in})
    return user


@transaction.atomic
def unlock_login(attempt: AccessAttempt, *, by: User) -> None:
    """An administrator forgets the failed logins of one user name from one address
    (django-axes' record, portal/throttling.py): it may log in again at once."""
    audit(
        by,
        "portal.login.unlocked",
        attempt,
        {
            "username": attempt.username,
            "ip_address": attempt.ip_address,
            "failures": attempt.failures_since_start,
        },
    )
    attempt.delete()
