"""Caseworkers process graduate reports, receiving applications and follow-ups in
their area; leaders may look."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "caseworker": [
        "view_graduate",
        "add_graduate",
        "change_graduate",
        "view_receivingapplication",
        "decide_receivingapplication",
        "view_leaver",
        "add_leaver",
        "change_leaver",
        "follow_up_leaver",
        "view_contact",
        "view_cohorttarget",
        "add_cohorttarget",
        "change_cohorttarget",
    ],
    "leader": ["view_graduate", "view_leaver", "view_cohorttarget"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("graduates")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="graduates", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("graduates", "0001_initial"),
        ("portal", "0006_difficulty_category_condition_values"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
