from django.db import migrations

FORBID_CHANGES = """
CREATE FUNCTION portal_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_auditentry_append_only
    BEFORE UPDATE OR DELETE ON portal_auditentry
    FOR EACH ROW EXECUTE FUNCTION portal_auditentry_append_only();
"""

ALLOW_CHANGES = """
DROP TRIGGER portal_auditentry_append_only ON portal_auditentry;
DROP FUNCTION portal_auditentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunSQL(FORBID_CHANGES, ALLOW_CHANGES)]
