"""Formerly created the staff groups with their permissions and the default
employment-difficulty categories.

Its data now comes from commands run on every deploy: `manage.py setup_roles`
(groups and permissions) and `manage.py setup_catalogue` (catalogue rows, added
when missing, never overwriting staff edits). Kept without operations
so that databases which applied it see no change.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_audit_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
