"""Staff role groups with their permissions, and the default employment-difficulty
categories (the Guangdong model, docs/registration-rules.md, "Employment
difficulty"; caseworkers may edit them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "caseworker": [
        ("portal", "view_person"),
        ("portal", "add_person"),
        ("portal", "change_person"),
        ("portal", "view_full_identity"),
        ("portal", "view_employer"),
        ("portal", "add_employer"),
        ("portal", "change_employer"),
        ("portal", "verify_employer"),
        ("portal", "view_orgunit"),
        ("portal", "view_difficultycategory"),
    ],
    "leader": [
        ("portal", "view_person"),
        ("portal", "view_employer"),
        ("portal", "view_orgunit"),
        ("portal", "view_difficultycategory"),
    ],
}

CATEGORIES = [
    ("older-workers", "大龄失业人员（女40周岁、男50周岁以上）"),
    ("disabled", "残疾人"),
    ("minimum-living", "城乡低保对象"),
    ("zero-employment-family", "城镇零就业家庭成员"),
    ("rural-zero-transfer", "农村零转移就业贫困家庭成员"),
    ("landless-farmer", "失地农民"),
    ("long-term-unemployed", "连续失业一年以上人员"),
    ("drug-rehabilitated", "戒毒康复人员"),
    ("released-prisoner", "刑满释放人员"),
    ("mental-rehabilitated", "精神障碍康复人员"),
    ("veteran", "登记失业六个月以上的退役士兵"),
    ("caring-for-ill-relative", "需赡养患重大疾病直系亲属的人员"),
    ("special-family-graduate", "特殊家庭高校毕业生"),
    ("long-unemployed-leaver", "离校六个月以上未就业人员"),
]


def create_groups_and_categories(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
    DifficultyCategory = apps.get_model("portal", "DifficultyCategory")
    for position, (code, name) in enumerate(CATEGORIES, start=1):
        DifficultyCategory.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_audit_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_groups_and_categories, migrations.RunPython.noop)
    ]
