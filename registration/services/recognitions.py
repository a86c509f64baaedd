"""Employment-difficulty recognition (就业困难人员认定, docs/registration.md,
"Employment difficulty"): apply → street or community review → public notice →
district decision → exit."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import OrgUnit, Person, User
from portal.services import notify, set_difficulty_category
from registration.errors import RegistrationError
from registration.models import (
    DifficultyRecognition,
    LocalRules,
    UnemploymentRegistration,
)
from registration.services.certificates import issue_certificate
from registration.services.unemployment import months_before


def _locked(recognition: DifficultyRecognition) -> DifficultyRecognition:
    return (
        DifficultyRecognition.objects.select_for_update(of=("self",))
        .select_related("person__user", "category", "org_unit")
        .get(pk=recognition.pk)
    )


def _notify_applicant(recognition: DifficultyRecognition, template: str, **extra):
    user = recognition.person.user
    if user is not None:
        context = {"recognition": recognition, **extra}
        notify(user, template, context, url=recognition.get_absolute_url())


def _refuse_unless(recognition, *statuses, message):
    if recognition.status not in statuses:
        raise RegistrationError(
            f"{recognition.person.name}（{recognition.category}）: {message}"
        )


def category_refusals(person: Person, category, *, day: datetime.date) -> list[str]:
    """The category's conditions the registry can check (age, months registered
    as unemployed) that this person does not meet; documents are for caseworkers."""
    reasons = []
    min_age = (
        category.min_age_women
        if person.sex == Person.Sex.FEMALE
        else category.min_age_men
    )
    if min_age and person.age(day) < min_age:
        reasons.append(
            _("“%(category)s” is for people aged %(age)d or more.")
            % {"category": category.name, "age": min_age}
        )
    if category.min_unemployed_months:
        cutoff = months_before(day, category.min_unemployed_months)
        registered = UnemploymentRegistration.objects.filter(
            person=person,
            status=UnemploymentRegistration.Status.REGISTERED,
            registered_on__lte=cutoff,
        )
        if not registered.exists():
            reasons.append(
                _(
                    "“%(category)s” needs %(months)d months of registered "
                    "unemployment without a break."
                )
                % {"category": category.name, "months": category.min_unemployed_months}
            )
    return reasons


@transaction.atomic
def apply_for_recognition(
    recognition: DifficultyRecognition, *, by: User
) -> DifficultyRecognition:
    person = Person.objects.select_for_update().get(pk=recognition.person_id)
    if person.residence_id is None:
        raise RegistrationError(
            _("Your place of residence is missing: add it to your profile first.")
        )
    today = timezone.localdate()
    if person.age(today) < 16 or today >= person.statutory_retirement_date():
        raise RegistrationError(
            _("Recognition is for people between 16 and their retirement date.")
        )
    refusals = category_refusals(person, recognition.category, day=today)
    if refusals:
        raise RegistrationError(" ".join(refusals))
    recognition.org_unit = person.residence
    recognition.submitted_by = by
    recognition.status = DifficultyRecognition.Status.SUBMITTED
    try:
        with transaction.atomic():
            recognition.save()
    except IntegrityError as error:
        raise RegistrationError(
            _("You already have an application or recognition in this category.")
        ) from error
    audit(by, "registration.recognition.submitted", recognition)
    return recognition


@transaction.atomic
def resubmit_recognition(
    recognition: DifficultyRecognition, *, by: User
) -> DifficultyRecognition:
    current = _locked(recognition)
    _refuse_unless(
        current,
        DifficultyRecognition.Status.SUBMITTED,
        DifficultyRecognition.Status.RETURNED,
        message=_("this application can no longer be changed."),
    )
    recognition.status = DifficultyRecognition.Status.SUBMITTED
    recognition.save(update_fields=["statement", "status", "updated_at"])
    audit(by, "registration.recognition.submitted", recognition)
    return recognition


@transaction.atomic
def return_recognition(
    recognition: DifficultyRecognition, reason: str, *, by: User
) -> DifficultyRecognition:
    recognition = _locked(recognition)
    _refuse_unless(
        recognition,
        DifficultyRecognition.Status.SUBMITTED,
        message=_("only applications awaiting review can be returned."),
    )
    recognition.status = DifficultyRecognition.Status.RETURNED
    recognition.return_reason = reason
    recognition.save(update_fields=["status", "return_reason", "updated_at"])
    audit(by, "registration.recognition.returned", recognition, {"reason": reason})
    _notify_applicant(recognition, "recognition_returned", reason=reason)
    return recognition


@transaction.atomic
def start_recognition_notice(
    recognition: DifficultyRecognition, *, by: User
) -> DifficultyRecognition:
    """First review passed: the application goes on public notice (公示) for the
    local number of days; the district decides once the notice has ended."""
    recognition = _locked(recognition)
    _refuse_unless(
        recognition,
        DifficultyRecognition.Status.SUBMITTED,
        message=_("only applications awaiting review can pass first review."),
    )
    today = timezone.localdate()
    recognition.status = DifficultyRecognition.Status.ON_NOTICE
    recognition.reviewed_by = by
    recognition.return_reason = ""
    recognition.notice_starts = today
    recognition.notice_ends = today + datetime.timedelta(
        days=LocalRules.current(recognition.org_unit).notice_days - 1
    )
    recognition.save(
        update_fields=[
            "status",
            "reviewed_by",
            "return_reason",
            "notice_starts",
            "notice_ends",
            "updated_at",
        ]
    )
    audit(by, "registration.recognition.noticed", recognition)
    _notify_applicant(recognition, "recognition_on_notice")
    return recognition


def check_recognition_decider(recognition: DifficultyRecognition, by: User) -> None:
    """District approval: someone at district level or above, not the first
    reviewer (two people look at every recognition)."""
    unit = by.org_unit if by.org_unit_id else None
    if not by.is_administrator and not (
        unit is not None and unit.is_at_least(OrgUnit.Level.DISTRICT)
    ):
        raise RegistrationError(
            _("%(name)s: recognitions are decided at district level.")
            % {"name": recognition.person.name}
        )
    if recognition.reviewed_by_id == by.pk:
        raise RegistrationError(
            _("%(name)s: the first reviewer cannot also decide.")
            % {"name": recognition.person.name}
        )


@transaction.atomic
def approve_recognition(
    recognition: DifficultyRecognition, *, by: User
) -> DifficultyRecognition:
    recognition = _locked(recognition)
    _refuse_unless(
        recognition,
        DifficultyRecognition.Status.ON_NOTICE,
        message=_("only applications on public notice can be approved."),
    )
    check_recognition_decider(recognition, by)
    today = timezone.localdate()
    if today <= recognition.notice_ends:
        raise RegistrationError(
            _("%(name)s: the public notice runs until %(date)s.")
            % {
                "name": recognition.person.name,
                "date": date_format(recognition.notice_ends),
            }
        )
    recognition.status = DifficultyRecognition.Status.APPROVED
    recognition.decided_by = by
    recognition.approved_on = today
    recognition.save(
        update_fields=["status", "decided_by", "approved_on", "updated_at"]
    )
    audit(by, "registration.recognition.approved", recognition)
    set_difficulty_category(
        recognition.person, recognition.category, recognised=True, by=by
    )
    issue_certificate(recognition.person, by=by, unit=recognition.org_unit)
    _notify_applicant(recognition, "recognition_approved")
    return recognition


@transaction.atomic
def refuse_recognition(
    recognition: DifficultyRecognition, reason: str, *, by: User
) -> DifficultyRecognition:
    """Refuse after review or after an objection during the notice was upheld."""
    recognition = _locked(recognition)
    _refuse_unless(
        recognition,
        DifficultyRecognition.Status.SUBMITTED,
        DifficultyRecognition.Status.ON_NOTICE,
        message=_("only applications under review or on notice can be refused."),
    )
    if recognition.status == DifficultyRecognition.Status.ON_NOTICE:
        check_recognition_decider(recognition, by)
    recognition.status = DifficultyRecognition.Status.REFUSED
    recognition.decided_by = by
    recognition.refusal_reason = reason
    recognition.save(
        update_fields=["status", "decided_by", "refusal_reason", "updated_at"]
    )
    audit(by, "registration.recognition.rejected", recognition, {"reason": reason})
    _notify_applicant(recognition, "recognition_refused", reason=reason)
    return recognition


@transaction.atomic
def exit_recognition(
    recognition: DifficultyRecognition,
    *,
    by: User,
    reason: str,
    day: datetime.date | None = None,
) -> DifficultyRecognition:
    """The person leaves the register, with the exit rule that applied."""
    recognition = _locked(recognition)
    _refuse_unless(
        recognition,
        DifficultyRecognition.Status.APPROVED,
        message=_("only recognised people can leave the register."),
    )
    recognition.status = DifficultyRecognition.Status.EXITED
    recognition.exited_on = max(day or timezone.localdate(), recognition.approved_on)
    recognition.exit_reason = reason
    recognition.save(update_fields=["status", "exited_on", "exit_reason", "updated_at"])
    audit(by, "registration.recognition.exited", recognition, {"reason": reason})
    set_difficulty_category(
        recognition.person, recognition.category, recognised=False, by=by
    )
    return recognition
