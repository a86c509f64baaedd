from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Employment and unemployment registration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.models import AuditEntry

        AuditEntry.ACTION_LABELS.update(
            {
                "registration.unemployment.submitted": _(
                    "Unemployment registration applied for"
                ),
                "registration.unemployment.resubmitted": _(
                    "Unemployment registration resubmitted"
                ),
                "registration.unemployment.changed": _(
                    "Unemployment registration application changed"
                ),
                "registration.unemployment.withdrawn": _(
                    "Unemployment registration withdrawn"
                ),
                "registration.unemployment.returned": _(
                    "Unemployment registration returned for more information"
                ),
                "registration.unemployment.accepted": _("Registered as unemployed"),
                "registration.unemployment.cancelled": _(
                    "Unemployment registration cancelled"
                ),
                "registration.unemployment.contacted": _("Contact recorded"),
                "registration.unemployment.flagged": _(
                    "Flagged: no contact for six months"
                ),
                "registration.employment.registered": _("Employment registered"),
                "registration.employment.ended": _("Employment ended"),
                "registration.hire.checked": _(
                    "Checked against the registry for a hire filing"
                ),
                "registration.certificate.issued": _("Employment certificate issued"),
                "registration.recognition.submitted": _(
                    "Employment-difficulty recognition applied for"
                ),
                "registration.recognition.returned": _(
                    "Employment-difficulty recognition returned"
                ),
                "registration.recognition.noticed": _(
                    "Employment-difficulty recognition put on public notice"
                ),
                "registration.recognition.approved": _(
                    "Employment-difficulty recognition approved"
                ),
                "registration.recognition.rejected": _(
                    "Employment-difficulty recognition refused"
                ),
                "registration.recognition.exited": _(
                    "Left the employment-difficulty register"
                ),
                "registration.import.queued": _("Insurance records uploaded"),
                "registration.import.finished": _("Insurance records imported"),
                "registration.import.taken_over": _(
                    "Insurance records import taken over after its worker died"
                ),
                "registration.rules.changed": _("Local registration rules changed"),
                "registration.rules.created": _("Local registration rule added"),
            }
        )
