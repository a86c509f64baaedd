from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """The project package: settings, root URLs and the commands that wire every app."""

    name = "config"
    verbose_name = "Project"

    def ready(self):
        from portal.models import AuditEntry

        AuditEntry.ACTION_LABELS.update(
            {
                "config.role.changed": _("Staff role permissions set"),
                "config.catalogue.seeded": _("Initial catalogue entry added"),
            }
        )
