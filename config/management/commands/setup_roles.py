"""The staff roles: one group per back-office role, with exactly these permissions.

Idempotent; run on every deploy after `migrate` (which creates the permissions), and
by `make run`. Each run adds the declared permissions a group lacks and removes the
ones it has but are not declared here, so this list is the whole truth; every change
is written to the audit trail.

Caseworkers and leaders see records of their own org unit and below (`for_user`);
the admin lets only city-level staff use the permissions on city-wide rules and
catalogues (`CityRulesAdmin`). Gate stewards need no model permission (the gate
pages check their role) and administrators are superusers: neither has a group.
"""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.audit import audit

ROLES = {
    "caseworker": [
        "portal.view_person",
        "portal.add_person",
        "portal.change_person",
        "portal.view_full_identity",
        "portal.view_employer",
        "portal.add_employer",
        "portal.change_employer",
        "portal.verify_employer",
        "portal.view_orgunit",
        "portal.view_difficultycategory",
        "jobs.view_jobposting",
        "jobs.moderate_jobposting",
        "registration.view_unemploymentregistration",
        "registration.add_unemploymentregistration",
        "registration.review_unemploymentregistration",
        "registration.view_employmentregistration",
        "registration.add_employmentregistration",
        "registration.view_employmentcertificate",
        "registration.add_employmentcertificate",
        "registration.view_difficultyrecognition",
        "registration.review_difficultyrecognition",
        "registration.decide_difficultyrecognition",
        "registration.view_insuranceimport",
        "registration.add_insuranceimport",
        "registration.view_cancellationreason",
        "registration.add_cancellationreason",
        "registration.change_cancellationreason",
        "registration.view_localrules",
        "registration.change_localrules",
        "registration.add_localrules",
        "graduates.view_graduate",
        "graduates.add_graduate",
        "graduates.change_graduate",
        "graduates.view_receivingapplication",
        "graduates.decide_receivingapplication",
        "graduates.view_leaver",
        "graduates.add_leaver",
        "graduates.change_leaver",
        "graduates.follow_up_leaver",
        "graduates.view_contact",
        "graduates.view_cohorttarget",
        "graduates.add_cohorttarget",
        "graduates.change_cohorttarget",
        "fairs.view_jobfair",
        "fairs.add_jobfair",
        "fairs.change_jobfair",
        "fairs.view_booth",
        "fairs.view_boothbooking",
        "fairs.change_boothbooking",
        "fairs.view_seekerpass",
        "fairs.view_scan",
        "fairs.annul_scan",
        "fairs.view_pointsentry",
        "fairs.view_pointsrules",
        "fairs.change_pointsrules",
        "fairs.add_pointsrules",
        "fairs.view_hall",
        "fairs.add_hall",
        "fairs.change_hall",
        "fairs.view_terminal",
        "fairs.add_terminal",
        "fairs.change_terminal",
        "subsidies.view_subsidytype",
        "subsidies.change_subsidytype",
        "subsidies.add_subsidytype",
        "subsidies.view_policyversion",
        "subsidies.add_policyversion",
        "subsidies.change_policyversion",
        "subsidies.view_application",
        "subsidies.view_applicationdocument",
        "subsidies.decide_application",
        "subsidies.view_decision",
        "subsidies.view_objection",
        "subsidies.view_disbursementbatch",
        "subsidies.view_payment",
        "subsidies.view_duplicatesuspect",
        "subsidies.view_insuranceyear",
        "stats.view_warningrule",
        "stats.add_warningrule",
        "stats.change_warningrule",
        "stats.view_closedperiod",
        "stats.view_employedpopulation",
        "stats.add_employedpopulation",
        "stats.change_employedpopulation",
    ],
    "leader": [
        "portal.view_person",
        "portal.view_employer",
        "portal.view_orgunit",
        "portal.view_difficultycategory",
        "jobs.view_jobposting",
        "registration.view_unemploymentregistration",
        "registration.view_employmentregistration",
        "registration.view_difficultyrecognition",
        "graduates.view_graduate",
        "graduates.view_leaver",
        "graduates.view_cohorttarget",
        "fairs.view_jobfair",
        "fairs.view_boothbooking",
        "subsidies.view_application",
        "subsidies.view_objection",
        "subsidies.view_duplicatesuspect",
    ],
}


def label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def find_permissions(labels: list[str]) -> dict[str, Permission]:
    """The permissions named "app_label.codename"; an unknown name is an error."""
    apps = {name.partition(".")[0] for name in labels}
    found: dict[str, list[Permission]] = {}
    for permission in Permission.objects.filter(
        content_type__app_label__in=apps
    ).select_related("content_type"):
        found.setdefault(label(permission), []).append(permission)
    unknown = sorted(name for name in set(labels) if len(found.get(name, [])) != 1)
    if unknown:
        raise CommandError(
            "Unknown or ambiguous permissions (has `migrate` run?): "
            + ", ".join(unknown)
        )
    return {name: found[name][0] for name in labels}


def set_roles(roles: dict[str, list[str]] = ROLES) -> dict[Group, dict]:
    """Create each role's group and give it exactly its declared permissions.
    Returns what changed, by group: {"created": bool, "added": [...], "removed": [...]}.
    """
    changes = {}
    for name, declared in roles.items():
        wanted = find_permissions(declared)
        group, created = Group.objects.get_or_create(name=name)
        current = {
            label(p): p for p in group.permissions.select_related("content_type")
        }
        added = sorted(wanted.keys() - current.keys())
        removed = sorted(current.keys() - wanted.keys())
        group.permissions.add(*(wanted[name] for name in added))
        group.permissions.remove(*(current[name] for name in removed))
        if created or added or removed:
            changes[group] = {"created": created, "added": added, "removed": removed}
    return changes


class Command(BaseCommand):
    help = (
        "Create the staff groups with exactly their declared permissions "
        "(idempotent; run on every deploy after migrate)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        changes = set_roles()
        for group, change in changes.items():
            audit(None, "config.role.changed", group, change)
            if verbosity:
                self.stdout.write(
                    f"Role {group.name}: {'created, ' if change['created'] else ''}"
                    f"{len(change['added'])} permissions added, "
                    f"{len(change['removed'])} removed."
                )
            if verbosity > 1 or (verbosity and not change["created"]):
                for name in change["added"]:
                    self.stdout.write(f"  + {name}")
                for name in change["removed"]:
                    self.stdout.write(f"  - {name}")
        if verbosity:
            unchanged = len(ROLES) - len(changes)
            self.stdout.write(f"{len(ROLES)} roles in place, {unchanged} unchanged.")
