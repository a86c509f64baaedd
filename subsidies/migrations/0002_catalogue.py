"""The common subsidy types (docs/subsidy-rules.md, "Catalogue") with one policy
version each. Amounts are the examples that document gives and are marked as
examples until the city confirms its own; staff permissions."""

import datetime
from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

START = datetime.date(2024, 1, 1)
DOC_181 = "财社〔2023〕181号"

# code, name, applicant, fund, summary, version fields
CATALOGUE = [
    ("training", "职业培训补贴", "person", "employment",
     "参加职业培训并取得证书的，按证书等级给予补贴。",
     {"eligibility": ["registered_unemployed"],
      "who_qualifies": "城镇登记失业人员、毕业年度高校毕业生、农村转移就业劳动者、"
                       "未继续升学的应届初高中毕业生、贫困家庭子女，参加培训并取得证书。",
      "amount_rule": "per_level",
      "level_amounts": {"五级": 1200, "四级": 1600, "三级": 2000, "二级": 4000,
                        "一级": 5000, "专项能力": 800},
      "max_times": None,
      "documents": "身份证\n职业资格证书或职业技能等级证书\n培训机构出具的培训合格证明",
      "steps": ["district", "city"]}),
    ("skill-upgrade", "技能提升补贴", "person", "ui",
     "参加失业保险满1年的职工取得职业技能证书的，由失业保险基金给予补贴。",
     {"eligibility": [],
      "who_qualifies": "参加失业保险累计满1年的企业职工或领取失业保险金人员，"
                       "取得职业资格证书或职业技能等级证书。",
      "amount_rule": "per_level",
      "level_amounts": {"五级": 1000, "四级": 1500, "三级": 2000},
      "documents": "身份证\n职业资格证书或职业技能等级证书",
      "steps": ["city"]}),
    ("social-insurance-difficulty", "社会保险补贴（就业困难人员）", "person", "employment",
     "就业困难人员灵活就业后缴纳社会保险费的，按实际缴费给予补贴。",
     {"eligibility": ["difficulty", "flexibly_employed"],
      "who_qualifies": "经认定的就业困难人员实现灵活就业并缴纳社会保险费。",
      "amount_rule": "contribution_share", "amount": Decimal("66.67"), "max_months": 36,
      "documents": "身份证\n社会保险缴费凭证",
      "steps": ["street", "district"]}),
    ("social-insurance-graduate", "社会保险补贴（高校毕业生）", "person", "employment",
     "离校2年内未就业高校毕业生灵活就业后缴纳社会保险费的，按实际缴费给予补贴。",
     {"eligibility": ["graduate_2_years", "flexibly_employed"],
      "who_qualifies": "离校2年内未就业的高校毕业生实现灵活就业并缴纳社会保险费。",
      "amount_rule": "contribution_share", "amount": Decimal("66.67"), "max_months": 24,
      "documents": "身份证\n毕业证书\n社会保险缴费凭证",
      "steps": ["street", "district"]}),
    ("public-welfare-post", "公益性岗位补贴", "employer", "employment",
     "用人单位安排就业困难人员在公益性岗位就业的，按最低工资标准给予岗位补贴。",
     {"eligibility": ["verified_employer"],
      "who_qualifies": "开发公益性岗位并安置就业困难人员（以大龄失业人员、零就业家庭人员为主）的单位。",
      "amount_rule": "minimum_wage_share", "amount": Decimal("100"), "max_months": 36,
      "documents": "营业执照或登记证书\n劳动合同\n工资发放记录",
      "steps": ["street", "district", "city"]}),
    ("internship", "就业见习补贴", "employer", "employment",
     "见习单位接收离校2年内未就业高校毕业生或16—24岁失业青年参加就业见习的，给予见习补贴。",
     {"eligibility": ["verified_employer"],
      "who_qualifies": "经认定的就业见习基地，接收离校2年内未就业高校毕业生或16—24岁失业青年见习。",
      "amount_rule": "minimum_wage_share", "amount": Decimal("70"), "max_months": 12,
      "documents": "见习协议\n见习人员花名册\n生活费发放记录\n人身意外伤害保险单",
      "steps": ["district", "city"]}),
    ("job-search", "一次性求职创业补贴", "person", "employment",
     "毕业年度内困难家庭高校毕业生，给予一次性求职创业补贴。",
     {"eligibility": ["graduate_this_year"],
      "who_qualifies": "毕业年度内的低保家庭、零就业家庭、脱贫家庭、特困人员家庭的高校毕业生，"
                       "残疾高校毕业生，获得国家助学贷款的高校毕业生。",
      "amount_rule": "fixed", "amount": Decimal("1000"), "max_times": 1,
      "documents": "身份证\n学生证或毕业证书\n困难身份证明材料",
      "steps": ["district", "city"]}),
    ("start-up", "一次性创业补贴", "person", "employment",
     "首次创办小微企业或从事个体经营并正常经营1年以上的，给予一次性创业补贴。",
     {"eligibility": ["graduate_2_years"],
      "who_qualifies": "离校2年内高校毕业生等首次创办小微企业或从事个体经营，且正常经营1年以上。",
      "amount_rule": "fixed", "amount": Decimal("5000"), "max_times": 1,
      "documents": "身份证\n营业执照\n经营场所证明",
      "steps": ["street", "district", "city"]}),
]  # fmt: skip


def load(apps, schema_editor):
    SubsidyType = apps.get_model("subsidies", "SubsidyType")
    PolicyVersion = apps.get_model("subsidies", "PolicyVersion")
    for position, (code, name, applicant, fund, summary, version) in enumerate(
        CATALOGUE, start=1
    ):
        subsidy, created = SubsidyType.objects.get_or_create(
            code=code,
            defaults={"name": name, "applicant": applicant, "fund": fund,
                      "summary": summary, "position": position},
        )  # fmt: skip
        if created:
            PolicyVersion.objects.create(
                subsidy_type=subsidy,
                label=DOC_181,
                effective_from=START,
                **version,
            )
    training = SubsidyType.objects.get(code="training")
    training.excludes.add(SubsidyType.objects.get(code="skill-upgrade"))
    app_config = apps.get_app_config("subsidies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = ["view_subsidytype", "change_subsidytype", "view_policyversion",
                 "add_policyversion", "change_policyversion"]  # fmt: skip
    Group.objects.get(name="caseworker").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="subsidies", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0001_initial"),
        ("portal", "0007_steward_role"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
