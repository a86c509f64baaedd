from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Statistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.models import AuditEntry

        AuditEntry.ACTION_LABELS.update(
            {
                "stats.period.closed": _("Statistics period closed"),
                "stats.facts.refreshed": _("Statistics refreshed"),
                "stats.warning_rule.created": _("Early-warning rule added"),
                "stats.warning_rule.changed": _("Early-warning rule changed"),
                "stats.report.requested": _("Statistics report requested"),
            }
        )
