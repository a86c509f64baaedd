from django.conf import settings
from django.urls import reverse

from portal.models import Notification


def site(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count()
    return {
        "unread_notifications": unread,
        "site_url": settings.SITE_URL,
        "map_config": {**settings.MAP_CONFIG, "outlines": reverse("map_outlines")},
    }
