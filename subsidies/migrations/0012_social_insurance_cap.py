"""Every social-insurance subsidy shares one cap of 36 months per person
(docs/subsidy-rules.md, "Double claims"; people within five years of retirement
are the exception)."""

from django.db import migrations


def set_cap(apps, schema_editor):
    SubsidyType = apps.get_model("subsidies", "SubsidyType")
    SubsidyType.objects.filter(code__startswith="social-insurance").update(
        cap_group="social-insurance", cap_months=36
    )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0011_shared_caps")]

    operations = [migrations.RunPython(set_cap, migrations.RunPython.noop)]
