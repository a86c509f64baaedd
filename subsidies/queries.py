"""Fund use per subsidy type, org unit and month (read-only; the statistics read
these). Applications count in the month they were submitted, payments in the
month the bank paid them."""

import datetime

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Left

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


def fund_use_by_unit(
    first: datetime.date, last: datetime.date, lengths=(4, 6, 9)
) -> dict[str, list[dict]]:
    """fund_use for every unit at once, keyed by code prefix (the city, its
    districts and streets by default): one query for the applications and one
    for the payments instead of two per unit. Counts and amounts are the same
    as fund_use's; people paid are distinct at each level (a grouping set per
    prefix length): one person paid in two districts is one person in the city."""
    found: dict[str, dict[str, dict]] = {}

    def entry(prefix: str, code: str, name: str) -> dict:
        return found.setdefault(prefix, {}).setdefault(
            code,
            {
                "code": code,
                "name": name,
                "applications": 0,
                "approved": 0,
                "paid_amount": 0,
                "people_paid": 0,
            },
        )

    longest = max(lengths)
    applications = (
        Application.objects.filter(
            created_at__date__gte=first, created_at__date__lte=last
        )
        .order_by()
        .annotate(prefix=Left("org_unit__code", longest))
        .values("prefix", "subsidy_type__code", "subsidy_type__name")
        .annotate(
            applications=Count("pk"),
            approved=Count("pk", filter=Q(status__in=Application.GRANTED_STATUSES)),
        )
    )
    for row in applications:  # additive: counted per street, added up
        for length in lengths:
            figures = entry(
                row["prefix"][:length],
                row["subsidy_type__code"],
                row["subsidy_type__name"],
            )
            figures["applications"] += row["applications"]
            figures["approved"] += row["approved"]
    names = [f"prefix_{length}" for length in lengths]
    payments = (
        Payment.objects.filter(
            status=Payment.Status.PAID, paid_on__gte=first, paid_on__lte=last
        )
        .order_by()
        .annotate(
            type_code=F("subsidy_type__code"),
            type_name=F("subsidy_type__name"),
            **{
                name: Left("application__org_unit__code", length)
                for name, length in zip(names, lengths, strict=True)
            },
        )
        .values_list("type_code", "type_name", "amount", "person_id", *names)
    )
    sql, params = payments.query.sql_with_params()
    flags = ", ".join(f"GROUPING({name})" for name in names)
    sets = ", ".join(f"({name}, type_code, type_name)" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {", ".join(names)}, type_code, type_name, sum(amount),
                    count(DISTINCT person_id), {flags}
                FROM ({sql}) AS rows GROUP BY GROUPING SETS ({sets})""",
            params,
        )
        for row in cursor.fetchall():
            prefixes, (code, name, amount, people), grouped = (
                row[: len(names)],
                row[len(names) : len(names) + 4],
                row[len(names) + 4 :],
            )
            figures = entry(prefixes[grouped.index(0)], code, name)
            figures["paid_amount"] = amount
            figures["people_paid"] = people
    return {
        prefix: sorted(rows.values(), key=lambda row: row["code"])
        for prefix, rows in found.items()
    }
