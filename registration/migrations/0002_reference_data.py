"""The certificate number sequence.

This migration formerly also gave caseworkers and leaders their registration
permissions and added the cancellation reasons and the local rules row; that data
now comes from commands run on every deploy: `manage.py setup_roles` and `manage.py
setup_catalogue` (rows added when missing, never overwriting staff edits).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0001_initial"),
        ("portal", "0004_orgunit_centre"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE registration_certificate_serial",
            "DROP SEQUENCE registration_certificate_serial",
        ),
    ]
