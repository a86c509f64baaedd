"""Caseworkers may look at batches, payments and review tasks (the admin shows the
payment pages to city staff only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_disbursementbatch", "view_payment", "view_duplicatesuspect"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("subsidies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="caseworker").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="subsidies", codename__in=CODENAMES
        )
    )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0013_duplicate_suspects")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
