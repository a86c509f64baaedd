"""Decisions are append-only, like the audit trail; caseworkers decide and resolve
objections."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FORBID_CHANGES = """
CREATE FUNCTION subsidies_decision_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'subsidy decisions are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER subsidies_decision_append_only
    BEFORE UPDATE OR DELETE ON subsidies_decision
    FOR EACH ROW EXECUTE FUNCTION subsidies_decision_append_only();
"""

ALLOW_CHANGES = """
DROP TRIGGER subsidies_decision_append_only ON subsidies_decision;
DROP FUNCTION subsidies_decision_append_only();
"""


def grant(apps, schema_editor):
    app_config = apps.get_app_config("subsidies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="caseworker").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="subsidies",
            codename__in=["view_decision", "view_objection", "decide_application"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0007_approval_chain")]

    operations = [
        migrations.RunSQL(FORBID_CHANGES, ALLOW_CHANGES),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
