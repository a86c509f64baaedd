"""稳岗返还 without an application (免申即享, docs/subsidies.md,
"Job-stabilisation refunds"): from the employers' unemployment-insurance years the
system finds those that qualify, computes the refund and puts it straight into
the approval chain."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import Employer, User
from portal.services import notify_employer_staff
from subsidies.errors import SubsidyError
from subsidies.models import Application, InsuranceYear, PolicyVersion, SubsidyType
from subsidies.services.applications import submit_application

LARGE = "大型企业"
SMALL = "中小微企业"


def size_class(employer: Employer) -> str:
    """Social organisations, individual businesses and every employer not known
    to be large get the small-employer share."""
    return LARGE if employer.size == Employer.Size.LARGE else SMALL


def refund_refusals(record: InsuranceYear) -> list[str]:
    """Why an insurance year earns no refund, in words; [] when it does."""
    limits = settings.JOB_STABILISATION
    reasons = []
    if record.months_paid < 12:
        reasons.append(
            _("Contributions were paid for %(months)d months, not 12.")
            % {"months": record.months_paid}
        )
    small = record.insured_at_start <= limits["small_employer_insured"]
    limit = limits["small_employer_layoff_rate"] if small else limits["layoff_rate"]
    if record.layoff_rate() > limit:
        reasons.append(
            _("The layoff rate was %(rate)s%%, above %(limit)s%%.")
            % {"rate": record.layoff_rate(), "limit": limit}
        )
    if record.is_seriously_dishonest:
        reasons.append(_("Listed as seriously dishonest."))
    return reasons


def refund_types() -> list[SubsidyType]:
    """A city's own refund first: an employer there gets it rather than the
    refund of every city (a year is refunded once)."""
    types = SubsidyType.objects.filter(is_active=True, applicant="employer")
    own_first = F("city").asc(nulls_last=True)
    return [
        subsidy
        for subsidy in types.select_related("city").order_by(
            own_first, "position", "code"
        )
        if (version := subsidy.version_on())
        and version.amount_rule == PolicyVersion.AmountRule.INSURANCE_REFUND
    ]


def compute_refunds(*, year: int | None = None, by: User | None = None) -> int:
    """Yearly, safe to run daily: one refund in the chain for every qualifying
    insurance year without one (last year by default). Returns how many. `by` is
    the caseworker who asked (recorded with the run; the refunds themselves are
    filed by the system), or None for the nightly task."""
    year = year or timezone.localdate().year - 1
    made = 0
    own_areas = []  # a city with its own refund: its employers get that one or none
    for subsidy in refund_types():
        records = InsuranceYear.objects.filter(
            subsidy.area("employer__org_unit"), year=year, refund__isnull=True
        ).select_related("employer__org_unit")
        if subsidy.city_id is None:
            for area in own_areas:
                records = records.exclude(area)
        else:
            own_areas.append(subsidy.area("employer__org_unit"))
        for record in records:
            if refund_refusals(record):
                continue
            application = Application(
                subsidy_type=subsidy,
                employer=record.employer,
                insurance_year=record,
                level=size_class(record.employer),
                months=12,
                period_start=datetime.date(year, 1, 1),
            )
            # The refund and its message commit together: a retry after the worker
            # died tells the employers the killed run had not told yet.
            try:
                with transaction.atomic():
                    submit_application(application, by=None)
                    notify_employer_staff(
                        record.employer,
                        "subsidy_refund_computed",
                        {"application": application, "record": record},
                        url=application.get_absolute_url(),
                    )
            except SubsidyError:
                continue
            made += 1
    if made or by is not None:
        audit(by, "subsidies.refunds.computed", None, {"year": year, "made": made})
    return made
