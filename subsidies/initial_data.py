"""What a new city starts with in subsidies: the common subsidy types
(docs/subsidies.md, "Catalogue") with one policy version each. Amounts are the
examples that document gives and are marked as examples until the city confirms
its own.

Run by `manage.py setup_catalogue`; adds missing types only (see
portal.initial_data). A type's first version and its links to other types are made
with the type and never touched again: a change of policy is a new version in the
back office, since applications are pinned to the version in force.
"""

import datetime
from decimal import Decimal

from django.db import models

from portal.initial_data import add_missing
from subsidies.models import PolicyVersion, SubsidyType

START = datetime.date(2024, 1, 1)
DOC_181 = "财社〔2023〕181号"

# "item": what a type pays for; a month of one item is paid once per person
# whichever type pays it. The names match what migration 0020 gives an existing
# database: the cap group, else the first code of types paying the same item.
SUBSIDY_TYPES = [
    {
        "code": "training",
        "item": "skill-upgrade",
        "name": "职业培训补贴",
        "applicant": "person",
        "fund": "employment",
        "summary": "参加职业培训并取得证书的，按证书等级给予补贴。",
        # Any of five groups of people; documents prove which, so no registry condition.
        "version": {
            "eligibility": [],
            "who_qualifies": "城镇登记失业人员、毕业年度高校毕业生、农村转移就业劳动者、"
            "未继续升学的应届初高中毕业生、贫困家庭子女，参加培训并取得证书。",
            "amount_rule": "per_level",
            "level_amounts": {
                "五级": 1200,
                "四级": 1600,
                "三级": 2000,
                "二级": 4000,
                "一级": 5000,
                "专项能力": 800,
            },
            "max_per_year": 1,
            "documents": "身份证\n职业资格证书或职业技能等级证书\n"
            "培训机构出具的培训合格证明",
            "steps": ["district", "city"],
        },
    },
    {
        "code": "skill-upgrade",
        "item": "skill-upgrade",
        "name": "技能提升补贴",
        "applicant": "person",
        "fund": "ui",
        "summary": "参加失业保险满1年的职工取得职业技能证书的，由失业保险基金给予补贴。",
        "version": {
            "eligibility": [],
            "who_qualifies": "参加失业保险累计满1年的企业职工或领取失业保险金人员，"
            "取得职业资格证书或职业技能等级证书。",
            "amount_rule": "per_level",
            "level_amounts": {"五级": 1000, "四级": 1500, "三级": 2000},
            "max_per_year": 3,
            "documents": "身份证\n职业资格证书或职业技能等级证书",
            "steps": ["city"],
        },
    },
    {
        "code": "social-insurance-difficulty",
        "item": "social-insurance",
        "name": "社会保险补贴（就业困难人员）",
        "applicant": "person",
        "fund": "employment",
        "summary": "就业困难人员灵活就业后缴纳社会保险费的，按实际缴费给予补贴。",
        "cap_group": "social-insurance",
        "cap_months": 36,
        "version": {
            "eligibility": ["difficulty", "flexibly_employed"],
            "who_qualifies": "经认定的就业困难人员实现灵活就业并缴纳社会保险费。",
            "amount_rule": "contribution_share",
            "amount": Decimal("66.67"),
            "max_months": 36,
            "documents": "身份证\n社会保险缴费凭证",
            "steps": ["street", "district"],
        },
    },
    {
        "code": "social-insurance-graduate",
        "item": "social-insurance",
        "name": "社会保险补贴（高校毕业生）",
        "applicant": "person",
        "fund": "employment",
        "summary": "离校2年内未就业高校毕业生灵活就业后缴纳社会保险费的，"
        "按实际缴费给予补贴。",
        "cap_group": "social-insurance",
        "cap_months": 36,
        "version": {
            "eligibility": ["graduate_2_years", "flexibly_employed"],
            "who_qualifies": "离校2年内未就业的高校毕业生实现灵活就业并缴纳社会保险费。",
            "amount_rule": "contribution_share",
            "amount": Decimal("66.67"),
            "max_months": 24,
            "documents": "身份证\n毕业证书\n社会保险缴费凭证",
            "steps": ["street", "district"],
        },
    },
    {
        "code": "public-welfare-post",
        "item": "public-welfare-post",
        "name": "公益性岗位补贴",
        "applicant": "employer",
        "fund": "employment",
        "summary": "用人单位安排就业困难人员在公益性岗位就业的，"
        "按最低工资标准给予岗位补贴。",
        "version": {
            "eligibility": ["verified_employer", "difficulty", "employed_by_applicant"],
            "who_qualifies": "开发公益性岗位并安置就业困难人员"
            "（以大龄失业人员、零就业家庭人员为主）的单位。",
            "amount_rule": "minimum_wage_share",
            "amount": Decimal("100"),
            "max_months": 36,
            "documents": "营业执照或登记证书\n劳动合同\n工资发放记录",
            "steps": ["street", "district", "city"],
        },
    },
    {
        "code": "internship",
        "item": "internship",
        "name": "就业见习补贴",
        "applicant": "employer",
        "fund": "employment",
        "summary": "见习单位接收离校2年内未就业高校毕业生或16—24岁失业青年"
        "参加就业见习的，给予见习补贴。",
        "version": {
            "eligibility": [
                "verified_employer",
                "young_jobseeker",
                "hosted_by_applicant",
            ],
            "who_qualifies": "经认定的就业见习基地，接收离校2年内未就业高校毕业生"
            "或16—24岁失业青年见习。",
            "amount_rule": "minimum_wage_share",
            "amount": Decimal("70"),
            "max_months": 12,
            "documents": "见习协议\n见习人员花名册\n生活费发放记录\n人身意外伤害保险单",
            "steps": ["district", "city"],
        },
    },
    {
        "code": "job-search",
        "item": "job-search",
        "name": "一次性求职创业补贴",
        "applicant": "person",
        "fund": "employment",
        "summary": "毕业年度内困难家庭高校毕业生，给予一次性求职创业补贴。",
        "version": {
            "eligibility": ["graduate_this_year"],
            "who_qualifies": "毕业年度内的低保家庭、零就业家庭、脱贫家庭、"
            "特困人员家庭的高校毕业生，"
            "残疾高校毕业生，获得国家助学贷款的高校毕业生。",
            "amount_rule": "fixed",
            "amount": Decimal("1000"),
            "max_times": 1,
            "documents": "身份证\n学生证或毕业证书\n困难身份证明材料",
            "steps": ["district", "city"],
        },
    },
    {
        "code": "start-up",
        "item": "start-up",
        "name": "一次性创业补贴",
        "applicant": "person",
        "fund": "employment",
        "summary": "首次创办小微企业或从事个体经营并正常经营1年以上的，"
        "给予一次性创业补贴。",
        "version": {
            "eligibility": ["graduate_2_years"],
            "who_qualifies": "离校2年内高校毕业生等首次创办小微企业或从事个体经营，"
            "且正常经营1年以上。",
            "amount_rule": "fixed",
            "amount": Decimal("5000"),
            "max_times": 1,
            "documents": "身份证\n营业执照\n经营场所证明",
            "steps": ["street", "district", "city"],
        },
    },
    # docs/subsidies.md, "Job-stabilisation refunds" (免申即享): computed from
    # insurance years, no application.
    {
        "code": "job-stabilisation",
        "item": "job-stabilisation",
        "name": "失业保险稳岗返还",
        "applicant": "employer",
        "fund": "ui",
        "summary": "参保单位不裁员或少裁员的，按上年度实际缴纳失业保险费的一定比例返还，"
        "由系统根据参保数据直接核定，无需申请。",
        "version": {
            "label": "失业保险稳岗返还政策（示例，待本市确认）",
            "eligibility": [],
            "who_qualifies": "上年度足额缴纳失业保险费满12个月，裁员率不高于5.5%"
            "（参保职工30人以下的不高于20%），"
            "且未被列入严重失信主体名单的参保单位。",
            "amount_rule": "insurance_refund",
            "level_amounts": {"大型企业": 30, "中小微企业": 60},
            "steps": ["city"],
        },
    },
]

# Pairs that pay for the same item from two funds: once per certificate or period,
# not never both (docs/subsidies.md, "Double claims"). Pairs that can never be
# combined go in EXCLUDES.
SAME_ITEM = [("training", "skill-upgrade")]
EXCLUDES: list[tuple[str, str]] = []


def seed() -> list[models.Model]:
    types = [{k: v for k, v in row.items() if k != "version"} for row in SUBSIDY_TYPES]
    created = add_missing(SubsidyType, types)
    new = {subsidy.code: subsidy for subsidy in created}
    for row in SUBSIDY_TYPES:
        if row["code"] in new:
            version = {"label": DOC_181, "effective_from": START, **row["version"]}
            created.append(
                PolicyVersion.objects.create(subsidy_type=new[row["code"]], **version)
            )
    for field, pairs in (("same_item", SAME_ITEM), ("excludes", EXCLUDES)):
        for one, other in pairs:
            if one in new or other in new:
                getattr(SubsidyType.objects.get(code=one), field).add(
                    SubsidyType.objects.get(code=other)
                )
    return created
