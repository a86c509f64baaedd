"""The job list reads a page in one of three ways chosen by the capped count
(jobs/search_plans.py, search_page): every match sorted, the date index walked,
or the planner's choice. Each must give the same postings in the same order as the
plain query written the obvious way, on varied keywords, filters, sorts and pages."""

import datetime
import itertools
import random

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs import search_plans as plans
from jobs import services
from jobs.forms import JobSearchForm
from jobs.models import JobListing, JobPosting
from portal import services as portal_services
from portal.models import OrgUnit
from tests import factories

TITLES = ["仓库管理员", "叉车司机", "财务会计", "维修电工", "Python开发工程师",
          "粤菜厨师", "普工", "电工学徒"]  # fmt: skip
TEXTS = ["负责仓库收发货与盘点。", "持叉车证，包食宿。", "五险一金，双休。",
         "持电工证，倒班。", "熟悉Django。"]  # fmt: skip
QUERIES = [
    {},
    {"q": "电工"},
    {"q": "工"},
    {"q": "仓库管理"},
    {"q": "包食宿"},
    {"q": "电工 倒班"},
    {"q": "python"},
    {"q": "区块链"},
    {"q": "工", "job_type": "part_time"},
    {"q": "电工", "salary_min": "6000"},
    {"q": "司机", "district": "440605000000"},
    {"education": "senior"},
    {"occupation": "6", "sort": "salary"},
    {"q": "工", "sort": "salary"},
    {"q": "电工", "sort": "salary"},
    {"q": "食宿", "sort": "salary"},
    {"q": "工", "sort": "salary", "district": "440604000000"},
    {"q": "工", "sort": "salary", "education": "senior"},
    {"q": "工", "sort": "relevance"},
    {"q": "电工", "sort": "relevance"},
    {"q": "食宿", "sort": "relevance"},
    {"q": "工 食宿", "sort": "relevance"},
    {"sort": "salary"},
    {"posted_within": "3"},
    {"district": "440605000000"},
    {"district": "440604000000", "sort": "salary"},
    {"job_type": "part_time", "education": "junior"},
    {"salary_min": "6000", "sort": "salary"},
    {"occupation": "3", "posted_within": "7"},
]


def reference(params: dict):
    """The search as first written: no choice of plan."""
    postings = JobPosting.objects.published()
    if "q" in params:
        postings = postings.search(params["q"])
    if "district" in params:
        postings = postings.in_district(params["district"])
    if "occupation" in params:
        postings = postings.filter(occupation_group=params["occupation"])
    if "salary_min" in params:
        postings = postings.filter(salary_max__gte=params["salary_min"])
    if "education" in params:
        postings = postings.for_education(params["education"])
    if "job_type" in params:
        postings = postings.filter(job_type=params["job_type"])
    if "posted_within" in params:
        since = timezone.now() - datetime.timedelta(days=int(params["posted_within"]))
        postings = postings.filter(published_at__gte=since)
    sort = params.get("sort", "newest")
    if sort == "relevance" and "q" in params:
        return postings.order_by("-rank", "-published_at", "-id")
    if sort == "salary":
        return postings.order_by(F("salary_max").desc(nulls_last=True), "-id")
    return postings.order_by("-published_at", "-id")


@pytest.fixture
def postings(foshan):
    rng = random.Random(5)
    employers = [
        factories.make_employer(org_unit=foshan["chancheng_street"]),
        factories.make_employer(
            org_unit=foshan["nanhai_street"], name="佛山市南海测试有限公司"
        ),
    ]
    made = []
    for _ in range(48):
        low = rng.choice([None, 3000, 4500, 6000, 8000])
        made.append(
            factories.make_posting(
                rng.choice(employers),
                title=rng.choice(TITLES),
                description=rng.choice(TEXTS),
                occupation_group=rng.choice(["3", "6"]),
                job_type=rng.choice(["full_time", "full_time", "part_time"]),
                education=rng.choice(["", "junior", "senior", "bachelor"]),
                salary_min=low,
                salary_max=low and low + rng.choice([0, 1500]),
            )
        )
    now = timezone.now()
    for posting in made:
        # Equal dates now and then, so the order's tie-break counts too.
        hours = rng.choice([1, 5, 30, 100, 100, 200])
        JobPosting.objects.filter(pk=posting.pk).update(
            published_at=now - datetime.timedelta(hours=hours)
        )
    services.rebuild_listings()
    return made


