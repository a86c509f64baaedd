"""Every write to the core's tables: accounts, registries, verification, inbox.

Views, admin actions, commands and tasks call these; each one audits what it changes.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal import emails
from portal.audit import audit, changes
from portal.models import Employer, Notification, OrgUnit, Person, Recusal, User


class PortalError(Exception):
    """A refused action, with a message for the user."""


def _snapshot(obj: Model, fields: list[str]) -> dict:
    return {field: getattr(obj, field) for field in fields}


def register_seeker(
    *,
    name: str,
    id_number: str,
    phone: str,
    password: str,
    residence: OrgUnit,
    language: str,
) -> User:
    """Create a seeker account, linked to the person's existing record if a caseworker
    already registered them. Raises PortalError for an ID number that already has an
    account, also when two sign-ups race (the unique constraints decide)."""
    try:
        with transaction.atomic():
            person = (
                Person.objects.select_for_update().filter(id_number=id_number).first()
            )
            if person is not None and person.user_id is not None:
                raise PortalError(
                    _("This ID number already has an account. Please log in instead.")
                )
            if person is not None and person.name != name:
                raise PortalError(
                    _(
                        "The name does not match our record for this ID number. "
                        "Please bring your ID card to a service counter."
                    )
                )
            user = User(username=id_number, role=User.Role.SEEKER, language=language)
            user.set_password(password)
            user.save()
            if person is None:
                person = Person.objects.create(
                    user=user,
                    name=name,
                    id_number=id_number,
                    phone=phone,
                    residence=residence,
                    retirement_track=default_retirement_track(id_number),
                )
            else:
                person.user = user
                person.phone = phone
                person.residence = person.residence or residence
                person.save(update_fields=["user", "phone", "residence", "updated_at"])
            audit(user, "portal.seeker.registered", person)
    except IntegrityError as error:
        raise PortalError(
            _("This ID number already has an account. Please log in instead.")
        ) from error
    return user


def default_retirement_track(id_number: str) -> str:
    # Women default to the 55 track: a wrong 50 would refuse services a woman on the
    # 55 track is entitled to; a caseworker corrects the track from documents.
    if int(id_number[16]) % 2:
        return Person.RetirementTrack.MALE_60
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


@transaction.atomic
def verify_employer(employer: Employer, *, by: User) -> Employer:
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.is_verified:
        raise PortalError(_("%(name)s is already verified.") % {"name": employer.name})
    if not employer.licence:
        raise PortalError(
            _("%(name)s has no business licence on file; upload one first.")
            % {"name": employer.name}
        )
    _record_review(employer, by, Employer.Verification.VERIFIED, reason="")
    audit(by, "portal.employer.verified", employer)
    notify_employer_staff(
        employer, "employer_verified", {"employer": employer}, url=reverse("workspace")
    )
    return employer


@transaction.atomic
def reject_employer(employer: Employer, *, by: User, reason: str) -> Employer:
    reason = reason.strip()
    if not reason:
        raise PortalError(_("Give the employer a reason for the rejection."))
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _record_review(employer, by, Employer.Verification.REJECTED, reason=reason)
    audit(by, "portal.employer.rejected", employer, data={"reason": reason})
    notify_employer_staff(
        employer,
        "employer_rejected",
        {"employer": employer, "reason": reason},
        url=reverse("workspace"),
    )
    return employer


def _record_review(employer: Employer, by: User, status: str, *, reason: str) -> None:
    employer.verification_status = status
    employer.rejection_reason = reason
    employer.verified_at = timezone.now()
    employer.verified_by = by
    employer.save(
        update_fields=[
            "verification_status",
            "rejection_reason",
            "verified_at",
            "verified_by",
            "updated_at",
        ]
    )


def notify_employer_staff(
    employer: Employer, template: str, context: dict, *, url: str
) -> None:
    """Send the same message to every active staff account of an employer."""
    for staff in employer.staff.filter(is_active=True):
        notify(staff, template, context, url=url)


@transaction.atomic
def declare_relative(*, by: User, person: Person, relation: str) -> Recusal:
    """A staff member declares a relative, whose applications they may not decide."""
    recusal, _created = Recusal.objects.update_or_create(
        user=by, person=person, defaults={"relation": relation}
    )
    audit(by, "portal.relative.declared", person, {"relation": relation})
    return recusal


@transaction.atomic
def save_person(
    person: Person, *, by: User, changed_fields: list[str] | None = None
) -> Person:
    """Create or update a person record from the back office or the profile page."""
    # Many-to-many changes are saved by the form after the row itself.
    fields = [f for f in (changed_fields or []) if f != "difficulty_categories"]
    return _save_record(person, by=by, fields=fields, action="portal.person")


@transaction.atomic
def save_employer(
    employer: Employer, *, by: User, changed_fields: list[str] | None = None
) -> Employer:
    """Create or update an employer record (verification has its own services)."""
    fields = list(changed_fields or [])
    return _save_record(employer, by=by, fields=fields, action="portal.employer")


def _save_record(obj: Model, *, by: User, fields: list[str], action: str) -> Model:
    """Save a new or edited registry row and audit it, with before/after values."""
    if obj.pk is None:
        obj.save()
        audit(by, f"{action}.created", obj)
        return obj
    before = _snapshot(type(obj).objects.get(pk=obj.pk), fields)
    obj.save(update_fields=[*fields, "updated_at"] if fields else None)
    after = _snapshot(obj, fields)
    audit(by, f"{action}.changed", obj, data={"changes": changes(before, after)})
    return obj


def set_difficulty_category(
    person: Person, category, *, recognised: bool, by: User | None
) -> Person:
    """Keep the registry's difficulty categories in step with recognitions."""
    if recognised:
        person.difficulty_categories.add(category)
    else:
        person.difficulty_categories.remove(category)
    audit(
        by,
        "portal.person.changed",
        person,
        data={"changes": {"difficulty_categories": [str(category), str(recognised)]}},
    )
    return person


