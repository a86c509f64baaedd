import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStamped


def import_upload_to(instance: "InsuranceImport", filename: str) -> str:
    return f"private/insurance-imports/{instance.code}.csv"


class InsuranceImport(TimeStamped):
    """One upload of social-insurance enrolment records (参保视同就业), applied by a
    background task; the file layout is documented in docs/insurance-import.md."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        LOADING = "loading", _("Reading the file")
        APPLYING = "applying", _("Applying")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing changed")

    UNFINISHED = (Status.QUEUED, Status.LOADING, Status.APPLYING)

    PROBLEMS = {
        "columns": _("Expected 5 columns separated by commas."),
        "start_date": _("The start date is not a date like 2026-03-01."),
        "end_date": _("The end date is not a date like 2026-03-01."),
        "end_before_start": _("The end date is before the start date."),
        "future": _("The start date is in the future."),
        "insurance_type": _("Unknown insurance type (110, 210, 310, 410 or 510)."),
        "id_number": _("The ID number is not valid."),
        "person": _("No person with this ID number in the registry."),
        "employer": _("No employer with this credit code in the registry."),
        "working_age": _(
            "The start date is before the person's 16th birthday or on or after "
            "their statutory retirement date."
        ),
        "overlap": _("The person has another employment registration for these dates."),
    }

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("CSV file"), upload_to=import_upload_to)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    registered_count = models.PositiveIntegerField(_("new registrations"), default=0)
    ended_count = models.PositiveIntegerField(_("terminations"), default=0)
    unchanged_count = models.PositiveIntegerField(_("already on file"), default=0)
    error_count = models.PositiveIntegerField(_("rows refused"), default=0)
    errors = models.JSONField(
        _("refused rows"),
        default=list,
        blank=True,
        help_text=_("The first refused rows: line number, reason and the line."),
    )
    failure = models.TextField(_("why it failed"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    runs = models.PositiveSmallIntegerField(
        _("runs"),
        default=0,
        help_text=_(
            "More than one when a worker died during the import and a retry took "
            "it over."
        ),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("insurance records import")
        verbose_name_plural = _("insurance records imports")
        ordering = ["-created_at"]

    def __str__(self):
        created = timezone.localtime(self.created_at)
        return f"{created:%Y-%m-%d %H:%M} · {self.get_status_display()}"

    def problem_rows(self) -> list[dict]:
        return [
            {**row, "problem": self.PROBLEMS.get(row["problem"], row["problem"])}
            for row in self.errors
        ]

    @property
    def percent_done(self) -> int:
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        if self.status == self.Status.APPLYING:
            return 90
        if not self.file_size:
            return 0
        return min(85, int(85 * self.bytes_read / self.file_size))
