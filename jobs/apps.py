from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.models import AuditEntry

        # How this app's audit actions read in the back office's audit trail.
        AuditEntry.ACTION_LABELS.update(
            {
                "jobs.posting.created": _("Job posting submitted"),
                "jobs.posting.changed": _("Job posting edited"),
                "jobs.posting.approved": _("Job posting approved"),
                "jobs.posting.rejected": _("Job posting returned"),
                "jobs.posting.paused": _("Job posting paused"),
                "jobs.posting.resumed": _("Job posting resumed"),
                "jobs.posting.renewed": _("Job posting renewed"),
                "jobs.posting.closed": _("Job posting closed"),
                "jobs.posting.expired": _("Job posting expired"),
                "jobs.resume.created": _("Resume created"),
                "jobs.resume.changed": _("Resume changed"),
                "jobs.application.submitted": _("Application submitted"),
                "jobs.application.withdrawn": _("Application withdrawn"),
                "jobs.application.viewed": _("Application viewed"),
                "jobs.application.moved": _("Application status changed"),
                "jobs.invitation.sent": _("Interview invitation sent"),
                "jobs.invitation.accepted": _("Interview invitation accepted"),
                "jobs.invitation.declined": _("Interview invitation declined"),
                "jobs.invitation.proposed": _("Another interview time proposed"),
                "jobs.invitation.time_agreed": _("Interview time agreed"),
                "jobs.invitation.rescheduled": _("Interview rescheduled"),
                "jobs.invitation.cancelled": _("Interview cancelled"),
            }
        )
