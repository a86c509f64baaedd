"""Decisions are append-only, like the audit trail.

This migration formerly also gave caseworkers the permissions to decide and to see
objections; roles are now set by `manage.py setup_roles`, run on every deploy.
"""

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


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0007_approval_chain")]

    operations = [
        migrations.RunSQL(FORBID_CHANGES, ALLOW_CHANGES),
    ]
