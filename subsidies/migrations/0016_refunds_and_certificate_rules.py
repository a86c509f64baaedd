"""Formerly added the job-stabilisation refund, changed the training,
skill-upgrade, internship and public-welfare-post versions and links, and gave
caseworkers the insurance-year permission.

Its data now comes from commands run on every deploy: `manage.py setup_roles`
(groups and permissions) and `manage.py setup_catalogue` (catalogue rows, added
when missing, never overwriting staff edits). Kept without operations
so that databases which applied it see no change.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0015_employers_certificates_refunds")]

    operations = []
