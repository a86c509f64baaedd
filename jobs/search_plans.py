"""How the job list reads a search's page (docs/technical-choices.md, "Search at real
traffic"): the matches counted up to a cap, and the plan that count chooses."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from jobs.models import JobListing, JobPosting
from jobs.search import to_tsquery

PAGE_SIZE = 20
search_cache = caches["search"]


class CappedPaginator(Paginator):
    """The pages of `range(count)`, the matches counted up to one more than
    COUNT_CAP (capped_count): counting every match of a common word costs more than
    the page itself, and nobody pages past the thousandth job."""

    COUNT_CAP = 1000

    @property
    def is_capped(self) -> bool:
        return self.count > self.COUNT_CAP


CARD_COLUMNS = [
    "pk",
    "title",
    "salary_min",
    "salary_max",
    "job_type",
    "education",
    "experience_years",
    "employer__name",
    "org_unit__name",
    "org_unit__parent__name",
]


def card_columns(params: dict) -> list[str]:
    if "lat" in params and "lng" in params:
        return [*CARD_COLUMNS, "distance_km"]
    return CARD_COLUMNS


def card_rows(params: dict, ids: list[int]):
    """The cards' rows of postings given by id (cached ids, listing rows),
    re-checked against published(): nothing withdrawn is shown."""
    public = JobPosting.objects.published().filter(pk__in=ids)
    if "lat" in params and "lng" in params:
        public = public.with_distance(params["lat"], params["lng"])
    return public.values(*card_columns(params))


def search_page(params: dict, page_number) -> tuple[int, list[int], list | None]:
    """(capped count, ids on the page, their cards' rows or None) for a search.
    The count and ids are kept for SEARCH_CACHE_SECONDS in this process: popular
    searches repeat. Cached ids come without rows; their postings are re-checked
    against published() when shown, so a stale entry never shows a withdrawn job.
    Cards are read by id, except for a keyword search's page of many matches,
    which reads them in the same query as the page.

    The capped count decides how the page is read (docs/technical-choices.md,
    "Search at real traffic"): up to the cap, all matches are read and sorted;
    above it, matches are at least cap/N of the postings, so walking the date
    index finds one of the first pages after about page × 20 × N / cap rows."""
    key = "jobs:" + urlencode(sorted((k, str(v)) for k, v in params.items()))
    key = f"{key}|{page_number}"
    cached = search_cache.get(key)
    if cached is not None:
        return (*cached, None)
    # The page asked for as the paginator reads it (not a number: the first; out of
    # range: the last), within the pages a capped count can have.
    most = CappedPaginator(range(CappedPaginator.COUNT_CAP + 1), PAGE_SIZE)
    start = (most.get_page(page_number).number - 1) * PAGE_SIZE
    count, ids = capped_count(params, page=(start, start + PAGE_SIZE))
    if count <= CappedPaginator.COUNT_CAP and (ids or not count):
        search_cache.set(key, (count, ids), settings.SEARCH_CACHE_SECONDS)
        return count, ids, None
    shown = page_postings(params, page_number, count)
    rows = None
    if shown.model is JobPosting and not shown.query.combinator:
        rows = list(shown.values(*card_columns(params)))
        ids = [row["pk"] for row in rows]
    else:
        ids = list(shown.values_list("pk", flat=True))
    search_cache.set(key, (count, ids), settings.SEARCH_CACHE_SECONDS)
    return count, ids, rows


# The columns each order sorts by, before the id (search_postings).
SORT_KEYS = {
    "newest": [("published_at", "DESC")],
    "salary": [("salary_max", "DESC NULLS LAST")],
    "relevance": [("rank", "DESC"), ("published_at", "DESC")],
    "distance": [("distance_km", "ASC")],
}


def capped_count(params: dict, *, page: tuple[int, int] = (0, 0)):
    """The matches counted up to one more than the cap, and with `page` (start,
    end) the ids of that page in the same statement: the matches read for the
    count are sorted, which is the page when they are at most the cap (few), so
    few matches are read once, not once to count and again to sort. Returns
    (count, ids); the ids are meaningless above the cap.

    A keyword's matches are counted through its index: for a frequent word the
    planner prefers scanning the table, which reads each row's vector (stored
    compressed or apart) to check it, while the index's exact matches need no
    check; 40 ms against 5 ms for 上班 over 200,000 postings
    (docs/technical-choices.md, "Search at real traffic")."""
    keys = SORT_KEYS[search_order(params)]
    matches = search_postings(params).order_by()
    matches = matches.values_list("pk", *(name for name, _d in keys))
    sql, args = matches[: CappedPaginator.COUNT_CAP + 1].query.sql_with_params()
    names = ", ".join(f"k{i}" for i in range(len(keys)))
    order = ", ".join(f"k{i} {direction}" for i, (_n, direction) in enumerate(keys))
    statement = (
        f"WITH m (pk, {names}) AS MATERIALIZED ({sql}) "
        "SELECT total.n, shown.pk FROM (SELECT count(*) AS n FROM m) AS total "
        f"LEFT JOIN LATERAL (SELECT pk FROM m ORDER BY {order}, pk DESC "
        "LIMIT %s OFFSET %s) AS shown ON true"
    )
    start, end = page
    # The database the queryset would read from (a replica, for the job list).
    database = matches.db
    connection = connections[database]
    # Within a caller's transaction SET LOCAL would outlive this statement.
    restore = "q" in params and connection.in_atomic_block
    with transaction.atomic(using=database), connection.cursor() as cursor:
        if "q" in params:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(statement, [*args, end - start, start])
        rows = cursor.fetchall()
        if restore:
            cursor.execute("SET LOCAL enable_seqscan = on")
    return rows[0][0], [pk for _n, pk in rows if pk is not None]


def page_postings(params: dict, page_number, count: int):
    """The postings of the page, read as the capped count says (search_page)."""
    few = count <= CappedPaginator.COUNT_CAP
    if not few and str(page_number).isdigit() and int(page_number) > WALK_PAGES:
        few = None  # a deep page of many matches: the planner's choice
    page = CappedPaginator(range(count), PAGE_SIZE).get_page(page_number)
    start, end = max(0, page.start_index() - 1), page.end_index()
    if not few and "q" in params and search_order(params) == "salary":
        return _best_paid(params, end)[start:end]
    return search_postings(params, few=few, upto=end)[start:end]


# Many matches are walked in date order up to this page; beyond it the walk may
# read more rows than there are matches.
WALK_PAGES = 5
# An order no index provides (the same order): the planner then reads the matches
# with the keyword's or a filter's index and sorts them, instead of walking the
# order's index in the hope of meeting matches early.
UNINDEXED = datetime.timedelta(0)


def search_order(params: dict) -> str:
    sort = params.get("sort", "newest")
    if sort == "relevance" and to_tsquery(params.get("q", "")):
        return "relevance"
    if sort == "distance" and "lat" in params and "lng" in params:
        return "distance"
    return "salary" if sort == "salary" else "newest"


def search_postings(params: dict, *, few: bool | None = None, upto: int = 0):
    """Published postings filtered and sorted by the search form's valid parameters.

    `few` says whether the matches are few (at most the count cap) or many; None
    (unknown) leaves the plan to the planner, whose estimate of a phrase's matches
    is often ten times off. `upto`, the end of the page to be read, lets many
    matches in best-match order be read without ranking them all."""
    located = "lat" in params and "lng" in params
    order = search_order(params)
    if "q" not in params and order in ("newest", "salary"):
        return _listings(params, order, few)
    # Salary is not walked: it goes with the occupation, so a keyword's matches
    # may all sit at the far end of the salary index.
    walk = few is False and (order == "newest" or order == "relevance" and upto > 0)
    postings = JobPosting.objects.published()
    if "q" in params:
        postings = postings.search(params["q"], indexed=not walk)
    postings = _filtered(postings, params)
    if located:
        postings = postings.with_distance(params["lat"], params["lng"])
    if order == "relevance" and walk and upto:
        return _title_hits_first(postings, params["q"], upto)
    if order == "relevance":
        return postings.order_by("-rank", "-published_at", "-id")
    if order == "distance":
        return postings.order_by("distance_km", "-id")
    if order == "salary":
        salary = F("salary_max") + 0 if few else F("salary_max")
        return postings.order_by(salary.desc(nulls_last=True), "-id")
    published = F("published_at") + UNINDEXED if few else F("published_at")
    return postings.order_by(published.desc(), "-id")


# Many keyword matches in salary order: the matches among this many best-paid
# postings (with the filters) are tried first (_best_paid).
BEST_PAID_ROWS = 2000


def _best_paid(params: dict, upto: int):
    """Many keyword matches in salary order, to the `upto`-th. Walking the salary
    index stops early when the keyword's jobs are among the best paid, and reads
    nearly every posting when they are all at the bottom (普工: 153,000 rows of
    200,000); sorting every match costs as many rows as there are matches. So the
    matches among the BEST_PAID_ROWS best-paid postings with the filters come
    first, found through the keyword's and the salary's indexes together; only
    when they do not fill the page are all matches sorted. The best-paid rows are
    a prefix of the order, so the matches in it come before any other."""
    every = search_postings(params, few=True)
    rows = _listings(params, "salary", few=False).values_list("salary_max", "pk")
    last = rows[BEST_PAID_ROWS - 1 : BEST_PAID_ROWS]
    if not last:
        return every
    salary, pk = last[0]
    if salary is None:  # nulls come last
        prefix = Q(salary_max__isnull=False) | Q(pk__gte=pk)
    else:
        prefix = Q(salary_max__gt=salary) | Q(salary_max=salary, pk__gte=pk)
    best_paid = every.filter(prefix)
    if best_paid.order_by()[upto - 1 : upto].exists():
        return best_paid
    return every


def _title_hits_first(postings, text: str, upto: int):
    """Many matches in best-match order, to the `upto`-th, without ranking them
    all. When the title hits (counted up to the cap by title_search's index) fill
    the page, they alone are read, as search_postings reads matches. Otherwise
    the page holds every title hit and the newest others, walked by the date
    index: the matches are more than the cap, so the others are at least
    cap − upto of them, and the walk stops early."""
    objects = JobPosting.objects
    cap = CappedPaginator.COUNT_CAP
    newest = ("-published_at", "-id")
    hits = postings.filter(objects.title_match(text))
    hit_count = hits.order_by()[: cap + 1].count()
    if hit_count > cap:
        walked = postings.filter(objects.title_match(text, indexed=False))
        return walked.order_by(*newest)
    unindexed = F("published_at") + UNINDEXED
    if hit_count >= upto:
        return hits.order_by(unindexed.desc(), "-id")
    others = postings.exclude(objects.title_match(text)).order_by(*newest)[:upto]
    hits = hits.order_by(unindexed.desc(), "-id")[:upto]
    return hits.union(others, all=True).order_by("-rank", *newest)


def _filtered(rows, params: dict):
    """The search form's filters, on postings or on their narrow listing rows (the
    same field names and queryset methods)."""
    if "district" in params:
        rows = rows.in_district(params["district"])
    if "occupation" in params:
        rows = rows.filter(occupation_group=params["occupation"])
    if "industry" in params:
        rows = rows.filter(industry=params["industry"])
    if "salary_min" in params:
        rows = rows.filter(salary_max__gte=params["salary_min"])
    if "education" in params:
        rows = rows.for_education(params["education"])
    if "job_type" in params:
        rows = rows.filter(job_type=params["job_type"])
    if "posted_within" in params:
        since = timezone.now() - datetime.timedelta(days=int(params["posted_within"]))
        rows = rows.filter(published_at__gte=since)
    return rows


def _listings(params: dict, order: str, few: bool | None):
    """search_postings() without a keyword, on the narrow table: the same postings
    in the same order, their pk being the posting's id. Many matches walk the
    order's index and stop after a page; few are read by the filters' indexes and
    sorted."""
    listings = _filtered(JobListing.objects.public(), params)
    if order == "salary":
        salary = F("salary_max") + 0 if few else F("salary_max")
        return listings.order_by(salary.desc(nulls_last=True), "-posting_id")
    published = F("published_at") + UNINDEXED if few else F("published_at")
    return listings.order_by(published.desc(), "-posting_id")
