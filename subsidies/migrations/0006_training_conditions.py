"""The training subsidy is for any of five groups of people; documents prove which,
so no single registry condition applies (registered unemployment was too strict)."""

from django.db import migrations


def relax(apps, schema_editor):
    PolicyVersion = apps.get_model("subsidies", "PolicyVersion")
    PolicyVersion.objects.filter(
        subsidy_type__code="training", eligibility=["registered_unemployed"]
    ).update(eligibility=[])


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0005_symmetric_exclusions")]

    operations = [migrations.RunPython(relax, migrations.RunPython.noop)]
