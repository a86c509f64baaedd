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
        # Leaflet finds its marker images from its CSS, whose hashed names (the
        # collected static files) it does not recognise: it is told where they are.
        "map_config": {
            **settings.MAP_CONFIG,
            "outlines": reverse("map_outlines"),
            "images": settings.STATIC_URL + "leaflet/images/",
        },
    }
