from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraduatesConfig(AppConfig):
    name = "graduates"
    verbose_name = _("Graduates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.models import AuditEntry

        AuditEntry.ACTION_LABELS.update(
            {
                "graduates.graduate.reported": _("Graduate report submitted"),
                "graduates.graduate.returned": _("Graduate report returned"),
                "graduates.graduate.received": _("Graduate report received"),
                "graduates.graduate.imported": _("Graduate list imported"),
                "graduates.receiving.submitted": _("Receiving application submitted"),
                "graduates.receiving.approved": _("Receiving application approved"),
                "graduates.receiving.refused": _("Receiving application refused"),
                "graduates.leaver.registered": _("Unemployed graduate registered"),
                "graduates.leaver.contacted": _("Follow-up contact logged"),
                "graduates.leaver.closed": _("Unemployed-graduate status changed"),
                "graduates.target.created": _("Cohort targets set"),
                "graduates.target.changed": _("Cohort targets changed"),
            }
        )
