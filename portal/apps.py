from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Registries and accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps

        from portal.postgres import check_server_version

        # The back office's heading for django-axes' failed logins (portal/admin.py).
        apps.get_app_config("axes").verbose_name = _("Login throttling")

        connection_created.connect(
            check_server_version, dispatch_uid="portal.check_server_version"
        )
