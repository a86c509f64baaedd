"""Every write of the statistics: facts computed from the registries, and periods
closed by a leader. A per-period advisory lock keeps a refresh and a closing
from crossing."""

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.audit import audit
from portal.models import OrgUnit, User
from portal.services import notify
from registration.queries import counts_by_unit
from stats import reports
from stats.indicators import unit_figures
from stats.models import ClosedPeriod, Fact, Report
from stats.periods import Period
from stats.supply_demand import supply_and_demand

LEVELS = [OrgUnit.Level.CITY, OrgUnit.Level.DISTRICT, OrgUnit.Level.STREET]


class StatsError(Exception):
    pass


def _lock(period: Period) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"stats:{period.slug}"]
        )


@transaction.atomic
def refresh_facts(period: Period, *, by: User | None = None) -> int:
    """Recompute every figure of the period for the city, its districts and
    streets; a closed period is left as it is (returns 0)."""
    _lock(period)
    if ClosedPeriod.is_closed(period):
        return 0
    units = list(OrgUnit.objects.current(period.end).filter(level__in=LEVELS))
    by_prefix = {unit.descendant_prefix: unit for unit in units}
    facts = []

    def add(unit, indicator, dimension, category, value):
        facts.append(
            Fact(
                indicator=indicator, dimension=dimension, category=category or "",
                org_unit=unit, period_kind=period.kind, period_start=period.start,
                value=value,
            )
        )  # fmt: skip

    for indicator, figures in supply_and_demand(period).items():
        for (prefix, dimension, category), value in figures.items():
            if prefix in by_prefix:
                add(by_prefix[prefix], indicator, dimension, category, value)
    registration = counts_by_unit(period.start, period.end)
    for unit in units:
        figures = unit_figures(
            unit, period, registration.get(unit.descendant_prefix, {})
        )
        for (indicator, dimension, category), value in figures.items():
            add(unit, indicator, dimension, category, value)
    Fact.objects.for_period(period).delete()
    Fact.objects.bulk_create(facts, batch_size=2000)
    audit(
        by, "stats.facts.refreshed", None, {"period": period.slug, "facts": len(facts)}
    )
    return len(facts)


def closing_refusal(user: User, period: Period) -> str | None:
    """Why the user may not close the period; None when they may: city leaders
    close finished periods, once."""
    if not (user.is_leader or user.is_administrator):
        return _("Only leaders close a period.")
    if user.org_unit is not None and user.org_unit.level != OrgUnit.Level.CITY:
        return _("Periods are closed for the whole city, by city leaders.")
    if not period.is_over(timezone.localdate()):
        return _("A period can be closed only after it has ended.")
    if ClosedPeriod.is_closed(period):
        return _("This period is already closed.")
    return None


@transaction.atomic
def close_period(period: Period, *, by: User) -> ClosedPeriod:
    """A city leader approves a finished period: it is computed one last time,
    then its figures never change."""
    refusal = closing_refusal(by, period)
    if refusal:
        raise StatsError(refusal)
    refresh_facts(period, by=by)
    _lock(period)
    closed, created = ClosedPeriod.objects.get_or_create(
        period_kind=period.kind, period_start=period.start, defaults={"closed_by": by}
    )
    if not created:  # closed by someone else a moment ago
        raise StatsError(_("This period is already closed."))
    audit(by, "stats.period.closed", closed, {"period": period.slug})
    return closed


@transaction.atomic
def save_warning_rule(rule, *, by: User, changed_fields: list[str]):
    """City staff set an early-warning threshold in the back office."""
    rule.save()
    audit(by, "stats.warning_rule.saved", rule, {"changed": changed_fields})
    return rule


def can_report_on(user: User, unit: OrgUnit) -> bool:
    """Reports cover the city or one district, within the user's own area."""
    return unit.level in (OrgUnit.Level.CITY, OrgUnit.Level.DISTRICT) and (
        OrgUnit.objects.for_user(user).filter(pk=unit.pk).exists()
    )


@transaction.atomic
def request_report(period: Period, unit: OrgUnit, *, by: User | None) -> Report:
    """Queue a report; a django-q2 worker builds it (stats.tasks.build_report)."""
    if by is not None and not can_report_on(by, unit):
        raise StatsError(_("Reports cover the city or one district of your area."))
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
    """Compute the figures if the period has none yet, then the PDF and the
    spreadsheet; progress is saved as it goes so the page can show it."""

    def step(progress, **fields):
        Report.objects.filter(pk=report.pk).update(progress=progress, **fields)

    step(5, status=Report.Status.RUNNING)
    period = report.period
    try:
        if not Fact.objects.for_period(period).exists():
            refresh_facts(period)
        step(30)
        with translation.override(
            report.requested_by.language if report.requested_by else "zh-hans"
        ):
            context = reports.report_context(report.org_unit, period)
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
            notify(leader, "report_ready", {"report": report},
                   url=report.get_absolute_url())  # fmt: skip
            told += 1
    return told


def notify_requester(report: Report) -> None:
    notify(report.requested_by, "report_ready", {"report": report},
           url=report.get_absolute_url())  # fmt: skip
