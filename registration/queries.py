"""Registration counts per org unit and period, read by the statistics (read-only).

Definitions (an org unit counts what was registered in it or below it):
- new_unemployed: unemployment registrations registered in the month;
- unemployed_at_end: people registered as unemployed at the end of the last day;
- employed_at_end: people with an employment registration in force on the last day
  (with unemployed_at_end, the base of the registered unemployment rate);
- reemployed: people whose unemployment registration was cancelled in the month
  for a reason that counts as re-employment (hired, own business, stable income,
  employment registered);
- difficulty_employed: people recognised as having employment difficulty on the
  day an employment of theirs started in the month;
- new_employment (城镇新增就业): people with an employment starting in the month
  who had no other employment ending in the 30 days before (job changes are not
  new employment).
"""

import calendar
import datetime

from django.db.models import Exists, OuterRef, Q

from portal.models import OrgUnit
from registration.models import (
    DifficultyRecognition,
    EmploymentRegistration,
    UnemploymentRegistration,
)

JOB_CHANGE_DAYS = 30


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last_day)


def monthly_counts(unit: OrgUnit, year: int, month: int) -> dict[str, int]:
    return counts(unit, *month_bounds(year, month))


def counts(unit: OrgUnit, first: datetime.date, last: datetime.date) -> dict[str, int]:
    """The counts above between two days inclusive (a month, quarter or year)."""
    in_unit = Q(org_unit__code__startswith=unit.descendant_prefix)
    unemployment = UnemploymentRegistration.objects.filter(in_unit)
    starts = EmploymentRegistration.objects.filter(
        in_unit, start_date__gte=first, start_date__lte=last
    )
    earlier_job = EmploymentRegistration.objects.filter(
        person_id=OuterRef("person_id"),
        end_date__lt=OuterRef("start_date"),
        end_date__gte=OuterRef("start_date") - datetime.timedelta(days=JOB_CHANGE_DAYS),
    ).exclude(pk=OuterRef("pk"))
    recognised = DifficultyRecognition.objects.filter(
        person_id=OuterRef("person_id"), approved_on__lte=OuterRef("start_date")
    ).filter(Q(exited_on__isnull=True) | Q(exited_on__gt=OuterRef("start_date")))
    return {
        "new_unemployed": unemployment.filter(
            registered_on__gte=first, registered_on__lte=last
        ).count(),
        "unemployed_at_end": unemployment.registered_on(last).count(),
        "employed_at_end": EmploymentRegistration.objects.filter(in_unit)
        .current(last)
        .values("person_id")
        .distinct()
        .count(),
        "reemployed": unemployment.filter(
            cancelled_on__gte=first,
            cancelled_on__lte=last,
            registered_on__isnull=False,
            cancellation_reason__counts_as_reemployment=True,
        )
        .values("person_id")
        .distinct()
        .count(),
        "difficulty_employed": starts.filter(Exists(recognised))
        .values("person_id")
        .distinct()
        .count(),
        "new_employment": starts.exclude(Exists(earlier_job))
        .values("person_id")
        .distinct()
        .count(),
    }
