import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import JobPosting
from tests import factories


@pytest.fixture
def posting(employer):
    return factories.make_posting(employer.employer, title="维修电工")


def _form_data(foshan, **overrides):
    return {
        "title": "叉车司机",
        "occupation_group": "6",
        "occupation_name": "叉车司机",
        "job_type": "full_time",
        "headcount": "3",
        "salary_min": "6000",
        "salary_max": "8000",
        "education": "",
        "experience_years": "1",
        "description": "持叉车证，负责仓库货物装卸。包食宿。",
        "org_unit": foshan["chancheng_street"].pk,
        "address": "季华五路18号",
        "contact_name": "黄经理",
        "contact_phone": "13700137000",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        **overrides,
    }


def test_search_page_lists_only_published_postings(client, employer, posting):
    hidden = [
        factories.make_posting(employer.employer, title="待审核岗位", publish=False),
        services.pause_posting(
            factories.make_posting(employer.employer, title="暂停岗位"), by=employer
        ),
    ]
    response = client.get(reverse("jobs:job_list"))
    assert posting.title in response.text
    for other in hidden:
        assert other.title not in response.text
        detail = client.get(reverse("jobs:job_detail", args=[other.pk]))
        assert detail.status_code == 404


def test_search_by_keyword_and_filters_keeps_a_shareable_url(client, foshan, posting):
    response = client.get(
        reverse("jobs:job_list"),
        {"q": "电工", "district": foshan["chancheng"].code, "salary_min": "5000"},
    )
    assert [c.pk for c in response.context["page"].object_list] == [posting.pk]
    other = client.get(
        reverse("jobs:job_list"), {"q": "电工", "district": foshan["nanhai"].code}
    )
    assert other.context["page"].paginator.count == 0
    assert "没有" in other.text  # the empty state explains


def test_a_district_named_in_the_keywords_filters_by_district(
    client, english, foshan, employer, other_employer
):
    here = factories.make_posting(employer.employer, title="财务会计")  # 禅城区
    factories.make_posting(other_employer.employer, title="出纳会计")  # 南海区
    for q in ("会计 禅城", "禅城区 会计"):
        response = client.get(reverse("jobs:job_list"), {"q": q})
        assert [c.pk for c in response.context["page"].object_list] == [here.pk]
        assert f"is read as the district {foshan['chancheng'].name}" in response.text


def test_keywords_over_the_limit_are_searched_shortened_and_the_page_says_so(
    client, english, employer
):
    accountant = factories.make_posting(employer.employer, title="财务会计")
    factories.make_posting(employer.employer, title="叉车司机")
    response = client.get(reverse("jobs:job_list"), {"q": "会计 " + "很长的描述" * 20})
    assert [c.pk for c in response.context["page"].object_list] == [accountant.pk]
    assert "at most 60 characters long; the search used “会计”" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"salary_min": "abc"},
        {"district": "'; drop"},
        {"page": "-1"},
        {"page": "99999"},
        {"lat": "north", "lng": "113"},
        {"sort": "distance"},
        {"education": "phd!"},
        {"q": "x" * 500},
        {"posted_within": "365"},
    ],
)
def test_malformed_parameters_still_give_a_page(client, posting, params):
    response = client.get(reverse("jobs:job_list"), params)
    assert response.status_code == 200


def test_distance_sort_with_a_location(client, employer, posting):
    far = factories.make_posting(
        employer.employer, title="远处岗位", latitude=22.90, longitude=112.89
    )
    response = client.get(
        reverse("jobs:job_list"), {"sort": "distance", "lat": "23.02", "lng": "113.12"}
    )
    assert [c.pk for c in response.context["page"].object_list] == [
        posting.pk,
        far.pk,
    ]
    assert "距离" in response.text and "公里" in response.text


def test_search_page_query_budget(client, employer, django_assert_max_num_queries):
    for i in range(25):
        factories.make_posting(employer.employer, title=f"岗位{i}")
    # Six, and one more here: the test's transaction makes the count restore its
    # planner setting (jobs/search_plans.py, capped_count).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("jobs:job_list"), {"q": "岗位"})
    assert response.context["page"].paginator.count == 25


