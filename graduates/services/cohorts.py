"""The city's targets for a graduation year."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from graduates.errors import GraduateError
from graduates.models import CohortTarget
from portal import city_rules
from portal.audit import save_with_audit
from portal.models import User


@transaction.atomic
def save_cohort_target(
    target: CohortTarget, *, by: User, changed_fields: list[str]
) -> CohortTarget:
    """The top unit's staff set any city's targets and those of every city; a
    city's staff (in a province) their own city's."""
    if not city_rules.may_write_row(by, target):
        raise GraduateError(_("You may change only your own city's rules."))
    try:
        with transaction.atomic():
            return save_with_audit(
                target, by=by, fields=changed_fields, action="graduates.target"
            )
    except IntegrityError as error:  # two first saves of one city's year
        raise GraduateError(
            _("This city already has targets for this graduation year.")
        ) from error
