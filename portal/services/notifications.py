"""The in-site inbox, e-mailed by a task after commit."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from portal import emails
from portal.models import Employer, Notification, Person, User
from portal.services.sms import send_sms


def notify_employer_staff(
    employer: Employer, template: str, context: dict, *, url: str
) -> None:
    """Send the same message to every active staff account of an employer."""
    for staff in employer.staff.filter(is_active=True):
        notify(staff, template, context, url=url)


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
    _text_if_opted_in(notification)
    return notification


def _text_if_opted_in(notification: Notification) -> None:
    """People who chose SMS get a short pointer to the message, outside quiet hours."""
    recipient = notification.recipient
    if not recipient.sms_opt_in:
        return
    phone = Person.objects.filter(user=recipient).values_list(
        "phone", flat=True
    ).first() or (recipient.employer.contact_phone if recipient.employer_id else "")
    if phone:
        send_sms(phone, "notification", {"subject": notification.subject[:20]})


NOTIFY_BATCH = 1000


@transaction.atomic
def notify_many(
    template: str, messages: Iterable[tuple[User, dict, str]]
) -> list[Notification]:
    """notify() for many people at once (bulk paths such as imports): each
    (recipient, context, url) gets the message notify() would give them, in their
    language; the inbox rows are inserted in batches and e-mailed by one task per
    batch once the transaction has committed. People given the same context
    object share one rendering per language (the daily match push)."""
    rendered = {}

    def message(recipient, context, url):
        key = (id(context), recipient.language)
        if key not in rendered:  # the context is kept, so its id is not reused
            rendered[key] = context, _message(recipient, template, context, url)
        shared = rendered[key][1]
        return Notification(
            recipient=recipient, subject=shared.subject, body=shared.body, url=url
        )

    notifications = Notification.objects.bulk_create(
        [message(recipient, context, url) for recipient, context, url in messages],
        batch_size=NOTIFY_BATCH,
    )
    for notification in notifications:
        _text_if_opted_in(notification)
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


def mark_notification_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
