"""Caseworkers may edit the local rules and cancellation reasons; the admin lets
only city-level staff use these permissions."""

from django.db import migrations

CODENAMES = ["change_localrules", "add_cancellationreason", "change_cancellationreason"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="caseworker").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="registration", codename__in=CODENAMES
        )
    )


class Migration(migrations.Migration):
    dependencies = [("registration", "0003_fewer_indexes")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
