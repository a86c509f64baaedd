"""City caseworkers set early-warning thresholds; two example rules."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_warningrule", "add_warningrule", "change_warningrule",
             "view_closedperiod"]  # fmt: skip


def load(apps, schema_editor):
    app_config = apps.get_app_config("stats")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="caseworker").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="stats", codename__in=CODENAMES
        )
    )
    WarningRule = apps.get_model("stats", "WarningRule")
    WarningRule.objects.get_or_create(
        indicator="unemployed_at_end", direction="rise", defaults={"threshold": 10}
    )
    WarningRule.objects.get_or_create(
        indicator="demand", direction="fall", defaults={"threshold": 20}
    )


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial"), ("portal", "0008_recusals")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
