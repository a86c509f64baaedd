"""Both languages complete: dates as each language writes them (config/formats/),
never the US 12/07/2026 or Dec. 7, 2026; times on the 24-hour clock; date fields
in ISO; and no English left on Chinese pages, the back office's column headers and
Django's and the packages' own strings included (config/translations.py)."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, timezone, translation

from tests import factories

US_STYLE = [
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),  # 12/07/2026
    re.compile(r"\b(Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. \d"),  # Dec. 7, 2026
    re.compile(r"\b\d{1,2}(:\d\d)? ?[ap]\.m\.|\bnoon\b|\bmidnight\b"),  # 3 p.m.
]
# Strings once shown in English on Chinese pages.
UNTRANSLATED = [
    "Model name",
    "Add link",
    "Change or view list link",
    "Payee name",
    "Menu",
    "Swipe to see more",
]
# Latin words a Chinese label may hold: names and abbreviations.
LATIN_ALLOWED = {"ID", "IP", "PDF", "QR", "CSV", "Excel", "xlsx", "Cron", "UTC"}


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"(?s)<[^>]+>", " ", html))


def in_chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def in_english(day: datetime.date) -> str:
    return f"{day.day} {day:%b} {day.year}"


@pytest.fixture
def fair(foshan):
    return factories.make_fair(foshan["city"], latitude=23.02, longitude=113.12)


def test_a_fair_gives_its_date_the_chinese_way_in_chinese_and_day_month_year_in_english(
    client, fair
):
    zh = visible_text(client.get(fair.get_absolute_url()).text)
    client.cookies["django_language"] = "en"
    en = visible_text(client.get(fair.get_absolute_url()).text)

    assert f"{in_chinese(fair.date)} 09:00–12:00" in zh
    assert f"{in_english(fair.date)} 09:00–12:00" in en
    opens = timezone.localtime(fair.booking_opens)
    assert f"{opens:%Y-%m-%d %H:%M}" in zh
    assert f"{opens.day} {opens:%b %Y %H:%M}" in en


def test_tables_give_dates_year_month_day_in_chinese_and_spelled_out_in_english(
    client, employer, seeker
):
    start = timezone.localdate() - datetime.timedelta(days=3)
    factories.file_hire(employer, seeker.person, start)
    client.force_login(employer)
    url = reverse("registration:employee_list")

    zh = visible_text(client.get(url).text)
    client.cookies["django_language"] = "en"
    en = visible_text(client.get(url).text)

    assert f"{start:%Y-%m-%d}" in zh
    assert in_english(start) in en


def test_no_page_gives_a_us_style_date_or_time_in_english(
    client, english, fair, employer, seeker, administrator
):
    posting = factories.make_posting(employer.employer)
    factories.file_hire(employer, seeker.person, timezone.localdate())
    pages = [
        (None, reverse("home")),
        (None, reverse("fairs:fair_list")),
        (None, fair.get_absolute_url()),
        (None, posting.get_absolute_url()),
        (employer, reverse("registration:employee_list")),
        (administrator, reverse("admin:jobs_jobposting_changelist")),
        (administrator, reverse("admin:jobs_jobposting_change", args=[posting.pk])),
        (administrator, reverse("admin:fairs_jobfair_changelist")),
    ]
    found = []
    for user, url in pages:
        if user:
            client.force_login(user)
        text = visible_text(client.get(url).text)
        found += [(url, m.group(0)) for p in US_STYLE for m in p.finditer(text)]
    assert found == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_fields_show_and_take_iso_dates_in_both_languages(
    client, fair, administrator, language
):
    client.cookies["django_language"] = language
    client.force_login(administrator)
    page = client.get(reverse("admin:fairs_jobfair_change", args=[fair.pk])).text

    assert f'value="{fair.date:%Y-%m-%d}"' in page
    with translation.override(language):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"


def shown_fields(model, model_admin, request):
    """The names on the add page and its form, or the model's own fields."""
    try:
        fieldsets = model_admin.get_fieldsets(request)
        form = model_admin.get_form(request)()
    except AttributeError:  # django-q2's task pages need a task to list their fields
        return [field.name for field in model._meta.fields], None
    names = [
        name
        for _, options in fieldsets
        for field in options["fields"]
        for name in (field if isinstance(field, tuple) else (field,))
    ]
    return names, form


def test_every_back_office_column_and_field_has_a_chinese_name(db, administrator):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    english_names = []
    with translation.override("zh-hans"):
        for model, model_admin in admin.site._registry.items():
            names, form = shown_fields(model, model_admin, request)
            names += [n for n in model_admin.list_display if isinstance(n, str)]
            for name in names:
                if name in ("action_checkbox", "__str__"):
                    continue
                if form is not None and name in form.fields:
                    label = str(form.fields[name].label)
                else:
                    label = str(label_for_field(name, model, model_admin))
                words = set(re.findall(r"[A-Za-z]{3,}", label)) - LATIN_ALLOWED
                if words:
                    english_names.append(f"{model._meta.label}.{name}: {label}")
    assert english_names == []


def test_the_back_office_index_and_task_queue_are_chinese_throughout(
    client, administrator
):
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).text
    schedules = client.get(reverse("admin:django_q_schedule_changelist")).text

    assert [s for s in UNTRANSLATED if s in index] == []
    assert "模型名称" in index
    assert "Cluster" not in visible_text(schedules)


def test_the_header_and_the_swipe_hint_speak_the_pages_language(client, db):
    zh = client.get(reverse("home")).text
    client.cookies["django_language"] = "en"
    en = client.get(reverse("home")).text

    assert [s for s in UNTRANSLATED if s in zh] == []
    assert "菜单" in zh and "左右滑动查看" in zh
    assert "Menu" in en and "Swipe to see more" in en


def test_a_password_too_short_is_refused_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("a1")

    assert "密码太短，至少需要 8 个字符。" in refused.value.messages


LANGUAGE_SWITCH = re.compile(r'name="language" value="(\S+)" lang="\S+">([^<]+)<')


def test_the_language_switch_names_the_other_language_in_itself(client, db):
    """A visitor who reads no Chinese finds "English", not 英语; back, "简体中文"."""
    assert LANGUAGE_SWITCH.findall(client.get("/").text) == [("en", "English")]
    client.cookies["django_language"] = "en"
    assert LANGUAGE_SWITCH.findall(client.get("/").text) == [("zh-hans", "简体中文")]
