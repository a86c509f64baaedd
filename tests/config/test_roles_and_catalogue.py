"""setup_roles and setup_catalogue: idempotent, exact for roles, never overwriting
for the catalogue, and a database upgraded from the old data migrations ends like
a fresh one.

`legacy_migrations_state.json` is a dump (dumpdata --natural-foreign
--natural-primary) of a database migrated with the data migrations these commands
replaced, taken before they were emptied: the groups with their permissions and
every catalogue table they filled. Never regenerate it; it is what existing
databases hold.
"""

import io
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from config.management.commands import setup_roles
from fairs.models import PointsRules
from portal.models import AuditEntry, DifficultyCategory
from registration.models import CancellationReason, LocalRules
from stats.models import WarningRule
from subsidies.models import PolicyVersion, SubsidyType

LEGACY = Path(__file__).with_name("legacy_migrations_state.json")
# Versions first: they protect their types from deletion.
CATALOGUE = [PolicyVersion, SubsidyType, DifficultyCategory, CancellationReason,
             LocalRules, PointsRules, WarningRule]  # fmt: skip
SINGLETONS = {LocalRules, PointsRules}  # their one row is pk 1
# Granted on purpose after the old migrations: setup_roles adds them on upgrade.
GRANTED_SINCE = {
    "caseworker": [
        # City staff enter the urban employed population (stats/admin.py).
        "stats.add_employedpopulation",
        "stats.change_employedpopulation",
        "stats.view_employedpopulation",
        # Caseworkers set up recruiting halls and their terminals (fairs/admin.py).
        "fairs.view_hall",
        "fairs.add_hall",
        "fairs.change_hall",
        "fairs.view_terminal",
        "fairs.add_terminal",
        "fairs.change_terminal",
        # In a province, a city's staff add their city's registration rules.
        "registration.add_localrules",
        # ... and their city's fair points rules (fairs/admin.py).
        "fairs.add_pointsrules",
        # ... and subsidies of their city's own (subsidies/admin.py).
        "subsidies.add_subsidytype",
    ],
    "leader": [
        # Leaders see the to-do's totals of objections and look-alikes.
        "subsidies.view_duplicatesuspect",
        "subsidies.view_objection",
    ],
}


def natural(obj: models.Model):
    return getattr(obj, "code", None) or obj.pk