@pytest.mark.parametrize("cap", [3, 25, 1000])
def test_every_plan_lists_the_same_postings_in_the_same_order(
    postings, monkeypatch, cap
):
    monkeypatch.setattr(plans.CappedPaginator, "COUNT_CAP", cap)
    monkeypatch.setattr(plans, "WALK_PAGES", 2)
    monkeypatch.setattr(plans, "BEST_PAID_ROWS", 2 * cap)
    monkeypatch.setattr(plans, "SALARY_WALK_ROWS", 2 * cap)
    compared = 0
    for params, page in itertools.product(QUERIES, [1, 2, 3, 9]):
        caches["search"].clear()
        valid = JobSearchForm(params).valid_data()
        matches = list(reference(valid).values_list("pk", flat=True))
        expected = matches[: cap + 1]  # pages end at the capped count
        count, ids, _rows = plans.search_page(valid, page)
        start = (page - 1) * plans.PAGE_SIZE
        if start >= len(expected):  # a page past the end shows the last one
            start = max(0, (len(expected) - 1) // plans.PAGE_SIZE * plans.PAGE_SIZE)
        assert ids == expected[start : start + plans.PAGE_SIZE], (params, page)
        assert count == len(expected), (params, page)
        compared += len(ids)
    assert compared > (100 if cap == 3 else 500)


def test_a_frequent_word_is_walked_in_date_order_and_a_rare_one_is_sorted(
    postings, monkeypatch
):
    monkeypatch.setattr(plans.CappedPaginator, "COUNT_CAP", 3)
    many = str(plans.search_postings({"q": "工"}, few=False).query).split(" WHERE ")
    few = str(plans.search_postings({"q": "工"}, few=True).query).split(" WHERE ")
    assert "ts_match_vq" in many[1] and "@@" not in many[1]
    assert "@@" in few[1] and "ORDER BY (" in few[1]


def test_many_matches_by_salary_are_read_in_two_bands_split_at_the_top_counted_salary(
    foshan, monkeypatch
):
    employer = factories.make_employer(org_unit=foshan["chancheng_street"])
    for salary in [20000, 19000, 18000, 18000, 17000]:
        factories.make_posting(employer, title="维修电工", salary_max=salary)
    for salary in [None, 4000, 4000, 3500, 3000]:
        factories.make_posting(
            employer, title="普工", salary_min=salary, salary_max=salary
        )
    services.rebuild_listings()
    monkeypatch.setattr(plans, "BEST_PAID_ROWS", 4)

    def best_paid(q, upto, highest):
        """The way the page was read: the upper band alone, both bands, or every
        match; the page must be the reference's whichever way."""
        params = {"q": q, "sort": "salary"}
        with CaptureQueriesContext(connection) as queries:
            shown = plans._best_paid(params, upto, highest)
        expected = reference(params).values_list("pk", flat=True)[:upto]
        assert list(shown.values_list("pk", flat=True)[:upto]) == list(expected)
        if " IN (" not in str(shown.query):
            return "every"
        walked = any("jobs_joblisting" in query["sql"] for query in queries)
        return "both" if walked else "upper"

    assert best_paid("电工", 2, 18000) == "upper"  # 20,000 and 19,000
    # Above 18,000 two; the walk from it gives both postings at 18,000, in order.
    assert best_paid("电工", 4, 18000) == "both"
    assert best_paid("电工", 3, 3000) == "upper"  # any split is exact
    assert best_paid("普工", 3, 4000) == "both"  # no labourer above 4,000
    assert best_paid("普工", 3, 3500) == "both"  # two above it, one at it
    # The four walked hold four labourers; the fifth has no salary: every match.
    assert best_paid("普工", 5, 4000) == "every"
    monkeypatch.setattr(plans, "BEST_PAID_ROWS", 2)  # too few walked for three
    assert best_paid("普工", 3, 4000) == "every"
    assert best_paid("普工", 3, None) == "every"  # no salary among those counted


def test_filtered_listings_by_salary_are_walked_only_among_the_best_paid(
    foshan, monkeypatch
):
    employer = factories.make_employer(org_unit=foshan["chancheng_street"])
    for salary in [20000, 19000, 18000, 17000]:
        factories.make_posting(employer, occupation_group="2", salary_max=salary)
    for salary in [None, 4000, 4000, 3000]:
        factories.make_posting(
            employer, occupation_group="3", salary_min=salary, salary_max=salary
        )
    services.rebuild_listings()
    monkeypatch.setattr(plans, "SALARY_WALK_ROWS", 4)

    def walked(group, upto):
        params = {"occupation": group, "sort": "salary"}
        shown = plans._listed_by_salary(params, upto)
        expected = reference(params).values_list("pk", flat=True)[:upto]
        assert list(shown.values_list("pk", flat=True)[:upto]) == list(expected)
        return "+ 0" not in str(shown.query)

    assert walked("2", 4)  # the four best-paid are group 2's
    assert not walked("3", 1)  # none of group 3 among them: every one sorted
    monkeypatch.setattr(plans, "SALARY_WALK_ROWS", 7)  # three of group 3
    assert walked("3", 3) and not walked("3", 4)
    monkeypatch.setattr(plans, "SALARY_WALK_ROWS", 8)  # the eighth has no salary
    assert walked("3", 4)


def test_the_top_counted_salary_comes_from_the_counted_matches(postings):
    valid = JobSearchForm({"q": "工", "sort": "salary"}).valid_data()
    count, _ids, highest, _spread = plans.capped_count(valid)
    salaries = reference(valid).values_list("salary_max", flat=True)
    assert count == len(salaries) and highest == max(filter(None, salaries))
    valid = JobSearchForm({"q": "区块链", "sort": "salary"}).valid_data()
    assert plans.capped_count(valid) == (0, [], None, None)


def test_best_match_over_many_matches_reads_title_hits_by_their_index(
    postings, monkeypatch
):
    def where(params, cap, upto):
        monkeypatch.setattr(plans.CappedPaginator, "COUNT_CAP", cap)
        query = plans.search_postings(params, few=False, upto=upto).query
        return str(query).split(" WHERE ", 1)[1]

    hits = '"jobs_jobposting"."title_search" @@'
    walked = 'ts_match_vq("jobs_jobposting"."title_search"'
    # More title hits than the cap: walked in date order.
    assert walked in where({"q": "工", "sort": "relevance"}, 3, 20)
    # Enough title hits for the page: they alone, by their index.
    only_hits = where({"q": "工", "sort": "relevance"}, 1000, 20)
    assert hits in only_hits and " UNION " not in only_hits
    # Too few: every title hit, then the newest others.
    union = where({"q": "食宿", "sort": "relevance"}, 3, 20)
    assert " UNION ALL " in union and union.count("LIMIT 20") == 2


def test_searches_without_a_keyword_read_only_the_narrow_table(postings):
    for params in [{}, {"sort": "salary", "education": "senior"}, {"job_type": "x"}]:
        for few in (True, False, None):
            valid = JobSearchForm(params).valid_data()
            sql = str(plans.search_postings(valid, few=few).query)
            assert "jobs_joblisting" in sql and "jobs_jobposting" not in sql


def test_the_narrow_table_follows_every_status_change(caseworker, postings):
    def listed():
        valid = JobSearchForm({}).valid_data()
        return list(plans.search_postings(valid).values_list("pk", flat=True))

    def expected():
        reference_ids = reference({}).values_list("pk", flat=True)
        return list(reference_ids)

    posting = postings[0]
    staff = posting.employer.staff.first()
    steps = [
        lambda: services.pause_posting(posting, by=staff),
        lambda: services.resume_posting(posting, by=staff),
        lambda: services.save_posting(posting, by=staff),  # back to review
        lambda: services.approve_posting(posting, by=caseworker),
        lambda: services.close_posting(posting, by=staff),
    ]
    assert listed() == expected()
    for step in steps:
        step()
        assert listed() == expected()
    assert posting.pk not in listed()
    # An employer's verification withdrawn and the date passing happen without
    # the posting's services: the search checks both itself.
    other = postings[1]
    portal_services.reject_employer(other.employer, by=caseworker, reason="执照过期")
    assert other.pk not in listed() and listed() == expected()
    assert listed()  # the other employer's postings stay
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert listed() == expected() == []
        services.expire_postings()
        assert not JobListing.objects.exists()


DEEP_QUERIES = [
    {"q": "工"},
    {"q": "电工"},
    {"q": "司机"},
    {"q": "工", "job_type": "full_time"},
    {"q": "工", "district": "440604000000"},
    {"q": "工", "posted_within": "3"},
    {"q": "工", "education": "senior", "salary_min": "4000"},
    {"q": "食宿"},
    {"q": "工 食宿"},
    {"q": "工", "sort": "relevance"},
    {"q": "食宿", "sort": "relevance"},
    {"q": "电工", "sort": "relevance", "job_type": "full_time"},
]


@pytest.mark.parametrize("walk_cost", [1e-9, 2, 1e9])
def test_a_deep_page_of_many_matches_is_the_same_walked_or_sorted(
    postings, monkeypatch, walk_cost
):
    """Deep pages of a keyword's many matches are walked in date order (up to a
    bound, newest first), or every match is sorted when the walk would cost more
    or does not fill the page; either way the page is the plain query's."""
    with connection.cursor() as cursor:  # the estimates read pg_class
        cursor.execute("ANALYZE jobs_jobposting, jobs_joblisting")
    monkeypatch.setattr(plans, "PAGE_SIZE", 2)
    monkeypatch.setattr(plans.CappedPaginator, "COUNT_CAP", 10)
    monkeypatch.setattr(plans, "WALK_PAGES", 1)
    monkeypatch.setattr(plans, "WALK_COST", walk_cost)
    walks = []
    deep_page = plans._newest_deep_page
    monkeypatch.setattr(
        plans,
        "_newest_deep_page",
        lambda *args: walks.append(deep_page(*args)) or walks[-1],
    )
    compared = 0
    for params, page in itertools.product(DEEP_QUERIES, range(1, 8)):
        caches["search"].clear()
        valid = JobSearchForm(params).valid_data()
        expected = list(reference(valid).values_list("pk", flat=True))[:11]
        count, ids, _rows = plans.search_page(valid, page)
        start = min(page - 1, (len(expected) - 1) // 2) * 2
        assert ids == expected[start : start + 2], (params, page)
        assert count == len(expected), (params, page)
        compared += len(ids)
    assert compared > 120, compared
    walked = [ids for ids in walks if ids is not None]
    if walk_cost == 1e9:
        assert walks and not walked
    else:  # a walk that fills the page, and one too short for a rare word
        assert walked and len(walked) < len(walks)


def test_a_page_number_spelt_another_way_is_that_page_and_shares_its_entry(
    postings, monkeypatch, settings
):
    """' 3', '+3' and '03' are page 3 as Django's paginator reads them: the deep
    page plan and the cache follow the page served, and a number int() refuses
    ('²', thousands of digits) is the first page, not an error."""
    monkeypatch.setattr(plans, "PAGE_SIZE", 2)
    monkeypatch.setattr(plans.CappedPaginator, "COUNT_CAP", 10)
    monkeypatch.setattr(plans, "WALK_PAGES", 1)
    valid = JobSearchForm({"q": "工"}).valid_data()
    caches["search"].clear()
    first = plans.search_page(valid, "1")[1]
    for spelling in ("²", "9" * 5000):
        caches["search"].clear()
        assert plans.search_page(valid, spelling)[1] == first
    for spelling in (" 3", "+3", "03"):
        caches["search"].clear()
        count, page_three, _rows = plans.search_page(valid, spelling)
        assert count > 10 and page_three
        assert page_three == list(reference(valid).values_list("pk", flat=True))[4:6]
    settings.SEARCH_CACHE_SECONDS = 60
    plans.search_page(valid, "03")
    monkeypatch.setattr(plans, "capped_count", None)  # from the cache only now
    for spelling in ("3", " 3", "3 "):
        assert plans.search_page(valid, spelling)[1] == page_three, spelling


def test_the_matches_query_compiled_once_per_shape_is_the_orm_query_of_each_search(
    postings, monkeypatch
):
    orm = plans._matches_orm
    built = []
    monkeypatch.setattr(
        plans, "_matches_orm", lambda params: built.append(params) or orm(params)
    )
    rng = random.Random(11)
    words = ["电工", "工", "仓库管理", "电工 倒班", "python", "司机 食宿 工", "!!"]
    # Values stood in for, and values that make the shape.
    varied = {
        "occupation": ["3", "6", "8"],
        "industry": ["C", "F"],
        "salary_min": ["0", "4500", "6000", "1000000"],
        "job_type": ["full_time", "part_time", "flexible"],
    }
    fixed = {
        "district": ["440604000000", "440605000000"],
        "education": ["none", "junior", "senior", "bachelor"],
        "posted_within": ["1", "30"],
        "sort": ["newest", "salary", "relevance", "distance"],
    }
    plans._compiled_matches.clear()
    shapes, built_anew = set(), 0
    for _shape in range(40):
        names = rng.sample(sorted(varied), rng.randint(0, 2))
        shape = {name: rng.choice(fixed[name]) for name in rng.sample(sorted(fixed), 2)}
        keyword, located = rng.random() < 0.7, rng.random() < 0.2
        for _ in range(5):
            params = {**shape, **{name: rng.choice(varied[name]) for name in names}}
            if keyword:
                params["q"] = rng.choice(words)
            if located:
                params |= {"lat": f"{rng.uniform(22, 24):.4f}", "lng": "113.1"}
            valid = JobSearchForm(params).valid_data()
            # A date range is measured from now: the same now for both.
            with time_machine.travel(timezone.now(), tick=False):
                query = plans._matches_query(valid)
                assert query == orm(valid), params
            assert [type(arg) for arg in query[1]] == [
                type(arg) for arg in orm(valid)[1]
            ], params
            key = (
                tuple(sorted(valid)),
                plans.search_order(valid),
                valid.get("education"),
                valid.get("district"),
                valid.get("q") == "!!",
            )
            if "posted_within" in valid:
                built_anew += 1
            elif key not in shapes:
                shapes.add(key)
                built_anew += 2  # with stand-ins, and with the values to verify
    # Each shape was compiled once, whatever its values (but with a date range).
    assert len(built) == built_anew < 300
    valid = JobSearchForm({"q": "电工"}).valid_data()
    plans._matches_query(valid)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow):
        assert plans._matches_query(valid) == orm(valid)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "工", "district": "440604000000"},
        {"district": "440604000000", "sort": "distance", "lat": "23", "lng": "113"},
        {"district": "440604000000"},
    ],
)
def test_a_compiled_matches_query_follows_a_new_street_of_the_district(
    postings, foshan, params
):
    plans._compiled_matches.clear()
    valid = JobSearchForm(params).valid_data()
    assert plans._matches_query(valid) == plans._matches_orm(valid)
    OrgUnit.objects.create(
        code="440604002000",
        name="禅城区第二街道",
        level="street",
        parent=foshan["chancheng"],
    )
    assert plans._matches_query(valid) == plans._matches_orm(valid)
