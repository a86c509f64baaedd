"""What a new city starts with in the core: the employment-difficulty categories
(the Guangdong model, docs/registration.md, "Employment difficulty"), and
`add_missing`, the one rule every app's initial data follows.

Run by `manage.py setup_catalogue` on every deploy. Staff edit these rows in the
back office afterwards, so a seed only adds the rows whose natural key is missing and
never changes an existing row: a new value here reaches new databases only; an
existing city changes its own rows (for subsidies: a new policy version).
"""

from django.db import models

from portal.models import DifficultyCategory


def add_missing(model: type[models.Model], rows: list[dict], key: str = "code"):
    """Create each row whose `key` is not in the table yet (the row's position in
    the list is its default position); return the rows created."""
    created = []
    for position, row in enumerate(rows, start=1):
        values = {"position": position, **row}
        obj, is_new = model.objects.get_or_create(
            **{key: values.pop(key)}, defaults=values
        )
        if is_new:
            created.append(obj)
    return created


# The conditions the registry can check are set; others are checked by caseworkers
# from documents. `is_sensitive` stays empty: DifficultyCategory.NOT_SENSITIVE_CODES
# decides, for these rows and for those of cities seeded before the field existed.
DIFFICULTY_CATEGORIES = [
    {
        "code": "older-workers",
        "name": "大龄失业人员（女40周岁、男50周岁以上）",
        "min_age_women": 40,
        "min_age_men": 50,
    },
    {"code": "disabled", "name": "残疾人"},
    {"code": "minimum-living", "name": "城乡低保对象"},
    {"code": "zero-employment-family", "name": "城镇零就业家庭成员"},
    {"code": "rural-zero-transfer", "name": "农村零转移就业贫困家庭成员"},
    {"code": "landless-farmer", "name": "失地农民"},
    {
        "code": "long-term-unemployed",
        "name": "连续失业一年以上人员",
        "min_unemployed_months": 12,
    },
    {"code": "drug-rehabilitated", "name": "戒毒康复人员"},
    {"code": "released-prisoner", "name": "刑满释放人员"},
    {"code": "mental-rehabilitated", "name": "精神障碍康复人员"},
    {
        "code": "veteran",
        "name": "登记失业六个月以上的退役士兵",
        "min_unemployed_months": 6,
    },
    {"code": "caring-for-ill-relative", "name": "需赡养患重大疾病直系亲属的人员"},
    {"code": "special-family-graduate", "name": "特殊家庭高校毕业生"},
    {"code": "long-unemployed-leaver", "name": "离校六个月以上未就业人员"},
]


def seed() -> list[models.Model]:
    return add_missing(DifficultyCategory, DIFFICULTY_CATEGORIES)
