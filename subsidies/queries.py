"""Fund use per subsidy type, org unit and month (read-only; the statistics read
these). Applications count in the month they were submitted, payments in the
month the bank paid them."""

import datetime

from django.db.models import Count, Q, Sum

from portal.models import OrgUnit
from registration.queries import month_bounds
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
            approved=Count("pk", filter=Q(status__in=["approved", "paid"])),
        )
    )
    paid = (
        Payment.objects.filter(
            status=Payment.Status.PAID,
            application__org_unit__code__startswith=unit.descendant_prefix,
            updated_at__date__gte=first,
            updated_at__date__lte=last,
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
            {"code": row["subsidy_type__code"], "name": row["subsidy_type__name"],
             "applications": 0, "approved": 0},
        )  # fmt: skip
        entry["paid_amount"] = row["amount"]
        entry["people_paid"] = row["people"]
    return sorted(rows.values(), key=lambda row: row["code"])


def change(now, before) -> float | None:
    """Relative change in per cent; None when there is nothing to compare with."""
    if not before:
        return None
    return round((float(now) - float(before)) * 100 / float(before), 1)


def fund_use_compared(unit: OrgUnit, year: int, month: int) -> list[dict]:
    """Fund use in one month with month-on-month (环比) and year-on-year (同比)
    changes per figure: row["paid_amount"], row["paid_amount_mom"] (per cent or
    None), row["paid_amount_yoy"]."""
    previous = (year, month - 1) if month > 1 else (year - 1, 12)
    periods = {
        "now": fund_use(unit, *month_bounds(year, month)),
        "mom": fund_use(unit, *month_bounds(*previous)),
        "yoy": fund_use(unit, *month_bounds(year - 1, month)),
    }
    by_code = {key: {row["code"]: row for row in rows} for key, rows in periods.items()}
    codes = set().union(*(rows.keys() for rows in by_code.values()))
    compared = []
    for code in sorted(codes):
        names = [rows[code]["name"] for rows in by_code.values() if code in rows]
        now = by_code["now"].get(code, {})
        row = {"code": code, "name": names[0]}
        for figure in FIGURES:
            row[figure] = now.get(figure, 0)
            for key in ("mom", "yoy"):
                before = by_code[key].get(code, {}).get(figure, 0)
                row[f"{figure}_{key}"] = change(row[figure], before)
        compared.append(row)
    return compared
