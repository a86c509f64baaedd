from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Employment subsidies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.models import AuditEntry

        AuditEntry.ACTION_LABELS.update(
            {
                "subsidies.catalogue.changed": _("Subsidy catalogue changed"),
                "subsidies.application.submitted": _("Subsidy application submitted"),
                "subsidies.application.withdrawn": _("Subsidy application withdrawn"),
            }
        )