def row(obj: models.Model) -> dict:
    """Every value of a row, related rows by natural key; no ids or timestamps."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key and type(obj) not in SINGLETONS:
            continue
        if field.name in ("created_at", "updated_at"):
            continue
        value = getattr(obj, field.name)
        related = field.is_relation and value is not None
        values[field.name] = natural(value) if related else value
    for field in obj._meta.many_to_many:
        values[field.name] = sorted(natural(o) for o in getattr(obj, field.name).all())
    return values


def state() -> dict:
    """Roles, every permission and the catalogue, comparable across databases."""
    snapshot = {
        "groups": {
            group.name: sorted(map(setup_roles.label, group.permissions.all()))
            for group in Group.objects.prefetch_related("permissions__content_type")
        },
        "permissions": sorted(
            (p.content_type.app_label, p.content_type.model, p.codename, p.name)
            for p in Permission.objects.select_related("content_type")
        ),
    }
    for model in CATALOGUE:
        snapshot[model._meta.label] = sorted(
            (row(obj) for obj in model.objects.all()), key=repr
        )
    return snapshot


def run(command: str) -> str:
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def load_legacy():
    """Turn this database into one the old data migrations filled: their rows only."""
    for model in CATALOGUE:
        model.objects.all().delete()
    Group.objects.all().delete()
    call_command("loaddata", LEGACY, verbosity=0)
    # The dump predates the benefit item: migrations after it fill it in.
    ledger = import_module("subsidies.migrations.0020_ledger_by_item")
    ledger.name_items(django_apps, None)


@pytest.fixture
def upgraded(db):
    load_legacy()


def test_an_upgraded_database_ends_like_a_fresh_one(db):
    # The test database is fresh: migrations, then the commands (tests/conftest.py).
    fresh = state()
    assert len(fresh["subsidies.SubsidyType"]) == 9 and set(fresh["groups"]) == {
        "caseworker",
        "leader",
    }
    load_legacy()
    run("setup_roles")
    run("setup_catalogue")
    upgraded = state()
    for part in fresh:
        assert upgraded[part] == fresh[part], part


def test_the_roles_are_what_the_old_migrations_granted(upgraded):
    """setup_roles overwrites the groups, so the test above cannot see a wrong
    declaration: the old grants are its expected value. A deliberate change of
    roles later shows up here; record it in this test."""
    granted = {
        group.name: sorted(map(setup_roles.label, group.permissions.all()))
        for group in Group.objects.all()
    }
    for role, names in GRANTED_SINCE.items():
        granted[role] = sorted([*granted[role], *names])
    assert granted == {
        role: sorted(permissions) for role, permissions in setup_roles.ROLES.items()
    }
    unchanged = len(setup_roles.ROLES) - len(GRANTED_SINCE)
    assert run("setup_roles").endswith(f"2 roles in place, {unchanged} unchanged.\n")
    assert AuditEntry.objects.count() == len(GRANTED_SINCE)


def test_setup_roles_sets_exactly_the_declared_permissions_and_audits(db):
    caseworker = Group.objects.get(name="caseworker")
    caseworker.permissions.remove(Permission.objects.get(codename="verify_employer"))
    caseworker.permissions.add(Permission.objects.get(codename="delete_person"))
    Group.objects.get(name="leader").delete()
    output = run("setup_roles")
    assert "+ portal.verify_employer" in output and "- portal.delete_person" in output
    assert "Role leader: created, 16 permissions added, 0 removed." in output
    assert caseworker.permissions.filter(codename="verify_employer").exists()
    assert not caseworker.permissions.filter(codename="delete_person").exists()
    entry = AuditEntry.objects.for_object(caseworker).get()
    assert entry.action == "config.role.changed" and entry.actor is None
    assert entry.data == {
        "created": False,
        "added": ["portal.verify_employer"],
        "removed": ["portal.delete_person"],
    }
    assert "2 roles in place, 2 unchanged." in run("setup_roles")
    assert AuditEntry.objects.count() == 2


def test_setup_roles_refuses_an_unknown_permission(db, monkeypatch):
    monkeypatch.setitem(setup_roles.ROLES, "leader", ["portal.view_person", "x.y"])
    with pytest.raises(CommandError, match="x.y"):
        run("setup_roles")
    assert Group.objects.get(name="leader").permissions.count() == 16


def test_setup_catalogue_adds_what_is_missing_and_keeps_staff_edits(db):
    internship = PolicyVersion.objects.get(subsidy_type__code="internship")
    internship.amount = 80
    internship.save()
    SubsidyType.objects.filter(code="training").update(name="培训补贴")
    SubsidyType.objects.get(code="training").same_item.clear()
    DifficultyCategory.objects.filter(code="veteran").update(min_unemployed_months=3)
    CancellationReason.objects.filter(code="death").delete()  # missing: added
    LocalRules.objects.update(notice_days=7)
    # Example rules go only into an empty table: this one does not come back.
    WarningRule.objects.filter(indicator="demand").delete()
    before = state()

    output = run("setup_catalogue")
    assert output == "Catalogue: added 1 registration.CancellationReason.\n"
    assert AuditEntry.objects.get().action == "config.catalogue.seeded"
    after = state()
    assert len(after["registration.CancellationReason"]) == 13
    after["registration.CancellationReason"] = before["registration.CancellationReason"]
    assert after == before  # nothing else touched
    assert PolicyVersion.objects.get(pk=internship.pk).amount == 80
    assert run("setup_catalogue") == "Catalogue: added nothing.\n"


def test_a_new_subsidy_type_comes_with_its_version_and_links(db):
    SubsidyType.objects.get(code="skill-upgrade").same_item.clear()
    PolicyVersion.objects.filter(subsidy_type__code="training").delete()
    SubsidyType.objects.filter(code="training").delete()
    run("setup_catalogue")
    training = SubsidyType.objects.get(code="training")
    assert training.versions.get().max_per_year == 1
    assert list(training.same_item.values_list("code", flat=True)) == ["skill-upgrade"]
