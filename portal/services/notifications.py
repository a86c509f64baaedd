"""The in-site inbox, e-mailed by a task after commit."""

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from portal import emails
from portal.models import Employer, Notification, User


def notify_employer_staff(
    employer: Employer, template: str, context: dict, *, url: str
) -> None:
    """Send the same message to every active staff account of an employer."""
    for staff in employer.staff.filter(is_active=True):
        notify(staff, template, context, url=url)


def notify(
    recipient: User, template: str, context: dict, *, url: str = ""
) -> Notification:
    """Put a message in the recipient's inbox, in their language, and e-mail it
    from a task once the surrounding transaction has committed."""
    subject, body = emails.render(template, context, recipient.language)
    notification = Notification.objects.create(
        recipient=recipient, subject=subject[:200], body=body, url=url
    )
    if recipient.email:
        transaction.on_commit(
            lambda: async_task("portal.tasks.email_notification", notification.pk)
        )
    return notification


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
