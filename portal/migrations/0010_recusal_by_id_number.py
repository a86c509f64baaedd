from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_id_numbers(apps, schema_editor):
    Recusal = apps.get_model("portal", "Recusal")
    Person = apps.get_model("portal", "Person")
    Recusal.objects.update(
        id_number=Subquery(
            Person.objects.filter(pk=OuterRef("person_id")).values("id_number")
        )
    )


class Migration(migrations.Migration):
    """Declared relatives are kept by ID number instead of a link to the person."""

    dependencies = [
        ("portal", "0009_account_claims_and_sms"),
    ]

    operations = [
        migrations.AddField(
            model_name="recusal",
            name="id_number",
            field=models.CharField(
                default="", max_length=18, verbose_name="relative's ID number"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_id_numbers, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="recusal", name="recusal_once_per_user_and_person"
        ),
        migrations.RemoveField(model_name="recusal", name="person"),
        migrations.AddConstraint(
            model_name="recusal",
            constraint=models.UniqueConstraint(
                fields=("user", "id_number"), name="recusal_once_per_user_and_relative"
            ),
        ),
        migrations.AddConstraint(
            model_name="recusal",
            constraint=models.CheckConstraint(
                condition=models.Q(("id_number__regex", "^\\d{17}[\\dX]$")),
                name="recusal_id_number_format",
            ),
        ),
    ]
