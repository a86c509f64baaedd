"""Names Django and django-q2 store in English, shown in the user's language in
the back office (portal/admin.py): permissions, role groups, schedules."""

import re

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse


def group_page(client, name) -> str:
    group = Group.objects.get(name=name)
    return client.get(reverse("admin:auth_group_change", args=[group.pk])).text


def options(page) -> str:
    """The permission picker's options, apart from the rest of the page."""
    start = page.index('name="permissions"')
    return page[start : page.index("</select>", start)]


def test_permissions_are_named_in_english_for_an_english_user(english, administrator):
    english.force_login(administrator)
    picker = options(group_page(english, "caseworker"))
    assert (
        "Employment subsidies | subsidy application | Can decide subsidy applications"
        in picker
    )
    assert "Registries and accounts | person | Can add person" in picker


def test_permissions_are_named_in_chinese_for_a_chinese_user(client, administrator):
    client.force_login(administrator)
    page = group_page(client, "caseworker")
    picker = options(page)
    assert "就业补贴 | 补贴申请 | 可审核补贴申请" in picker
    assert "基础信息库与账号 | 人员 | 可新增人员" in picker
    assert "Can " not in picker
    user_page = client.get(
        reverse("admin:portal_user_change", args=[administrator.pk])
    ).text
    start = user_page.index('name="user_permissions"')
    assert "基础信息库与账号 | 人员 | 可新增人员" in user_page[start:]
    # Displayed so, stored as Django wrote it.
    assert Permission.objects.get(codename="add_person").name == "Can add person"


def test_role_groups_are_named_in_the_users_language(client, administrator):
    client.force_login(administrator)
    groups = client.get(reverse("admin:auth_group_changelist")).text
    assert ">经办人员<" in groups
    assert ">caseworker<" not in groups
    caseworkers = Group.objects.get(name="caseworker").pk
    users = client.get(reverse("admin:portal_user_changelist")).text
    assert re.search(rf"groups__id__exact={caseworkers}[^>]*>经办人员<", users)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("admin:auth_group_changelist")).text
    assert ">Caseworker<" in page


def test_schedules_are_named_in_the_users_language(client, administrator):
    call_command("setup_schedules", verbosity=0)
    client.force_login(administrator)
    page = client.get(reverse("admin:django_q_schedule_changelist")).text
    assert "Expire job postings past their date" not in page
    assert "下线已过有效期的职位" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("admin:django_q_schedule_changelist")).text
    assert "Expire job postings past their date" in page
