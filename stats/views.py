from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.decorators import statistics_required
from portal.models import OrgUnit
from stats import charts, queries, reports, services
from stats.forms import ReportForm
from stats.models import ClosedPeriod, Report
from stats.periods import KINDS, Period


def _unit(request) -> OrgUnit:
    """The unit asked for, within the user's own area (their unit by default)."""
    units = OrgUnit.objects.for_user(request.user).filter(
        level__in=queries.FIGURE_LEVELS
    )
    code = request.GET.get("unit") or request.POST.get("unit")
    if code:
        unit = units.filter(code=code).first()
    else:
        unit = request.user.org_unit or OrgUnit.objects.top()
    if unit is None or not units.filter(pk=unit.pk).exists():
        raise Http404
    return unit


def _period(request) -> Period:
    text = request.GET.get("period") or request.POST.get("period") or ""
    try:
        return Period.parse(text)
    except ValueError:
        kind = text if text in KINDS else "month"
        return Period.containing(kind, timezone.localdate())


@statistics_required
def dashboard(request):
    """驾驶舱: key figures with changes, trends, drill-down, the supply–demand
    tables and early warnings, all read from the stored facts."""
    unit, period = _unit(request), _period(request)
    employment = [
        (p.label(), value) for p, value in queries.trend(unit, period, "new_employment")
    ]
    context = {
        **reports.report_context(unit, period),
        "kinds": [(kind, Period.containing(kind, period.start)) for kind in KINDS],
        "closed": ClosedPeriod.objects.filter(
            period_kind=period.kind, period_start=period.start
        ).first(),
        "can_close": services.closing_refusal(request.user, period) is None,
        "employment_chart": charts.line_chart(
            employment, title=_("New urban employment")
        ),
        "occupation_chart": charts.bar_chart(
            queries.breakdown(unit, period, "demand", "occupation"),
            title=_("Vacancies by occupation group"),
        ),
        "salary_chart": charts.bar_chart(
            queries.breakdown(unit, period, "demand", "salary"),
            title=_("Vacancies by monthly salary"),
        ),
        "warnings": queries.warnings(unit, period),
        "breadcrumbs": _breadcrumbs(request.user, unit),
    }
    return render(request, "stats/dashboard.html", context)


def _breadcrumbs(user, unit: OrgUnit) -> list[OrgUnit]:
    trail = []
    while unit is not None and unit.level in queries.FIGURE_LEVELS:
        trail.insert(0, unit)
        if user.org_unit_id == unit.pk:
            break
        unit = unit.parent
    return trail


@require_POST
@statistics_required
def period_close(request):
    period = _period(request)
    try:
        services.close_period(period, by=request.user)
    except services.StatsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(period)s is closed: its figures will not change again.")
            % {"period": period.label()},
        )
    return redirect(f"{reverse('stats:dashboard')}?period={period.slug}")


@statistics_required
def report_list(request):
    """Reports of the user's area, and the form that queues a new one."""
    data = request.POST if request.method == "POST" else None
    last_month = Period.containing("month", timezone.localdate()).previous()
    form = ReportForm(
        data,
        user=request.user,
        initial={
            "kind": "month",
            "period": last_month.slug,
            "unit": request.user.org_unit,
        },
    )
    if data is not None and form.is_valid():
        try:
            report = services.request_report(
                form.cleaned_data["period"], form.cleaned_data["unit"], by=request.user
            )
        except services.StatsError as error:
            messages.error(request, str(error))
        else:
            return redirect(report)
    reports = Report.objects.for_user(request.user).select_related("org_unit")
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    return render(request, "stats/report_list.html", {"form": form, "page": page})


def _report(request, code) -> Report:
    return get_object_or_404(
        Report.objects.for_user(request.user).select_related("org_unit"), code=code
    )


@statistics_required
def report_detail(request, code):
    return render(
        request, "stats/report_detail.html", {"report": _report(request, code)}
    )


@statistics_required
def report_download(request, code, kind):
    report = _report(request, code)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    file = report.pdf if kind == "pdf" else report.xlsx
    if report.status != Report.Status.DONE or not file:
        raise Http404
    name = f"{report.org_unit.name}-{report.period.slug}.{kind}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)
