"""Caseworkers review postings in their area; leaders may look at them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "caseworker": ["view_jobposting", "moderate_jobposting"],
    "leader": ["view_jobposting"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("jobs")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="jobs", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("portal", "0003_staff_groups_and_categories"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
