"""Background tasks of the core. They take primary keys and call one service."""

from portal import services


def email_notification(notification_id: int) -> None:
    services.email_notification(notification_id)
