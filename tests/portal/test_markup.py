"""Markup that screen readers name right and the Nu HTML Checker accepts, kept by
the fixes `make check-browser` led to (it checks every page in a browser)."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from fairs.models import JobFair
from portal import services
from portal.models import DifficultyCategory, OrgUnit
from subsidies.models import SubsidyType
from tests import factories


class Tags(HTMLParser):
    """Every start tag of a page as (tag, attributes, enclosing tags)."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.tags, self.open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), [t for t, _a in self.open]))
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def find(self, tag, **wanted):
        return [
            attrs
            for name, attrs, _parents in self.tags
            if name == tag and all(attrs.get(k) == v for k, v in wanted.items())
        ]


def labelled_ids(tags: Tags) -> set:
    return {attrs.get("for") for attrs in tags.find("label")}


def test_the_unread_count_is_read_from_hidden_text_not_an_aria_label_on_a_span(
    english, seeker
):
    services.notify(seeker, "employer_verified", {"employer": {"name": "X"}})
    english.force_login(seeker)
    html = english.get(reverse("workspace")).text
    badges = Tags(html).find("span", **{"class": "badge"})
    assert {"class": "badge", "aria-hidden": "true"} in badges
    assert not [badge for badge in badges if "aria-label" in badge]
    assert '<span class="visually-hidden">1 unread</span>' in html


def test_messages_are_a_list_inside_the_status_region(client, seeker, employer):
    posting = factories.make_posting(employer.employer)
    client.force_login(seeker)
    response = client.post(
        reverse("jobs:job_favourite", args=[posting.pk]), follow=True
    )
    assert '<div role="status"><ul class="messages">' in response.text
    (item,) = [
        t
        for t in Tags(response.text).tags
        if t[0] == "li" and "message" in t[1].get("class", "")
    ]
    assert item[2][-3:] == ["main", "div", "ul"]


def test_a_group_of_checkboxes_is_a_fieldset_named_by_its_legend(client, seeker):
    client.force_login(seeker)
    html = client.get(reverse("jobs:resume_edit")).text
    assert 'for=""' not in html
    assert '<fieldset class="field">' in html
    assert '<legend class="label">意向职业大类' in html


def test_every_box_of_the_hire_form_has_a_label_naming_its_column_and_row(
    english, employer
):
    english.force_login(employer)
    html = english.get(reverse("registration:hire_new")).text
    tags = Tags(html)
    boxes = [
        attrs["id"]
        for name, attrs, _parents in tags.tags
        if name in ("input", "select")
        and attrs.get("type") != "hidden"
        and attrs.get("name", "").startswith("hire-")
    ]
    assert "id_hire-0-name" in boxes
    assert set(boxes) <= labelled_ids(tags)
    assert re.search(r'for="id_hire-1-name">[^<]+, row 2</label>', html)


def test_live_fair_figures_refresh_by_a_script_that_can_be_paused(
    client, city_caseworker, foshan
):
    fair = factories.make_fair(foshan["chancheng"])
    client.force_login(city_caseworker)
    html = client.get(reverse("fairs:fair_figures", args=[fair.pk])).text
    assert 'http-equiv="refresh"' not in html
    assert "js/auto_refresh" in html
    assert Tags(html).find("p", id="auto-refresh", **{"data-seconds": "30"})


def test_a_free_booths_link_says_book_booth_and_shows_its_number(
    client, employer, foshan
):
    fair = factories.make_fair(foshan["chancheng"])
    assert JobFair.objects.get(pk=fair.pk).is_booking_open()
    client.force_login(employer)
    html = client.get(fair.get_absolute_url()).text
    links = [
        attrs
        for name, attrs, _parents in Tags(html).tags
        if name == "a" and "/book/" in attrs.get("href", "")
    ]
    assert links
    assert all("aria-label" not in link for link in links)
    assert '<span class="visually-hidden">预订展位 </span><span class="no">' in html


def test_back_office_date_and_time_boxes_are_each_named(client, administrator):
    client.force_login(administrator)
    tags = Tags(client.get(reverse("admin:fairs_jobfair_add")).text)
    (date,) = tags.find("input", id="id_booking_opens_0")
    (time,) = tags.find("input", id="id_booking_opens_1")
    assert date["aria-label"].endswith("：日期")
    assert time["aria-label"].endswith("：时间")


def test_back_office_boxes_edited_in_a_list_are_named_by_column_and_row(
    client, administrator
):
    category = DifficultyCategory.objects.order_by("position", "pk").first()
    client.force_login(administrator)
    tags = Tags(client.get(reverse("admin:portal_difficultycategory_changelist")).text)
    boxes = [
        attrs
        for name, attrs, _parents in tags.tags
        if name == "input" and attrs.get("name", "").startswith("form-")
        and attrs.get("type") != "hidden"
    ]  # fmt: skip
    assert boxes
    assert all(box.get("aria-label") for box in boxes)
    assert any(box["aria-label"].endswith(f" · {category}") for box in boxes)


def test_a_required_autocomplete_select_starts_with_an_empty_option_with_text(
    client, administrator, foshan
):
    client.force_login(administrator)
    html = client.get(reverse("admin:portal_employer_add")).text
    assert 'name="org_unit"' in html
    start = html.index('name="org_unit"')
    options = html[start : html.index("</select>", start)]
    assert '<option value="">---------</option>' in options
    street = OrgUnit.objects.filter(level="street").first()
    html = client.get(reverse("admin:portal_employer_add") + f"?org_unit={street.pk}")
    start = html.text.index('name="org_unit"')
    options = html.text[start : html.text.index("</select>", start)]
    assert options.index('value=""') < options.index(f'value="{street.pk}"')


def test_hidden_inputs_carry_no_aria_and_the_password_summary_is_not_disabled(
    client, administrator
):
    client.force_login(administrator)
    subsidy = SubsidyType.objects.first()
    url = reverse("admin:subsidies_subsidytype_change", args=[subsidy.pk])
    tags = Tags(client.get(url).text)
    hidden = tags.find("input", type="hidden")
    assert any(attrs["name"].startswith("initial-") for attrs in hidden)
    assert not [a for a in hidden if any(k.startswith("aria-") for k in a)]
    url = reverse("admin:portal_user_change", args=[administrator.pk])
    (password,) = Tags(client.get(url).text).find("div", id="id_password")
    assert "disabled" not in password