def reveal_identity(person: Person, *, by: User) -> Person:
    """Log that a caseworker looked at a person's full ID number and phone."""
    if not by.has_perm("portal.view_full_identity"):
        raise PortalError(_("You are not allowed to see full ID numbers."))
    audit(by, "portal.person.identity_viewed", person)
    return person


def _message(recipient: User, template: str, context: dict, url: str) -> Notification:
    subject, body = emails.render(template, context, recipient.language)
    return Notification(recipient=recipient, subject=subject[:200], body=body, url=url)


def notify(
    recipient: User, template: str, context: dict, *, url: str = ""
) -> Notification:
    """Put a message in the recipient's inbox, in their language, and e-mail it
    from a task once the surrounding transaction has committed."""
    notification = _message(recipient, template, context, url)
    notification.save()
    if recipient.email:
        transaction.on_commit(
            lambda: async_task("portal.tasks.email_notification", notification.pk)
        )
    return notification


NOTIFY_BATCH = 1000


@transaction.atomic
def notify_many(
    template: str, messages: Iterable[tuple[User, dict, str]]
) -> list[Notification]:
    """notify() for many people at once (bulk paths such as imports): each
    (recipient, context, url) gets the message notify() would give them, in their
    language; the inbox rows are inserted in batches and e-mailed by one task per
    batch once the transaction has committed."""
    notifications = Notification.objects.bulk_create(
        [
            _message(recipient, template, context, url)
            for recipient, context, url in messages
        ],
        batch_size=NOTIFY_BATCH,
    )
    emailed = [n.pk for n in notifications if n.recipient.email]
    for start in range(0, len(emailed), NOTIFY_BATCH):
        batch = emailed[start : start + NOTIFY_BATCH]
        transaction.on_commit(
            lambda batch=batch: async_task("portal.tasks.email_notifications", batch)
        )
    return notifications


@transaction.atomic
def email_notification(notification_id: int) -> None:
    """Send one notification by e-mail, once (tasks may be delivered twice)."""
    notification = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return
    emails.send(notification.subject, notification.body, [notification.recipient.email])
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])


def set_user_language(user: User, language: str) -> User:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def mark_notification_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