def test_owner_previews_an_unpublished_posting(client, employer, other_employer):
    pending = factories.make_posting(employer.employer, publish=False)
    url = reverse("jobs:job_detail", args=[pending.pk])
    client.force_login(employer)
    assert client.get(url).status_code == 200
    client.force_login(other_employer)
    assert client.get(url).status_code == 404


def test_employer_posts_a_job_for_review(client, employer, foshan):
    client.force_login(employer)
    response = client.post(reverse("jobs:job_create"), _form_data(foshan))
    assert response.status_code == 302
    posting = JobPosting.objects.get(title="叉车司机")
    assert posting.status == JobPosting.Status.PENDING
    assert posting.latitude is not None or employer.employer.latitude is None


def test_discriminatory_posting_is_refused_with_reasons(
    client, english, employer, foshan
):
    client.force_login(employer)
    data = _form_data(foshan, description="限男性，入职需交押金。")
    response = client.post(reverse("jobs:job_create"), data)
    assert response.status_code == 200
    assert "may not restrict or prefer a sex" in response.text
    assert "deposits or fees" in response.text
    assert 'value="叉车司机"' in response.text
    assert not JobPosting.objects.exists()


def test_salary_range_must_be_complete_and_ordered(client, english, employer, foshan):
    client.force_login(employer)
    response = client.post(
        reverse("jobs:job_create"), _form_data(foshan, salary_min="9000")
    )
    assert "below the lower one" in response.text
    response = client.post(
        reverse("jobs:job_create"), _form_data(foshan, salary_max="")
    )
    assert "Give both ends" in response.text
    negotiable = _form_data(foshan, salary_min="", salary_max="")
    assert client.post(reverse("jobs:job_create"), negotiable).status_code == 302


def test_unverified_employer_sees_the_reason_and_cannot_post(client, foshan):
    user = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    client.force_login(user)
    response = client.post(reverse("jobs:job_create"), _form_data(foshan))
    assert response.status_code == 200
    assert not JobPosting.objects.exists()


def test_unverified_employer_is_told_before_filling_in_the_job_form(
    client, english, foshan
):
    user = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    client.force_login(user)
    page = client.get(reverse("jobs:job_create")).text
    assert "Your employer is awaiting verification." in page
    assert reverse("workspace") in page
    assert 'name="title"' not in page and "Submit for review" not in page


def test_employer_cannot_touch_another_employers_posting(
    client, posting, other_employer
):
    client.force_login(other_employer)
    assert client.get(reverse("jobs:job_edit", args=[posting.pk])).status_code == 404
    url = reverse("jobs:job_change_status", args=[posting.pk, "close"])
    assert client.post(url).status_code == 404
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED
    listing = client.get(reverse("jobs:employer_job_list"))
    assert posting.title not in listing.text


def test_status_changes_are_post_only(client, employer, posting):
    client.force_login(employer)
    url = reverse("jobs:job_change_status", args=[posting.pk, "pause"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PAUSED


def test_seekers_cannot_reach_employer_pages(client, seeker):
    client.force_login(seeker)
    assert client.get(reverse("jobs:employer_job_list")).status_code == 403
    assert client.get(reverse("jobs:job_create")).status_code == 403


def test_caseworker_moderates_postings_in_their_area(
    client, employer, other_employer, caseworker
):
    mine = factories.make_posting(employer.employer, publish=False, title="禅城岗位")
    theirs = factories.make_posting(
        other_employer.employer, publish=False, title="南海岗位"
    )
    client.force_login(caseworker)
    changelist = client.get(reverse("admin:jobs_jobposting_changelist"))
    assert "禅城岗位" in changelist.text
    assert "南海岗位" not in changelist.text
    client.post(
        reverse("admin:jobs_jobposting_changelist"),
        {"action": "approve_selected", "_selected_action": [mine.pk, theirs.pk]},
    )
    assert list(JobPosting.objects.published()) == [mine]


def test_caseworker_returns_a_posting_with_a_reason(client, employer, caseworker):
    posting = factories.make_posting(employer.employer, publish=False)
    client.force_login(caseworker)
    url = reverse("admin:jobs_jobposting_changelist")
    selection = {"action": "reject_selected", "_selected_action": [posting.pk]}
    assert client.post(url, selection).status_code == 200
    client.post(url, {**selection, "reason": "请补充工作时间"})
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.REJECTED
    client.force_login(employer)
    assert "请补充工作时间" in client.get(reverse("jobs:employer_job_list")).text


def test_leader_cannot_moderate(client, employer, leader):
    posting = factories.make_posting(employer.employer, publish=False)
    client.force_login(leader)
    client.post(
        reverse("admin:jobs_jobposting_changelist"),
        {"action": "approve_selected", "_selected_action": [posting.pk]},
    )
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PENDING


def test_cached_search_never_shows_a_posting_that_left_the_site(
    client, employer, posting, settings
):
    from django.core.cache import caches

    settings.SEARCH_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-fragments",
        },
    }
    caches["search"].clear()
    assert posting.title in client.get(reverse("jobs:job_list"), {"q": "电工"}).text
    services.close_posting(posting, by=employer)
    response = client.get(reverse("jobs:job_list"), {"q": "电工"})
    assert posting.title not in response.text
    caches["search"].clear()


