"""The approval chain of a subsidy application (docs/subsidies.md,
"Approval chain"): accept → the version's reviews, each at its org level → public
notice with objections → approval. Every decision is an append-only Decision
row. One person decides at most one step of an application and never their own."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import OrgUnit, User
from portal.services import notify, notify_employer_staff
from subsidies.errors import SubsidyError
from subsidies.models import Application, ClaimedPeriod, Decision, Objection


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `day` (Saturdays and Sundays skipped;
    public holidays are not modelled yet)."""
    while days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(
            "version", "person__user", "employer", "org_unit", "subsidy_type"
        )
        .get(pk=application.pk)
    )


def check_decider(application: Application, by: User, *, level: str) -> None:
    name = application.applicant_name
    if not by.has_perm("subsidies.decide_application"):
        raise SubsidyError(_("You may not decide subsidy applications."))
    if not Application.objects.for_user(by).filter(pk=application.pk).exists():
        raise SubsidyError(
            _("%(name)s: the application is outside your area.") % {"name": name}
        )
    if not by.is_administrator and level and by.org_unit.level != level:
        raise SubsidyError(
            _("%(name)s: this step is decided at %(level)s level.")
            % {"name": name, "level": dict(OrgUnit.Level.choices).get(level, level)}
        )
    person = application.person
    if person is not None and person.user_id == by.pk:
        raise SubsidyError(_("Nobody decides their own application."))
    if person is not None and by.recusals.filter(id_number=person.id_number).exists():
        raise SubsidyError(
            _("%(name)s is a relative you declared: another caseworker decides.")
            % {"name": name}
        )
    earlier = application.decisions.filter(decided_by=by).exclude(step=application.step)
    if earlier.exists():
        raise SubsidyError(
            _("%(name)s: you decided another step of this application.")
            % {"name": name}
        )


def _record(application, kind, *, by, reason="") -> None:
    Decision.objects.create(
        application=application,
        step=application.step,
        level=application.current_level,
        kind=kind,
        reason=reason,
        decided_by=by,
    )
    audit(by, f"subsidies.application.{kind}", application, {"reason": reason})


def _set(application, status, *fields) -> None:
    application.status = status
    application.save(update_fields=["status", *fields, "updated_at"])


def tell_applicant(application: Application, reason: str = "") -> None:
    """Inbox message and e-mail to the applicant: the person, or the employer's
    staff."""
    context = {"application": application, "reason": reason}
    url = application.get_absolute_url()
    if application.employer_id is not None:
        notify_employer_staff(application.employer, "subsidy_decided", context, url=url)
    elif application.person.user_id is not None:
        notify(application.person.user, "subsidy_decided", context, url=url)


@transaction.atomic
def accept_application(application: Application, *, by: User) -> Application:
    application = _locked(application)
    if application.status != Application.Status.SUBMITTED:
        raise SubsidyError(_("Only a submitted application can be accepted."))
    check_decider(application, by, level=application.current_level)
    application.step_due = working_days_after(
        timezone.localdate(), application.version.review_days
    )
    _set(application, Application.Status.IN_REVIEW, "step_due")
    _record(application, Decision.Kind.ACCEPTED, by=by)
    return application


@transaction.atomic
def return_application(application: Application, reason: str, *, by: User):
    """Back to the applicant with everything missing in one message."""
    application = _locked(application)
    if application.status not in (
        Application.Status.SUBMITTED,
        Application.Status.IN_REVIEW,
    ):
        raise SubsidyError(_("Only an application under review can be returned."))
    check_decider(application, by, level=application.current_level)
    application.return_reason = reason
    application.step_due = None
    _set(application, Application.Status.RETURNED, "return_reason", "step_due")
    _record(application, Decision.Kind.RETURNED, by=by, reason=reason)
    tell_applicant(application, reason)
    return application


