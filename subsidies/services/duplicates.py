"""The soft layer against double claims (docs/subsidies.md, "Look-alike
applications"): applications for the same subsidy by people with near-identical
data become review tasks."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import User
from subsidies.errors import SubsidyError
from subsidies.models import Application, DuplicateSuspect
from subsidies.services.chain import check_decider


def flag_duplicates(application: Application) -> list[DuplicateSuspect]:
    """Compare with the other live applications for the same subsidy: same name
    and birth date under another ID number, or the same phone."""
    person = application.person
    alike = Q(person__name=person.name, person__birth_date=person.birth_date)
    if person.phone:
        alike |= Q(person__phone=person.phone)
    others = (
        Application.objects.filter(subsidy_type=application.subsidy_type)
        .exclude(person=person)
        .exclude(status__in=["withdrawn", "refused"])
        .filter(alike)
        .select_related("person")
    )
    found = []
    for other in others:
        same_phone = person.phone and other.person.phone == person.phone
        reason = (
            _("The same mobile phone")
            if same_phone
            else _("The same name and birth date")
        )
        suspect, created = DuplicateSuspect.objects.get_or_create(
            application=application,
            other_application=other,
            defaults={"reason": reason},
        )
        if created:
            found.append(suspect)
    return found


def is_held(application: Application) -> bool:
    """Held from payment while a suspicion is open or confirmed."""
    return application.duplicate_suspects.exclude(is_duplicate=False).exists()


@transaction.atomic
def resolve_suspect(
    suspect: DuplicateSuspect, *, duplicate: bool, by: User, resolution: str = ""
):
    """`resolution`: what the check found, kept in the audit trail."""
    suspect = DuplicateSuspect.objects.select_for_update().get(pk=suspect.pk)
    if suspect.is_duplicate is not None:
        raise SubsidyError(_("This suspicion is already resolved."))
    check_decider(suspect.application, by, level="")
    suspect.is_duplicate = duplicate
    suspect.resolved_by = by
    suspect.save(update_fields=["is_duplicate", "resolved_by"])
    audit(
        by,
        "subsidies.duplicate.resolved",
        suspect.application,
        {"duplicate": duplicate, "note": resolution},
    )
    return suspect