def test_very_common_searches_say_more_than_the_cap(client, employer, monkeypatch):
    from jobs.search_plans import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 3)
    for i in range(5):
        factories.make_posting(employer.employer, title=f"普工{i}")
    response = client.get(reverse("jobs:job_list"), {"q": "普工"})
    assert response.context["page"].paginator.is_capped
    assert len(response.context["page"].object_list) == 4


def test_headcount_must_be_at_least_one(client, english, employer, foshan):
    client.force_login(employer)
    response = client.post(
        reverse("jobs:job_create"), _form_data(foshan, headcount="0")
    )
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.text
    assert "job_headcount_positive" not in response.text


def test_closing_is_confirmed_first(client, employer, posting):
    client.force_login(employer)
    url = reverse("jobs:job_change_status", args=[posting.pk, "close"])
    page = client.get(url)
    assert page.status_code == 200
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED
    client.post(url)
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.CLOSED


def test_the_filters_show_the_chosen_values_and_escape_hostile_ones(client, foshan):
    nanhai = foshan["nanhai"].code
    response = client.get(
        reverse("jobs:job_list"),
        {
            "district": nanhai,
            "job_type": "part_time",
            "salary_min": '"><script>alert(1)</script>',
            "lat": '"><b>x',
        },
    )
    assert f'<option value="{nanhai}" selected>' in response.text
    assert '<option value="part_time" selected>' in response.text
    assert '<option value="full_time">' in response.text
    assert "<script>alert" not in response.text and "<b>x" not in response.text
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in response.text
    assert (
        'name="salary_min"' in response.text and 'aria-invalid="true"' in response.text
    )


def test_a_card_shows_what_the_posting_asks_and_offers(client, english, employer):
    posting = factories.make_posting(
        employer.employer,
        title="<b>仓库主管</b>",
        job_type="part_time",
        education="bachelor",
        experience_years=3,
        salary_min=6000,
        salary_max=8000,
    )
    response = client.get(reverse("jobs:job_list"))
    card = response.text.split('<li class="job-card">')[1]
    place = f"{posting.org_unit.parent.name}·{posting.org_unit.name}"
    for shown in [
        "&lt;b&gt;仓库主管&lt;/b&gt;",
        f'href="{posting.get_absolute_url()}"',
        "6000–8000 CNY/month",
        posting.employer.name,
        place,
        posting.get_job_type_display(),
        posting.get_education_display(),
        "3 years of experience",
    ]:
        assert shown in card, shown


@pytest.mark.parametrize(
    "params",
    [
        {"q": "岗位", "page": "99999999999999999999"},
        {"q": "岗位", "page": "0"},
        {"q": "!!!", "sort": "relevance"},
        {"q": "+-*", "sort": "relevance", "page": "2"},
    ],
)
def test_odd_pages_and_unsearchable_keywords_get_a_page(client, employer, params):
    for i in range(25):
        factories.make_posting(employer.employer, title=f"岗位{i}")
    response = client.get(reverse("jobs:job_list"), params)
    assert response.status_code == 200
    shown = [card.pk for card in response.context["page"].object_list]
    if "page" not in params:
        assert len(shown) == 20
        return
    # A page past the end (or below the first) is the last one.
    last = client.get(reverse("jobs:job_list"), {**params, "page": "2"})
    assert shown == [card.pk for card in last.context["page"].object_list]
    assert len(shown) == 5


