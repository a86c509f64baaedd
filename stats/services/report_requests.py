"""Reports requested on the page or each month, built by a task and kept."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.audit import audit
from portal.models import OrgUnit, User
from portal.replicas import read_from_replica
from portal.services import notify
from stats import reports
from stats.errors import StatsError
from stats.models import Report
from stats.periods import Period
from stats.services.facts import fill_missing_facts

REPORT_LEVELS = [OrgUnit.Level.PROVINCE, OrgUnit.Level.CITY, OrgUnit.Level.DISTRICT]


def can_report_on(user: User, unit: OrgUnit) -> bool:
    """Reports cover the province, a city or a district, within the user's own
    area."""
    return unit.level in REPORT_LEVELS and (
        OrgUnit.objects.for_user(user).filter(pk=unit.pk).exists()
    )


@transaction.atomic
def request_report(period: Period, unit: OrgUnit, *, by: User | None) -> Report:
    """Queue a report; a django-q2 worker builds it (stats.tasks.build_report)."""
    if by is not None and not can_report_on(by, unit):
        raise StatsError(
            _("Reports cover the province, a city or a district of your area.")
        )
    if period.start > timezone.localdate():
        raise StatsError(_("This period has not started yet."))
    report = Report.objects.create(
        period_kind=period.kind,
        period_start=period.start,
        org_unit=unit,
        requested_by=by,
    )
    audit(by, "stats.report.requested", report, {"period": period.slug})
    transaction.on_commit(lambda: async_task("stats.tasks.build_report", report.pk))
    return report


def build_report(report: Report) -> Report:
    """Compute the figures of the periods that have none yet, then the PDF and the
    spreadsheet; progress is saved as it goes so the page can show it."""

    def step(progress, **fields):
        Report.objects.filter(pk=report.pk).update(progress=progress, **fields)

    # A retry after a worker died builds it again; started_at keeps the first
    # start, so /healthz sees a report that never gets built.
    step(
        5,
        status=Report.Status.RUNNING,
        started_at=Coalesce("started_at", Value(timezone.now())),
    )
    period = report.period
    try:
        # The period and the 12 before it, for the comparisons and the trend.
        fill_missing_facts(period.trend())
        step(30)
        with translation.override(
            report.requested_by.language if report.requested_by else "zh-hans"
        ):
            # On a replica that has the facts just filled (docs/replicas.md).
            context = read_from_replica(reports.report_context, report.org_unit, period)
            step(45)
            pdf = reports.pdf(context)
            step(85)
            xlsx = reports.xlsx(context)
        name = f"{report.org_unit.code}-{period.slug}"
        report.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        report.is_final = context["is_final"]
        report.status = Report.Status.DONE
        report.progress = 100
        report.finished_at = timezone.now()
        report.save()
    except Exception as error:
        step(0, status=Report.Status.FAILED, error=str(error)[:2000])
        raise
    return report


def notify_leaders(report: Report) -> int:
    """Tell the leaders whose area the report covers that it is ready."""
    leaders = User.objects.filter(role=User.Role.LEADER, is_active=True).select_related(
        "org_unit"
    )
    told = 0
    for leader in leaders:
        if leader.org_unit and leader.org_unit.contains(report.org_unit):
            notify(
                leader,
                "report_ready",
                {"report": report},
                url=report.get_absolute_url(),
            )
            told += 1
    return told


def notify_requester(report: Report) -> None:
    notify(
        report.requested_by,
        "report_ready",
        {"report": report},
        url=report.get_absolute_url(),
    )
