"""Read-only figures of the graduates app: where a cohort went (流向), the
follow-up rates of unemployed graduates against the city's targets, and the
postings to refer. The statistics issue reads the first two."""

import datetime
import re
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from graduates.models import LOCAL_PREFIX, CohortTarget, Graduate, Leaver
from jobs import matching
from jobs.models import JobPosting, Resume
from portal.models import Employer, OrgUnit
from registration.models import EmploymentRegistration

DIMENSIONS = {
    "group": _("destination category"),
    "destination": _("destination"),
    "school": _("school"),
    "major": _("major"),
    "degree": _("degree"),
    "industry": _("employer industry (employed graduates)"),
    "district": _("employer district (employed graduates)"),
    "origin": _("local or non-local origin"),
}


def cohort(year: int, unit: OrgUnit):
    return Graduate.objects.filter(
        graduation_year=year, org_unit__code__startswith=unit.descendant_prefix
    )


def reported(year: int, unit: OrgUnit, on: datetime.date):
    """Graduates of `year` served in `unit` who had reported to the city by the end
    of `on` (a list from an education department is no report). A corrected report
    counts from its latest submission."""
    return (
        cohort(year, unit)
        .exclude(report_status=Graduate.Report.NONE)
        .filter(reported_at__date__lte=on)
    )


def flows(year: int, unit: OrgUnit, by: str) -> list[dict]:
    """Graduates of `year` served in `unit`, counted by one dimension, largest
    first, with their share of the cohort in per cent."""
    graduates = cohort(year, unit)
    if by in ("industry", "district"):
        employed = [
            *Graduate.GROUPS["agreement_contract"],
            *Graduate.GROUPS["flexible"],
        ]
        graduates = graduates.filter(destination__in=employed)
    total = graduates.count()
    if by == "group":
        graduates = graduates.annotate(
            key=Case(
                *[
                    When(destination__in=destinations, then=Value(group))
                    for group, destinations in Graduate.GROUPS.items()
                ],
                default=Value(""),
            )
        )
        labels = Graduate.GROUP_LABELS
    elif by == "origin":
        graduates = graduates.annotate(
            key=Case(
                When(origin_code__startswith=LOCAL_PREFIX, then=Value("local")),
                default=Value("non_local"),
            )
        )
        labels = {"local": _("Local"), "non_local": _("Non-local")}
    elif by == "district":
        graduates = graduates.annotate(key=Substr("employer__org_unit__code", 1, 6))
        labels = {
            unit.code[:6]: unit.name
            for unit in OrgUnit.objects.filter(level=OrgUnit.Level.DISTRICT)
        }
    elif by == "industry":
        graduates = graduates.annotate(key=F("employer__industry"))
        labels = dict(Employer.Industry.choices)
    else:
        graduates = graduates.annotate(key=F(by))
        labels = {
            "destination": dict(Graduate.Destination.choices),
            "degree": dict(Graduate.Degree.choices),
        }.get(by, {})
    rows = graduates.values("key").annotate(count=Count("pk")).order_by("-count", "key")
    return [
        {
            "label": labels.get(row["key"], row["key"]) or _("Not known"),
            "count": row["count"],
            "share": Decimal(100 * row["count"] / total).quantize(Decimal("0.1")),
        }
        for row in rows
    ]


def leaver_rates(year: int, unit: OrgUnit, on: datetime.date | None = None) -> dict:
    """Contact and employment rates of the registered unemployed graduates of one
    cohort, as they stood at the end of `on` (today by default): registered =
    registered by then; contacted = at least one contact made by then; employed =
    marked as found work by then, or an employment registration starting between
    the start of the graduation year and then."""
    on = on or timezone.localdate()
    started_work = EmploymentRegistration.objects.filter(
        person_id=OuterRef("graduate__person_id"),
        start_date__gte=datetime.date(year, 1, 1),
        start_date__lte=on,
    )
    leavers = Leaver.objects.filter(
        graduate__graduation_year=year,
        graduate__org_unit__code__startswith=unit.descendant_prefix,
        created_at__date__lte=on,
    )
    figures = leavers.aggregate(
        registered=Count("pk", distinct=True),
        contacted=Count("pk", filter=Q(contacts__contacted_on__lte=on), distinct=True),
    )
    found_work = Q(status=Leaver.Status.EMPLOYED) & (
        Q(status_changed_on__lte=on) | Q(status_changed_on__isnull=True)
    )
    figures["employed"] = (
        leavers.filter(found_work | Exists(started_work)).distinct().count()
    )
    target = CohortTarget.current(year, unit)
    for name in ("contact", "employment"):
        count = figures["contacted" if name == "contact" else "employed"]
        rate = (
            Decimal(100 * count / figures["registered"]).quantize(Decimal("0.1"))
            if figures["registered"]
            else None
        )
        figures[f"{name}_rate"] = rate
        figures[f"{name}_target"] = getattr(target, f"{name}_rate")
        figures[f"{name}_met"] = rate is not None and rate >= figures[f"{name}_target"]
    return figures


WISH_SEPARATORS = re.compile(r"[，,、；;。/\s]+|或|和|及")


def wish_terms(text: str) -> list[str]:
    """Search terms in a wish like "机械设计或技术支持，禅城区" or a major like
    "会计学": each part, then its first two characters (会计学 → 会计); place
    names are left to the map."""
    parts = [
        part
        for part in WISH_SEPARATORS.split(text)
        if len(part) >= 2 and not part.endswith(("区", "市", "镇"))
    ]
    return parts + [part[:2] for part in parts if len(part) > 2]


def referral_suggestions(leaver: Leaver, limit: int = 8):
    """Postings to refer: the jobs matching's best for the graduate's resume, then
    postings matching the words of their wishes and their major."""
    ids = []
    resume = Resume.objects.filter(person_id=leaver.graduate.person_id).first()
    if resume is not None:
        ids = [posting.pk for posting in matching.postings_for(resume, limit=limit)]
    published = JobPosting.objects.published()
    for term in wish_terms(f"{leaver.job_wishes} {leaver.graduate.major}"):
        if len(ids) >= limit:
            break
        found = published.search(term).exclude(pk__in=ids).order_by("-published_at")
        ids += list(found.values_list("pk", flat=True)[: limit - len(ids)])
    return JobPosting.objects.filter(pk__in=ids).select_related("employer")