# The cards' markup as templates/jobs/job_list.html rendered it before the cards were
# joined in Python (jobs/views/postings.py, cards_html).
TEMPLATE_CARDS = """<ul class="job-list">
  {% for card in cards %}
<li class="job-card">
  <div class="job-card-head">
    <a class="job-title" href="{{ card.url }}">{{ card.title }}</a>
    <span class="salary">{{ card.salary }}</span>
  </div>
  <div class="muted">{{ card.employer }}</div>
  <div class="job-tags">
    <span class="tag">{{ card.place }}</span>
    <span class="tag">{{ card.job_type }}</span>
    <span class="tag">{{ card.education }}</span>
    {% if card.experience %}<span class="tag">{{ card.experience }}</span>{% endif %}
    {% if card.distance %}<span class="tag ok">{{ card.distance }}</span>{% endif %}
  </div>
</li>
  {% endfor %}
</ul>"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "主管"}, {"sort": "distance", "lat": "23.02", "lng": "113.12"}],
)
def test_the_cards_are_the_markup_the_template_gave(client, employer, language, params):
    from django.template import engines
    from django.utils import translation

    postings = [
        ('<b>仓库主管</b> & "Co"', {"experience_years": 3}),
        ("主管助理", {"experience_years": 1, "education": "bachelor"}),
        ("夜班主管", {"experience_years": 0, "salary_min": None, "salary_max": None}),
        ("兼职主管", {"job_type": "part_time", "latitude": None, "longitude": None}),
        ("主管<script>", {"latitude": 22.9, "longitude": 112.89}),
    ]
    for title, extra in postings:
        factories.make_posting(employer.employer, title=title, **extra)
    client.cookies["django_language"] = language
    response = client.get(reverse("jobs:job_list"), params)
    cards = response.context["page"].object_list
    assert len(cards) == 5
    start = response.text.index('<ul class="job-list">')
    shown = response.text[start : response.text.index("</ul>", start) + 5]
    with translation.override(language):
        expected = (
            engines["django"].from_string(TEMPLATE_CARDS).render({"cards": cards})
        )
    assert shown == expected


# The search form as templates/jobs/job_list.html rendered it before it was joined
# in Python (jobs/views/postings.py, search_form_html).
TEMPLATE_SEARCH_FORM = (
    """{% load i18n %}
<form class="job-search" method="get" action="{% url 'jobs:job_list' %}" role="search">
  <div class="search">
    <label class="visually-hidden" for="id_q">{% translate "Keywords" %}</label>
    <input type="search" name="q" id="id_q" value="{{ form.q.value|default:'' }}" """
    """maxlength="60" placeholder="{% translate 'Job title, occupation or skill, """
    """e.g. 会计, 电工, Python' %}">
    <button type="submit">{% translate "Search" %}</button>
  </div>
  <details class="filters-panel"{% if params|length > 1 %} open{% endif %}>
    <summary>{% translate "Filters and sorting" %}</summary>
    <div class="filter-grid">
      {% for id, label, control in form.filter_controls %}
      <div class="field"><label for="{{ id }}">{{ label }}</label>{{ control }}</div>
      {% endfor %}
    </div>
    {{ form.hidden_controls }}
    <button type="submit">{% translate "Apply" %}</button>
    <a href="{% url 'jobs:job_list' %}">{% translate "Clear all" %}</a>
  </details>
</form>
"""
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "主管"},
        {"q": "\"><script>alert(1)</script>&'", "sort": "salary"},
        {"q": "禅城 主管", "education": "bachelor"},
        {"district": "440604000000", "occupation": "3", "job_type": "part_time"},
        {"salary_min": "abc", "posted_within": "7", "industry": "C"},
        {"sort": "distance", "lat": "23.02", "lng": '113.12"<'},
        {"q": "x" * 70},
    ],
)
def test_the_search_form_is_the_markup_the_template_gave(
    client, employer, language, params
):
    from django.template import engines
    from django.utils import translation

    factories.make_posting(employer.employer, title="仓库主管")
    client.cookies["django_language"] = language
    response = client.get(reverse("jobs:job_list"), params)
    assert response.status_code == 200
    context = {"form": response.context["form"], "params": response.context["params"]}
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_SEARCH_FORM).render(context)
    assert f"</h1>\n{expected}\n" in response.text
