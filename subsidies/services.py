"""Every write in the subsidies app, with audit."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from portal.audit import audit, changes
from portal.models import Person, User
from subsidies.eligibility import person_checks
from subsidies.models import Application, ApplicationDocument, PolicyVersion


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


class SubsidyError(Exception):
    """A refused action in the subsidies app, with a message for the user."""


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


def _refusals(version: PolicyVersion, person: Person) -> list[str]:
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
    refusals = _refusals(version, person)
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
