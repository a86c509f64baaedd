"""The org hierarchy, kept by administrators in the back office."""

from django.db import transaction

from portal.audit import save_with_audit
from portal.models import OrgUnit, User


@transaction.atomic
def save_org_unit(unit: OrgUnit, *, by: User, changed_fields: list[str]) -> OrgUnit:
    return save_with_audit(unit, by=by, fields=changed_fields, action="portal.org_unit")