@transaction.atomic
def pass_step(application: Application, *, by: User) -> Application:
    """The current review passes; after the last one the application goes on
    public notice for the version's number of working days."""
    application = _locked(application)
    if application.status != Application.Status.IN_REVIEW:
        raise SubsidyError(_("Only an application under review can pass a step."))
    check_decider(application, by, level=application.current_level)
    _record(application, Decision.Kind.PASSED, by=by)
    application.step += 1
    today = timezone.localdate()
    if application.current_level:
        application.step_due = working_days_after(
            today, application.version.review_days
        )
        application.save(update_fields=["step", "step_due", "updated_at"])
    else:
        application.step_due = None
        application.notice_ends = working_days_after(
            today, application.version.notice_days
        )
        _set(
            application, Application.Status.ON_NOTICE, "step", "step_due", "notice_ends"
        )
    return application


@transaction.atomic
def refuse_application(application: Application, reason: str, *, by: User):
    application = _locked(application)
    if application.status not in (
        Application.Status.IN_REVIEW,
        Application.Status.ON_NOTICE,
    ):
        raise SubsidyError(
            _("Only an application under review or on notice can be refused.")
        )
    check_decider(application, by, level=application.current_level)
    application.return_reason = reason
    _set(application, Application.Status.REFUSED, "return_reason")
    _record(application, Decision.Kind.REFUSED, by=by, reason=reason)
    tell_applicant(application, reason)
    return application


def claim_months(application: Application) -> None:
    """Enter the months an application is granted in the ledger of the person and
    benefit item (docs/subsidies.md, "Double claims"); refused when another
    application, of any type or fund, was granted one of them."""
    start, end = application.period()
    if start is None or application.person_id is None:
        return
    if ClaimedPeriod.objects.filter(application=application).exists():
        return
    subsidy = application.subsidy_type
    try:
        with transaction.atomic():
            ClaimedPeriod.objects.create(
                application=application,
                person_id=application.person_id,
                item=subsidy.item or subsidy.code,
                period_start=start,
                period_end=end,
            )
    except IntegrityError as error:
        raise SubsidyError(
            _("%(name)s: some of these months are already granted for the same item.")
            % {"name": application.applicant_name}
        ) from error


@transaction.atomic
def approve_application(application: Application, *, by: User) -> Application:
    """After a public notice without upheld or open objections."""
    application = _locked(application)
    if application.status != Application.Status.ON_NOTICE:
        raise SubsidyError(_("Only an application on public notice can be approved."))
    if timezone.localdate() <= application.notice_ends:
        raise SubsidyError(
            _("%(name)s: the public notice runs until %(date)s.")
            % {"name": application.applicant_name, "date": application.notice_ends}
        )
    if application.objections.filter(upheld__isnull=True).exists():
        raise SubsidyError(
            _("%(name)s: an objection is still open.")
            % {"name": application.applicant_name}
        )
    check_decider(application, by, level="")
    claim_months(application)
    _set(application, Application.Status.APPROVED)
    _record(application, Decision.Kind.APPROVED, by=by)
    tell_applicant(application)
    return application


@transaction.atomic
def raise_objection(
    application: Application, *, text: str, contact: str = ""
) -> Objection:
    application = _locked(application)
    if (
        application.status != Application.Status.ON_NOTICE
        or timezone.localdate() > application.notice_ends
    ):
        raise SubsidyError(_("This application is not on public notice."))
    objection = Objection.objects.create(
        application=application, text=text, contact=contact
    )
    audit(None, "subsidies.objection.raised", application)
    return objection


@transaction.atomic
def resolve_objection(objection: Objection, *, upheld: bool, resolution: str, by: User):
    """An upheld objection refuses the application; a dismissed one lets it go on."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.upheld is not None:
        raise SubsidyError(_("This objection is already resolved."))
    check_decider(_locked(objection.application), by, level="")
    objection.upheld = upheld
    objection.resolution = resolution
    objection.save(update_fields=["upheld", "resolution"])
    audit(
        by,
        "subsidies.objection.resolved",
        objection.application,
        {"upheld": upheld, "note": resolution},
    )
    if upheld:
        refuse_application(objection.application, resolution, by=by)
    return objection
