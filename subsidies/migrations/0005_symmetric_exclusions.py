"""Exclusions hold both ways: historical models in 0002 stored only one side."""

from django.db import migrations


def mirror(apps, schema_editor):
    SubsidyType = apps.get_model("subsidies", "SubsidyType")
    for subsidy in SubsidyType.objects.all():
        for other in subsidy.excludes.all():
            other.excludes.add(subsidy)


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0004_application_permissions")]

    operations = [migrations.RunPython(mirror, migrations.RunPython.noop)]
