"""Caseworkers watch gates and annul wrong scans; city staff edit the points rules."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_seekerpass",
    "view_scan",
    "annul_scan",
    "view_pointsentry",
    "view_pointsrules",
    "change_pointsrules",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("fairs")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="caseworker").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="fairs", codename__in=CODENAMES
        )
    )
    apps.get_model("fairs", "PointsRules").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("fairs", "0003_passes_scans_points")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
