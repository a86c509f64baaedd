"""Background tasks of the core. They take primary keys and call one service."""

from portal import services


def email_notification(notification_id: int) -> None:
    services.email_notification(notification_id)


def email_notifications(notification_ids: list[int]) -> None:
    """The e-mails of a batch of notifications (notify_many), each sent once."""
    for notification_id in notification_ids:
        services.email_notification(notification_id)


def deliver_sms(message_id: int) -> None:
    services.deliver_sms(message_id)


def deliver_due_sms() -> int:
    return services.deliver_due_sms()


def maintain_partitions() -> dict:
    return services.maintain_partitions()
