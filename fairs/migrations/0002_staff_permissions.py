"""Caseworkers run fairs in their area; leaders may look."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "caseworker": [
        "view_jobfair",
        "add_jobfair",
        "change_jobfair",
        "view_booth",
        "view_boothbooking",
        "change_boothbooking",
    ],
    "leader": ["view_jobfair", "view_boothbooking"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("fairs")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="fairs", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("fairs", "0001_initial"),
        ("portal", "0006_difficulty_category_condition_values"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
