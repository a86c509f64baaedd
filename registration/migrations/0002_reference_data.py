"""Staff permissions, the national cancellation reasons (docs/registration-rules.md,
"Cancellation") plus the common local ones, the local rules row, and the
certificate number sequence."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "caseworker": [
        "view_unemploymentregistration",
        "add_unemploymentregistration",
        "review_unemploymentregistration",
        "view_employmentregistration",
        "add_employmentregistration",
        "view_employmentcertificate",
        "add_employmentcertificate",
        "view_difficultyrecognition",
        "review_difficultyrecognition",
        "decide_difficultyrecognition",
        "view_insuranceimport",
        "add_insuranceimport",
        "view_cancellationreason",
        "view_localrules",
    ],
    "leader": [
        "view_unemploymentregistration",
        "view_employmentregistration",
        "view_difficultyrecognition",
    ],
}

# (code, name, counts as re-employment); the first ten are the national triggers.
CANCELLATION_REASONS = [
    ("hired", "被用人单位录用", True),
    ("business_licence", "从事个体经营或创办企业，并领取工商营业执照", True),
    ("stable_income", "已从事有稳定收入的劳动，并且月收入不低于当地最低工资标准", True),
    ("pension", "已享受基本养老保险待遇", False),
    ("incapacity", "完全丧失劳动能力", False),
    ("school_army_emigration", "入学、服兵役、移居境外", False),
    ("imprisoned", "被判刑收监执行", False),
    ("withdrew", "终止就业要求或拒绝接受公共就业服务", False),
    ("no_contact", "连续6个月未与公共就业服务机构联系", False),
    ("employment_registered", "已进行就业登记", True),
    ("retirement_age", "达到法定退休年龄", False),
    ("refused_offers", "无正当理由3次以上拒绝职业介绍或培训", False),
    ("death", "死亡", False),
]


def create_reference_data(apps, schema_editor):
    app_config = apps.get_app_config("registration")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="registration", codename__in=codenames
            )
        )
    CancellationReason = apps.get_model("registration", "CancellationReason")
    for position, (code, name, reemployment) in enumerate(
        CANCELLATION_REASONS, start=1
    ):
        CancellationReason.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "counts_as_reemployment": reemployment,
            },
        )
    apps.get_model("registration", "LocalRules").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0001_initial"),
        ("portal", "0004_orgunit_centre"),
    ]

    operations = [
        migrations.RunPython(create_reference_data, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE SEQUENCE registration_certificate_serial",
            "DROP SEQUENCE registration_certificate_serial",
        ),
    ]
