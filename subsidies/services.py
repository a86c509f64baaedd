"""Every write in the subsidies app, with audit."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit, changes
from portal.models import Person, User
from portal.validators import add_years
from subsidies.duplicates import flag_duplicates
from subsidies.eligibility import person_checks
from subsidies.errors import SubsidyError
from subsidies.models import (
    Application,
    ApplicationDocument,
    PolicyVersion,
    SubsidyType,
)


@transaction.atomic
def save_catalogue_entry(
    entry: models.Model, *, by: User, changed_fields: list[str]
) -> models.Model:
    """Save a subsidy type or policy version edited by city staff in the admin."""
    before = {}
    if entry.pk is not None:
        old = type(entry).objects.get(pk=entry.pk)
        before = {field: getattr(old, field) for field in changed_fields}
    entry.save()
    after = {field: getattr(entry, field) for field in changed_fields}
    audit(by, "subsidies.catalogue.changed", entry, {"changes": changes(before, after)})
    return entry


def compute_amount(
    version: PolicyVersion,
    *,
    level: str = "",
    months: int | None = None,
    monthly_base: Decimal | None = None,
) -> Decimal:
    """The amount an application asks for under a version's rule (rules.md §3.2);
    raises SubsidyError for what the rule needs and is missing or too much."""
    rule = version.amount_rule
    if rule == PolicyVersion.AmountRule.FIXED:
        return version.amount
    if rule == PolicyVersion.AmountRule.PER_LEVEL:
        if level not in version.level_amounts:
            raise SubsidyError(_("Choose the level of your certificate."))
        return Decimal(str(version.level_amounts[level]))
    if not months:
        raise SubsidyError(_("Say for how many months you apply."))
    if version.max_months and months > version.max_months:
        raise SubsidyError(
            _("At most %(months)d months.") % {"months": version.max_months}
        )
    share = version.amount / 100
    if rule == PolicyVersion.AmountRule.CONTRIBUTION_SHARE:
        if not monthly_base:
            raise SubsidyError(_("Give the contributions you paid per month."))
        monthly = monthly_base * share
    else:
        monthly = Decimal(settings.MINIMUM_WAGE) * share
    if version.monthly_cap:
        monthly = min(monthly, version.monthly_cap)
    return (monthly * months).quantize(Decimal("0.01"), ROUND_HALF_UP)


RETIREMENT_EXCEPTION_YEARS = 5


def shared_cap_refusal(
    subsidy: SubsidyType,
    person: Person,
    months: int | None,
    *,
    statuses: list[str],
    exclude: Application | None = None,
) -> str | None:
    """Types of one cap group share a cap on months per person (the 3-year
    social-insurance rule); people within five years of their retirement date
    are exempt (rules.md §3.2–3.3)."""
    if not (subsidy.cap_group and subsidy.cap_months and months):
        return None
    today = timezone.localdate()
    retirement = person.statutory_retirement_date()
    if retirement <= add_years(today, RETIREMENT_EXCEPTION_YEARS):
        return None
    counted = Application.objects.filter(
        person=person, subsidy_type__cap_group=subsidy.cap_group, status__in=statuses
    )
    if exclude is not None:
        counted = counted.exclude(pk=exclude.pk)
    used = counted.aggregate(total=Sum("months"))["total"] or 0
    if used + months <= subsidy.cap_months:
        return None
    return _(
        "Subsidies of this kind are paid for at most %(cap)d months in all; "
        "%(used)d are already counted."
    ) % {"cap": subsidy.cap_months, "used": used}


def _refusals(
    version: PolicyVersion, person: Person, months: int | None = None
) -> list[str]:
    reasons = [
        f"{check.condition}：{check.reason}"
        for check in person_checks(version, person)
        if not check.met
    ]
    subsidy = version.subsidy_type
    taken = Application.objects.filter(person=person).exclude(status="withdrawn")
    excluded = taken.filter(subsidy_type__in=subsidy.excludes.all()).first()
    if excluded is not None:
        reasons.append(
            _("%(this)s cannot be combined with %(other)s, which you applied for.")
            % {"this": subsidy.name, "other": excluded.subsidy_type.name}
        )
    cap = shared_cap_refusal(
        subsidy,
        person,
        months,
        statuses=[s for s in Application.OPEN_STATUSES] + ["paid"],
    )
    if cap:
        reasons.append(cap)
    if version.max_times and taken.filter(subsidy_type=subsidy).count() >= (
        version.max_times
    ):
        reasons.append(
            _("%(name)s can be received at most %(times)d times.")
            % {"name": subsidy.name, "times": version.max_times}
        )
    return reasons


@transaction.atomic
def submit_application(
    application: Application, *, by: User, documents: list = ()
) -> Application:
    """Submit a person's application under the version in force today: the record
    conditions, exclusions and counts are checked, the amount computed. Two
    submissions at the same moment end with one (a lock on the person and a
    partial unique index)."""
    person = Person.objects.select_for_update().get(pk=application.person_id)
    version = application.subsidy_type.version_on()
    if version is None:
        raise SubsidyError(_("This subsidy has no policy in force."))
    if person.residence_id is None:
        raise SubsidyError(
            _("Your place of residence is missing: add it to your profile first.")
        )
    refusals = _refusals(version, person, application.months)
    if refusals:
        raise SubsidyError(" ".join(refusals))
    application.version = version
    application.org_unit = person.residence
    application.submitted_by = by
    application.amount = compute_amount(
        version,
        level=application.level,
        months=application.months,
        monthly_base=application.monthly_base,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise SubsidyError(
            _("You already have an open application for this subsidy.")
        ) from error
    for upload in documents:
        ApplicationDocument.objects.create(
            application=application, file=upload, name=upload.name[:200]
        )
    audit(
        by,
        "subsidies.application.submitted",
        application,
        {"amount": str(application.amount)},
    )
    flag_duplicates(application)
    return application


@transaction.atomic
def resubmit_application(application: Application, *, by: User) -> Application:
    """The applicant sends a returned application again; reviews start over."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.RETURNED:
        raise SubsidyError(_("Only a returned application can be sent again."))
    application.status = Application.Status.SUBMITTED
    application.step = 0
    application.save(update_fields=["status", "step", "updated_at"])
    audit(by, "subsidies.application.resubmitted", application)
    return application


@transaction.atomic
def withdraw_application(application: Application, *, by: User) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.can_be_withdrawn:
        raise SubsidyError(
            _("Only an application not yet under review can be withdrawn.")
        )
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit(by, "subsidies.application.withdrawn", application)
    return application
