"""Applications by people and employers: the amount and refusals worked out before
submitting, submission, fix-and-resend, withdrawal and the rating at the end."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import audit
from portal.models import Employer, Person, User
from subsidies.eligibility import eligibility_checks, month_refusals
from subsidies.errors import SubsidyError
from subsidies.models import (
    Application,
    ApplicationDocument,
    PayeeAccount,
    PolicyVersion,
)
from subsidies.rules import double_claim_refusals
from subsidies.services.accounts import save_payee_account
from subsidies.services.duplicates import flag_duplicates


def compute_amount(
    version: PolicyVersion,
    *,
    level: str = "",
    months: int | None = None,
    monthly_base: Decimal | None = None,
    contributions: Decimal | None = None,
) -> Decimal:
    """The amount an application asks for under a version's rule
    (docs/subsidies.md, "Catalogue"); raises SubsidyError for what the rule
    needs and is missing or too much."""
    rule = version.amount_rule
    if rule == PolicyVersion.AmountRule.FIXED:
        return version.amount
    if rule == PolicyVersion.AmountRule.PER_LEVEL:
        if level not in version.level_amounts:
            raise SubsidyError(_("Choose the level of your certificate."))
        return Decimal(str(version.level_amounts[level]))
    if rule == PolicyVersion.AmountRule.INSURANCE_REFUND:
        if level not in version.level_amounts or contributions is None:
            raise SubsidyError(_("The refund needs the employer's size and insurance."))
        share = Decimal(str(version.level_amounts[level])) / 100
        return (contributions * share).quantize(Decimal("0.01"), ROUND_HALF_UP)
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


def _period_shape(application: Application) -> list[str]:
    """A subsidy paid by the month names its months; a one-off one names none."""
    if application.version.is_monthly:
        if not application.period_start:
            return [_("Say from which month you apply.")]
    elif application.version.is_one_off and (
        application.months or application.period_start
    ):
        return [_("This subsidy is paid once: it covers no months.")]
    return []


def submission_refusals(application: Application) -> list[str]:
    """Why the application cannot be submitted under its version: conditions not
    met (in words, each with its reason) and double-claim rules broken."""
    version, person = application.version, application.person
    reasons = [
        f"{check.condition}：{check.reason}"
        for check in eligibility_checks(version, person, employer=application.employer)
        if not check.met
    ]
    reasons += _period_shape(application)
    reasons += month_refusals(application)
    subsidy = application.subsidy_type
    if application.employer_id is not None:
        unit = application.employer.org_unit
    else:
        unit = person.residence if person is not None else None
    if not subsidy.is_offered_in(unit):
        reasons.append(
            _("This subsidy is offered only in %(city)s.") % {"city": subsidy.city}
        )
    if person is not None:
        live = Application.objects.live().filter(person=person)
        reasons += double_claim_refusals(application, live)
    return reasons


def preview_application(application: Application) -> tuple[Decimal | None, list[str]]:
    """What submitting would give, without saving: the amount (None when the
    form lacks what the rule needs) and every reason it would be refused."""
    application.version = application.subsidy_type.version_on()
    refusals = submission_refusals(application)
    try:
        amount = compute_amount(
            application.version,
            level=application.level,
            months=application.months,
            monthly_base=application.monthly_base,
        )
    except SubsidyError as error:
        return None, [*refusals, str(error)]
    return amount, refusals


DUPLICATE_MESSAGES = {
    "subsidy_certificate_once_per_occupation_and_level": gettext_lazy(
        "A subsidy for this certificate was already claimed."
    ),
}


@transaction.atomic
def submit_application(
    application: Application,
    *,
    by: User | None,
    documents: list = (),
    account: PayeeAccount | None = None,
) -> Application:
    """Submit an application under the version in force today: conditions,
    exclusions and counts are checked, the amount computed. A person applies for
    themselves; an employer for a person it employs or hosts, or for itself.
    Two submissions at the same moment end with one (a lock on the person or
    employer, and partial unique indexes). `by` is None when the system files
    it from insurance data (免申即享). The account to pay into is the one given,
    else the payee's account on file when the batch is made."""
    if application.person_id is not None:
        Person.objects.select_for_update().get(pk=application.person_id)
    else:
        Employer.objects.select_for_update().get(pk=application.employer_id)
    version = application.subsidy_type.version_on()
    if version is None:
        raise SubsidyError(_("This subsidy has no policy in force."))
    application.version = version
    if application.employer_id is not None:
        application.org_unit = application.employer.org_unit
    elif application.person.residence_id is None:
        raise SubsidyError(
            _("Your place of residence is missing: add it to your profile first.")
        )
    else:
        application.org_unit = application.person.residence
    refusals = submission_refusals(application)
    if refusals:
        raise SubsidyError(" ".join(refusals))
    application.submitted_by = by
    application.amount = compute_amount(
        version,
        level=application.level,
        months=application.months,
        monthly_base=application.monthly_base,
        contributions=(
            application.insurance_year.contributions
            if application.insurance_year_id
            else None
        ),
    )
    if account is not None:
        application.payee_account = save_payee_account(application, account, by=by)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        constraint = getattr(
            getattr(error.__cause__, "diag", None), "constraint_name", ""
        )
        message = DUPLICATE_MESSAGES.get(constraint) or _(
            "An application for this subsidy is already open."
        )
        raise SubsidyError(str(message)) from error
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
    if application.person_id is not None:
        flag_duplicates(application)
    return application


@transaction.atomic
def resubmit_application(
    application: Application,
    *,
    by: User,
    statement: str | None = None,
    documents: list = (),
) -> Application:
    """The applicant fixes a returned application (a new note, the missing scans)
    and sends it again; reviews start over."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.RETURNED:
        raise SubsidyError(_("Only a returned application can be sent again."))
    application.status = Application.Status.SUBMITTED
    application.step = 0
    application.step_due = None
    if statement is not None:
        application.statement = statement
    application.save(
        update_fields=["status", "step", "step_due", "statement", "updated_at"]
    )
    for upload in documents:
        ApplicationDocument.objects.create(
            application=application, file=upload, name=upload.name[:200]
        )
    audit(
        by,
        "subsidies.application.resubmitted",
        application,
        {"documents_added": len(documents)},
    )
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


@transaction.atomic
def rate_application(
    application: Application, *, rating: int, comment: str, by: User
) -> Application:
    """The applicant rates how a finished application was handled, once."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.can_be_rated:
        raise SubsidyError(_("Only a finished application can be rated, once."))
    application.rating = rating
    application.rating_comment = comment
    application.save(update_fields=["rating", "rating_comment", "updated_at"])
    audit(by, "subsidies.application.rated", application, {"rating": rating})
    return application
