"""The city's targets for a graduation year."""

from django.db import transaction

from graduates.models import CohortTarget
from portal.audit import save_with_audit
from portal.models import User


@transaction.atomic
def save_cohort_target(
    target: CohortTarget, *, by: User, changed_fields: list[str]
) -> CohortTarget:
    return save_with_audit(
        target, by=by, fields=changed_fields, action="graduates.target"
    )
