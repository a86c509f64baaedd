from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "fairs"
    verbose_name = _("Job fairs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.models import AuditEntry

        AuditEntry.ACTION_LABELS.update(
            {
                "fairs.fair.created": _("Job fair created"),
                "fairs.fair.changed": _("Job fair changed"),
                "fairs.fair.booths_drawn": _("Booths drawn from the layout"),
                "fairs.fair.published": _("Job fair published"),
                "fairs.fair.cancelled": _("Job fair cancelled"),
                "fairs.booking.booked": _("Booth booked"),
                "fairs.booking.cancelled": _("Booth booking cancelled"),
                "fairs.booking.released": _("Booth released: no-show"),
                "fairs.pass.registered": _("Registered to attend a fair"),
                "fairs.scan.annulled": _("Gate scan annulled"),
                "fairs.visit.registered": _("Interest registered at a booth"),
                "fairs.rules.changed": _("Fair points rules changed"),
                "fairs.rules.created": _("Fair points rules set"),
                "fairs.visit.intention": _("Preliminary hiring intention recorded"),
            }
        )
