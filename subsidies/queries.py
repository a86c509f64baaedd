"""Fund use per subsidy type, org unit and month (read-only; the statistics read
these). Applications count in the month they were submitted, payments in the
month the bank paid them."""

import datetime

from django.db.models import Count, Q, Sum

from portal.models import OrgUnit
from subsidies.models import Application, Payment

FIGURES = ["applications", "approved", "paid_amount", "people_paid"]


def fund_use(unit: OrgUnit, first: datetime.date, last: datetime.date) -> list[dict]:
    """One row per subsidy type with activity: applications, approved, paid
    amount and people paid, between two days inclusive."""
    in_unit = {"org_unit__code__startswith": unit.descendant_prefix}
    applications = (
        Application.objects.filter(
            **in_unit, created_at__date__gte=first, created_at__date__lte=last
        )
        .values("subsidy_type__code", "subsidy_type__name")
        .annotate(
            applications=Count("pk"),
            approved=Count("pk", filter=Q(status__in=Application.GRANTED_STATUSES)),
        )
    )
    paid = (
        Payment.objects.filter(
            status=Payment.Status.PAID,
            application__org_unit__code__startswith=unit.descendant_prefix,
            paid_on__gte=first,
            paid_on__lte=last,
        )
        .values("subsidy_type__code", "subsidy_type__name")
        .annotate(amount=Sum("amount"), people=Count("person", distinct=True))
    )
    rows = {
        row["subsidy_type__code"]: {
            "code": row["subsidy_type__code"],
            "name": row["subsidy_type__name"],
            "applications": row["applications"],
            "approved": row["approved"],
            "paid_amount": 0,
            "people_paid": 0,
        }
        for row in applications
    }
    for row in paid:
        entry = rows.setdefault(
            row["subsidy_type__code"],
            {
                "code": row["subsidy_type__code"],
                "name": row["subsidy_type__name"],
                "applications": 0,
                "approved": 0,
            },
        )
        entry["paid_amount"] = row["amount"]
        entry["people_paid"] = row["people"]
    return sorted(rows.values(), key=lambda row: row["code"])
