"""Formerly dropped the registry condition of the training subsidy's version.

Its data now comes from commands run on every deploy: `manage.py setup_roles`
(groups and permissions) and `manage.py setup_catalogue` (catalogue rows, added
when missing, never overwriting staff edits). Kept without operations
so that databases which applied it see no change.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0005_symmetric_exclusions")]

    operations = []
