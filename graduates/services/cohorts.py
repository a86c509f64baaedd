"""The city's targets for a graduation year."""

from django.db import transaction

from graduates.models import CohortTarget
from portal.audit import audit
from portal.models import User


@transaction.atomic
def save_cohort_target(target: CohortTarget, *, by: User) -> CohortTarget:
    target.save()
    audit(
        by,
        "graduates.target.changed",
        target,
        {
            "contact_rate": str(target.contact_rate),
            "employment_rate": str(target.employment_rate),
        },
    )
    return target
