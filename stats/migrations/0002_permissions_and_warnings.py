"""Formerly gave caseworkers the warning-rule permissions and added two example
rules.

Its data now comes from commands run on every deploy: `manage.py setup_roles`
(groups and permissions) and `manage.py setup_catalogue` (catalogue rows, added
when missing, never overwriting staff edits). Kept without operations
so that databases which applied it see no change.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial"), ("portal", "0008_recusals")]

    operations = []
