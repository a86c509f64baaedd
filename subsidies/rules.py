"""The rules against double claims across applications (rules.md §3.3), checked
when an application is submitted and again just before it is paid. Each takes
the application and `others`: that person's applications that count — live
ones at submission, those with a payment at disbursement."""

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.validators import add_years
from subsidies.models import SKILL_LEVELS, Application

RETIREMENT_EXCEPTION_YEARS = 5


def _excluded_type(application: Application, others: QuerySet) -> str | None:
    subsidy = application.subsidy_type
    excluded = others.filter(subsidy_type__in=subsidy.excludes.all()).first()
    if excluded is None:
        return None
    return _("%(this)s cannot be combined with %(other)s.") % {
        "this": subsidy.name,
        "other": excluded.subsidy_type.name,
    }


def _same_item_same_period(application: Application, others: QuerySet) -> str | None:
    """The same months are paid once: by this type, or by a type paying for the
    same item from another fund (fund-source exclusivity; certificates: see
    _certificate)."""
    if not (application.months and application.period_start):
        return None
    start, end = application.period()
    subsidy = application.subsidy_type
    siblings = others.filter(
        Q(subsidy_type=subsidy) | Q(subsidy_type__in=subsidy.same_item.all()),
        months__isnull=False,
        period_start__isnull=False,
    )
    for other in siblings.select_related("subsidy_type"):
        other_start, other_end = other.period()
        if other_start <= end and start <= other_end:
            if other.subsidy_type_id == subsidy.pk:
                return _("These months are already claimed in another application.")
            return _("%(other)s already pays for these months from another fund.") % {
                "other": other.subsidy_type.name
            }
    return None


def _shared_cap(application: Application, others: QuerySet) -> str | None:
    """Types of one cap group share a cap on months per person (the 3-year
    social-insurance rule); people within five years of their retirement date
    are exempt (rules.md §3.2–3.3)."""
    subsidy = application.subsidy_type
    if not (subsidy.cap_group and subsidy.cap_months and application.months):
        return None
    retirement = application.person.statutory_retirement_date()
    if retirement <= add_years(timezone.localdate(), RETIREMENT_EXCEPTION_YEARS):
        return None
    counted = others.filter(subsidy_type__cap_group=subsidy.cap_group)
    used = counted.aggregate(total=Sum("months"))["total"] or 0
    if used + application.months <= subsidy.cap_months:
        return None
    return _(
        "Subsidies of this kind are paid for at most %(cap)d months in all; "
        "%(used)d are already counted."
    ) % {"cap": subsidy.cap_months, "used": used}


def _counts(application: Application, others: QuerySet) -> str | None:
    version = application.version
    same_type = others.filter(subsidy_type=application.subsidy_type)
    name = application.subsidy_type.name
    if version.max_times and same_type.count() >= version.max_times:
        return _("%(name)s can be received at most %(times)d times.") % {
            "name": name,
            "times": version.max_times,
        }
    year = timezone.localtime(application.created_at or timezone.now()).year
    if (
        version.max_per_year
        and same_type.filter(created_at__year=year).count() >= version.max_per_year
    ):
        return _("%(name)s can be received at most %(times)d times a year.") % {
            "name": name,
            "times": version.max_per_year,
        }
    return None


def _certificate(application: Application, others: QuerySet) -> str | None:
    """One subsidy per occupation and level, whichever fund pays it; none for a
    lower level once a higher one is claimed."""
    if not application.occupation:
        return None
    in_occupation = others.filter(occupation=application.occupation)
    same = in_occupation.filter(level=application.level).first()
    if same is not None:
        return _(
            "A subsidy for this certificate (%(occupation)s, %(level)s) was already "
            "claimed: %(other)s."
        ) % {
            "occupation": application.occupation,
            "level": application.level,
            "other": same.subsidy_type.name,
        }
    if application.level in SKILL_LEVELS:
        higher = SKILL_LEVELS[SKILL_LEVELS.index(application.level) + 1 :]
        if in_occupation.filter(level__in=higher).exists():
            return _(
                "A higher level in %(occupation)s was already claimed; a lower one "
                "is not paid."
            ) % {"occupation": application.occupation}
    return None


RULES = [_excluded_type, _same_item_same_period, _shared_cap, _counts, _certificate]


def double_claim_refusals(application: Application, others: QuerySet) -> list[str]:
    """Every rule the application breaks, in words; [] when it may go on."""
    if application.person_id is None:
        return []
    if application.pk is not None:
        others = others.exclude(pk=application.pk)
    return [reason for rule in RULES if (reason := rule(application, others))]
