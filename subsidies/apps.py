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
                "subsidies.catalogue.created": _("Subsidy catalogue entry added"),
                "subsidies.refunds.computed": _("Job-stabilisation refunds computed"),
                "subsidies.application.submitted": _("Subsidy application submitted"),
                "subsidies.application.withdrawn": _("Subsidy application withdrawn"),
                "subsidies.application.resubmitted": _(
                    "Subsidy application sent again"
                ),
                "subsidies.application.accepted": _("Subsidy application accepted"),
                "subsidies.application.returned": _("Subsidy application returned"),
                "subsidies.application.passed": _("Subsidy review step passed"),
                "subsidies.application.refused": _("Subsidy application refused"),
                "subsidies.application.approved": _("Subsidy application approved"),
                "subsidies.application.rated": _("Subsidy application rated"),
                "subsidies.objection.raised": _("Objection raised"),
                "subsidies.objection.resolved": _("Objection resolved"),
                "subsidies.batch.created": _("Disbursement batch created"),
                "subsidies.payment.settled": _("Payment settled"),
                "subsidies.duplicate.resolved": _("Suspected duplicate resolved"),
            }
        )
