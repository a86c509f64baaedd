"""The job-stabilisation refund (docs/subsidy-rules.md, "Job-stabilisation
refunds", 免申即享) joins the catalogue; training and skill upgrading pay for the
same item from two funds (once per certificate, not never both); the yearly
counts; who the employer subsidies are for; caseworkers may look at insurance
years."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations


def load(apps, schema_editor):
    SubsidyType = apps.get_model("subsidies", "SubsidyType")
    PolicyVersion = apps.get_model("subsidies", "PolicyVersion")
    refund, created = SubsidyType.objects.get_or_create(
        code="job-stabilisation",
        defaults={
            "name": "失业保险稳岗返还",
            "applicant": "employer",
            "fund": "ui",
            "summary": "参保单位不裁员或少裁员的，按上年度实际缴纳失业保险费的一定比例返还，"
            "由系统根据参保数据直接核定，无需申请。",
            "position": 9,
        },
    )
    if created:
        PolicyVersion.objects.create(
            subsidy_type=refund,
            label="失业保险稳岗返还政策（示例，待本市确认）",
            effective_from=datetime.date(2024, 1, 1),
            eligibility=[],
            who_qualifies="上年度足额缴纳失业保险费满12个月，裁员率不高于5.5%"
            "（参保职工30人以下的不高于20%），且未被列入严重失信主体名单的参保单位。",
            amount_rule="insurance_refund",
            level_amounts={"大型企业": 30, "中小微企业": 60},
            documents="",
            steps=["city"],
        )
    versions = PolicyVersion.objects.filter
    versions(subsidy_type__code="training").update(max_per_year=1)
    versions(subsidy_type__code="skill-upgrade").update(max_per_year=3)
    versions(subsidy_type__code="internship").update(
        eligibility=["verified_employer", "young_jobseeker"]
    )
    versions(subsidy_type__code="public-welfare-post").update(
        eligibility=["verified_employer", "difficulty", "employed_by_applicant"]
    )
    training = SubsidyType.objects.get(code="training")
    skill = SubsidyType.objects.get(code="skill-upgrade")
    # Historical models do not mirror symmetrical relations: both directions.
    training.excludes.remove(skill)
    skill.excludes.remove(training)
    training.same_item.add(skill)
    skill.same_item.add(training)

    app_config = apps.get_app_config("subsidies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="caseworker").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="subsidies", codename="view_insuranceyear"
        )
    )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0015_employers_certificates_refunds")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
