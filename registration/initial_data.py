"""What a new city starts with in registration: the national cancellation reasons
(the first ten, docs/registration.md, "Cancellation") plus the common local
ones, and the local rules row.
Run by `manage.py setup_catalogue`; adds missing rows only (see portal.initial_data)."""

from django.db import models

from portal.initial_data import add_missing
from registration.models import CancellationReason, LocalRules

CANCELLATION_REASONS = [
    {"code": "hired", "name": "被用人单位录用", "counts_as_reemployment": True},
    {
        "code": "business_licence",
        "name": "从事个体经营或创办企业，并领取工商营业执照",
        "counts_as_reemployment": True,
    },
    {
        "code": "stable_income",
        "name": "已从事有稳定收入的劳动，并且月收入不低于当地最低工资标准",
        "counts_as_reemployment": True,
    },
    {"code": "pension", "name": "已享受基本养老保险待遇"},
    {"code": "incapacity", "name": "完全丧失劳动能力"},
    {"code": "school_army_emigration", "name": "入学、服兵役、移居境外"},
    {"code": "imprisoned", "name": "被判刑收监执行"},
    {"code": "withdrew", "name": "终止就业要求或拒绝接受公共就业服务"},
    {"code": "no_contact", "name": "连续6个月未与公共就业服务机构联系"},
    {
        "code": "employment_registered",
        "name": "已进行就业登记",
        "counts_as_reemployment": True,
    },
    {"code": "retirement_age", "name": "达到法定退休年龄"},
    {"code": "refused_offers", "name": "无正当理由3次以上拒绝职业介绍或培训"},
    {"code": "death", "name": "死亡"},
]


def seed() -> list[models.Model]:
    created = add_missing(CancellationReason, CANCELLATION_REASONS)
    rules, is_new = LocalRules.objects.get_or_create(city=None)
    return [*created, rules] if is_new else created
