"""Text messages: queued as rows, delivered by a task, their status kept."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from portal import sms
from portal.models import SmsMessage

# Parameters that must not stay readable in the database once sent.
SECRET_PARAMS = {"code"}


def quiet_hours_end(moment: datetime.datetime) -> datetime.datetime | None:
    """When a message may go out if `moment` falls in the quiet hours, else None."""
    start, end = settings.SMS_QUIET_HOURS
    local = timezone.localtime(moment)
    if start <= local.hour or local.hour < end:
        day = local.date() if local.hour < end else local.date() + datetime.timedelta(1)
        return local.replace(
            year=day.year, month=day.month, day=day.day, hour=end, minute=0, second=0
        )
    return None


def send_sms(
    phone: str, template: str, params: dict, *, respect_quiet_hours: bool = True
) -> SmsMessage:
    """Queue a message and deliver it from a task after commit. Messages a person
    did not just ask for wait for the end of the quiet hours."""
    not_before = quiet_hours_end(timezone.now()) if respect_quiet_hours else None
    message = SmsMessage.objects.create(
        phone=phone, template=template, params=params, not_before=not_before
    )
    if not_before is None:
        transaction.on_commit(
            lambda: async_task("portal.tasks.deliver_sms", message.pk)
        )
    return message


@transaction.atomic
def deliver_sms(message_id: int) -> SmsMessage | None:
    """Hand one queued message to the provider, once (tasks may run twice)."""
    message = (
        SmsMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=message_id, status=SmsMessage.Status.QUEUED)
        .first()
    )
    if message is None or (message.not_before and message.not_before > timezone.now()):
        return None
    delivery = sms.backend().send(message.phone, message.template, message.params)
    message.status = (
        SmsMessage.Status.SENT if delivery.accepted else SmsMessage.Status.FAILED
    )
    message.provider_id, message.error = delivery.provider_id, delivery.error
    message.sent_at = timezone.now()
    message.params = {
        key: "******" if key in SECRET_PARAMS else value
        for key, value in message.params.items()
    }
    message.save(update_fields=["status", "provider_id", "error", "sent_at", "params"])
    return message


def deliver_due_sms() -> int:
    """Deliver the messages held back by the quiet hours whose time has come."""
    due = SmsMessage.objects.filter(
        status=SmsMessage.Status.QUEUED, not_before__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(deliver_sms(pk) is not None for pk in list(due[:500]))
