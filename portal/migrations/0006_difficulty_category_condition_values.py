"""The conditions of the default categories that the registry can check
(docs/registration-rules.md, "Employment difficulty"); other conditions are
checked by caseworkers from documents."""

from django.db import migrations

CONDITIONS = {
    "older-workers": {"min_age_women": 40, "min_age_men": 50},
    "long-term-unemployed": {"min_unemployed_months": 12},
    "veteran": {"min_unemployed_months": 6},
}


def set_conditions(apps, schema_editor):
    DifficultyCategory = apps.get_model("portal", "DifficultyCategory")
    for code, values in CONDITIONS.items():
        DifficultyCategory.objects.filter(code=code).update(**values)


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_difficulty_category_conditions")]

    operations = [migrations.RunPython(set_conditions, migrations.RunPython.noop)]
