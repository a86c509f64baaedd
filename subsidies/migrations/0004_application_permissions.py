"""Caseworkers see applications in their area; leaders may look."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "caseworker": ["view_application", "view_applicationdocument"],
    "leader": ["view_application"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("subsidies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="subsidies", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0003_applications")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
