"""The rules against double claims across applications (docs/subsidies.md,
"Double claims"), checked when an application is submitted and again just before
it is paid. The person's applications that count — live ones at submission, those
with a payment at disbursement — are read once; each rule then looks at that
list."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.validators import add_years
from subsidies.models import SKILL_LEVELS, Application

RETIREMENT_EXCEPTION_YEARS = 5


def _excluded_type(application: Application, others: list) -> str | None:
    subsidy = application.subsidy_type
    excluded = {t.pk for t in subsidy.excludes.all()}
    for other in others:
        if other.subsidy_type_id in excluded:
            return _("%(this)s cannot be combined with %(other)s.") % {
                "this": subsidy.name,
                "other": other.subsidy_type.name,
            }
    return None


def _same_item_same_period(application: Application, others: list) -> str | None:
    """The same months are paid once: by this type, or by a type paying for the
    same item from another fund (fund-source exclusivity; certificates: see
    _certificate)."""
    if not (application.months and application.period_start):
        return None
    start, end = application.period()
    subsidy = application.subsidy_type
    siblings = {subsidy.pk} | {t.pk for t in subsidy.same_item.all()}
    for other in others:
        same_item = other.subsidy_type_id in siblings or (
            subsidy.item and other.subsidy_type.item == subsidy.item
        )
        if not same_item or not other.period_start:
            continue
        other_start, other_end = other.period()
        if other_start and other_start <= end and start <= other_end:
            if other.subsidy_type_id == subsidy.pk:
                return _("These months are already claimed in another application.")
            if other.subsidy_type.fund == subsidy.fund:
                return _("%(other)s already pays for these months.") % {
                    "other": other.subsidy_type.name
                }
            return _("%(other)s already pays for these months from another fund.") % {
                "other": other.subsidy_type.name
            }
    return None


def _shared_cap(application: Application, others: list) -> str | None:
    """Types of one cap group share a cap on months per person (the 3-year
    social-insurance rule); people within five years of their retirement date
    are exempt (docs/subsidies.md, "Double claims")."""
    subsidy = application.subsidy_type
    if not (subsidy.cap_group and subsidy.cap_months and application.months):
        return None
    retirement = application.person.statutory_retirement_date()
    if retirement <= add_years(timezone.localdate(), RETIREMENT_EXCEPTION_YEARS):
        return None
    used = sum(
        other.months or 0
        for other in others
        if other.subsidy_type.cap_group == subsidy.cap_group
    )
    if used + application.months <= subsidy.cap_months:
        return None
    return _(
        "Subsidies of this kind are paid for at most %(cap)d months in all; "
        "%(used)d are already counted."
    ) % {"cap": subsidy.cap_months, "used": used}


def _type_months(application: Application, others: list) -> str | None:
    """The version's longest period holds across applications of the type."""
    limit = application.version.max_months
    if not (limit and application.months):
        return None
    used = sum(
        other.months or 0
        for other in others
        if other.subsidy_type_id == application.subsidy_type_id
    )
    if used + application.months <= limit:
        return None
    return _(
        "%(name)s is paid for at most %(limit)d months per person; %(used)d are "
        "already counted."
    ) % {"name": application.subsidy_type.name, "limit": limit, "used": used}


def _counts(application: Application, others: list) -> str | None:
    version = application.version
    same_type = [o for o in others if o.subsidy_type_id == application.subsidy_type_id]
    name = application.subsidy_type.name
    if version.max_times and len(same_type) >= version.max_times:
        return _("%(name)s can be received at most %(times)d times.") % {
            "name": name,
            "times": version.max_times,
        }
    year = timezone.localtime(application.created_at or timezone.now()).year
    this_year = [o for o in same_type if timezone.localtime(o.created_at).year == year]
    if version.max_per_year and len(this_year) >= version.max_per_year:
        return _("%(name)s can be received at most %(times)d times a year.") % {
            "name": name,
            "times": version.max_per_year,
        }
    return None


def _certificate(application: Application, others: list) -> str | None:
    """One subsidy per occupation and level, whichever fund pays it; none for a
    lower level once a higher one is claimed."""
    if not application.occupation:
        return None
    in_occupation = [o for o in others if o.occupation == application.occupation]
    for other in in_occupation:
        if other.level == application.level:
            return _(
                "A subsidy for this certificate (%(occupation)s, %(level)s) was "
                "already claimed: %(other)s."
            ) % {
                "occupation": application.occupation,
                "level": application.level,
                "other": other.subsidy_type.name,
            }
    if application.level in SKILL_LEVELS:
        higher = SKILL_LEVELS[SKILL_LEVELS.index(application.level) + 1 :]
        if any(other.level in higher for other in in_occupation):
            return _(
                "A higher level in %(occupation)s was already claimed; a lower one "
                "is not paid."
            ) % {"occupation": application.occupation}
    return None


RULES = [
    _excluded_type,
    _same_item_same_period,
    _type_months,
    _shared_cap,
    _counts,
    _certificate,
]


def double_claim_refusals(application: Application, others: QuerySet) -> list[str]:
    """Every rule the application breaks, in words; [] when it may go on."""
    if application.person_id is None:
        return []
    if application.pk is not None:
        others = others.exclude(pk=application.pk)
    counted = list(others.select_related("subsidy_type"))
    return [reason for rule in RULES if (reason := rule(application, counted))]
