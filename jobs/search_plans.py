"""How the job list reads a search's page (docs/technical-choices.md, "Search at real
traffic"): the matches counted up to a cap, and the plan that count chooses."""

import datetime
import math
import threading
from contextlib import contextmanager
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import F, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jobs.models import JobListing, JobPosting
from jobs.search import to_tsquery
from portal.models import OrgUnit

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
    # The page asked for as the paginator reads it (not a number: the first; out of
    # range: the last), within the pages a capped count can have; " 7", "+7" and
    # "07" are page 7 and share its cache entry.
    most = CappedPaginator(range(CappedPaginator.COUNT_CAP + 1), PAGE_SIZE)
    page_number = most.get_page(page_number).number
    key = "jobs:" + urlencode(sorted((k, str(v)) for k, v in params.items()))
    key = f"{key}|{page_number}"
    cached = search_cache.get(key)
    if cached is not None:
        return (*cached, None)
    start = (page_number - 1) * PAGE_SIZE
    count, ids, highest, spread = capped_count(params, page=(start, start + PAGE_SIZE))
    if count <= CappedPaginator.COUNT_CAP and (ids or not count):
        search_cache.set(key, (count, ids), settings.SEARCH_CACHE_SECONDS)
        return count, ids, None
    shown = page_postings(params, page_number, count, highest=highest, spread=spread)
    rows = None
    if isinstance(shown, list):  # the page's ids, read without the wide rows
        ids = shown
    elif shown.model is JobPosting and not shown.query.combinator:
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
    (count, ids, highest, spread): the ids are meaningless above the cap; highest
    is the first sort key's greatest value among the matches read (the top salary
    of up to cap + 1 matches, for _best_paid), None when they have none; spread,
    for a keyword, the share of the postings table's pages from the first to the
    last match the count read (the keyword index's bitmap is read in the table's
    order), so that count / spread estimates all the matches (_newest_deep_page),
    None without a keyword or with no pages counted. Matches gathered in one part
    of the table (a word of the last few weeks) are thus estimated as dense
    everywhere: too many, which chooses the date walk, as pages 2 to WALK_PAGES
    always do.

    A keyword's matches are counted through its index: for a frequent word the
    planner prefers scanning the table, which reads each row's vector (stored
    compressed or apart) to check it, while the index's exact matches need no
    check; 40 ms against 5 ms for 上班 over 200,000 postings
    (docs/technical-choices.md, "Search at real traffic"). It runs with
    BITMAP_MEMORY, so that the keyword's bitmap ANDed with a filter's stays exact."""
    keys = SORT_KEYS[search_order(params)]
    table = JobPosting._meta.db_table
    spread = "NULL"
    if "q" in params:
        spread = (
            "(max(b) - min(b) + 1) / NULLIF((SELECT relpages FROM pg_class "
            f"WHERE oid = '{table}'::regclass), 0)"
        )
    sql, args = _matches_query(params)
    names = ", ".join(f"k{i}" for i in range(len(keys)))
    if "q" in params:
        names += ", b"
    order = ", ".join(f"k{i} {direction}" for i, (_n, direction) in enumerate(keys))
    statement = (
        f"WITH m (pk, {names}) AS MATERIALIZED ({sql}) "
        "SELECT total.n, total.highest, total.spread, shown.pk "
        "FROM (SELECT count(*) AS n, max(k0) AS highest, "
        f"{spread} AS spread FROM m) AS total "
        f"LEFT JOIN LATERAL (SELECT pk FROM m ORDER BY {order}, pk DESC "
        "LIMIT %s OFFSET %s) AS shown ON true"
    )
    start, end = page
    if "q" in params:
        # Sent as one message (psycopg's client-side binding uses the simple query
        # protocol), which PostgreSQL runs as one transaction: the settings hold
        # for the statement alone, in one round trip instead of four (BEGIN, SET,
        # the statement, COMMIT). Within a caller's transaction SET LOCAL would
        # outlive the statement, so the settings are put back after it.
        statement = (
            "SET LOCAL enable_seqscan = off; "
            f"SET LOCAL work_mem = '{BITMAP_MEMORY}'; {statement}"
        )
    # The database the queryset reads from (a replica, for the job list).
    listed = "q" not in params and search_order(params) in ("newest", "salary")
    connection = connections[(JobListing if listed else JobPosting).objects.all().db]
    restore = "q" in params and connection.in_atomic_block
    if restore:
        statement += (
            "; SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL work_mem TO DEFAULT"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*args, end - start, start])
        while cursor.description is None:  # the settings' results come first
            if not cursor.nextset():
                raise RuntimeError("The capped count returned no rows.")
        rows = cursor.fetchall()
    count, highest, spread = rows[0][:3]
    return count, [pk for *_t, pk in rows if pk is not None], highest, spread


def _matches_orm(params: dict) -> tuple[str, list]:
    """The SQL and arguments of the matches capped_count reads: the id, the sort
    keys and, for a keyword, the page of the table each match was read from."""
    keys = SORT_KEYS[search_order(params)]
    matches = search_postings(params).order_by()
    columns = ["pk", *(name for name, _d in keys)]
    if "q" in params:
        table = JobPosting._meta.db_table
        block = RawSQL(f'("{table}".ctid::text::point)[0]', (), FloatField())
        matches = matches.annotate(block=block)
        columns.append("block")
    matches = matches.values_list(*columns)
    return matches[: CappedPaginator.COUNT_CAP + 1].query.sql_with_params()


# Stand-ins for the values of one search in the matches' query, compiled once
# per shape (_matches_query): none is a value a valid search holds (salary_min is
# at most 10⁶, lat and lng within ±90 and ±180, choices are codes), and each is
# found again in the compiled arguments by type and value.
_MARKERS = {
    "occupation": "\uffffoccupation",
    "industry": "\uffffindustry",
    "job_type": "\uffffjob_type",
    "salary_min": 2_000_000_011,
    "lat": 1234.5,
    "lng": 2345.25,
}
# A keyword of two terms, so that its tsquery for the matches (terms ANDed) and
# for the title hits of best match (ORed) differ.
_MARKER_TEXT = "zzqmarka zzqmarkb"
_MARKER_QUERIES = {
    to_tsquery(_MARKER_TEXT): False,
    to_tsquery(_MARKER_TEXT, any_term=True): True,
}
_compiled_matches: dict[tuple, tuple[str, list, list]] = {}
_COMPILED_MAX = 1024
_compiled_lock = threading.Lock()


def _matches_query(params: dict) -> tuple[str, list]:
    """_matches_orm(params), with the query compiled once a day per shape and run
    with this search's values: building and compiling it through the ORM took
    about 1 ms of Python per search, the cards' query's problem
    (jobs/cards.py). The shape is everything but the values stood in for: the
    order, the parameters given, whether the keyword has anything searchable,
    the education level, the district's units, the cap and today. A date range
    (posted_within, measured from now) is compiled every time."""
    if "posted_within" in params:
        return _matches_orm(params)
    query = to_tsquery(params["q"]) if "q" in params else None
    district = params.get("district")
    units = None
    listed = "q" not in params and search_order(params) in ("newest", "salary")
    if district is not None:
        if not listed:  # the postings' in_district names the units by id
            units = tuple(
                OrgUnit.objects.filter(
                    code__startswith=district.descendant_prefix
                ).values_list("pk", flat=True)
            )
        else:  # the listings' code prefix
            units = district.descendant_prefix
    today = timezone.localdate()
    key = (
        today,
        CappedPaginator.COUNT_CAP,
        search_order(params),
        tuple(sorted(params)),
        query is None,
        params.get("education"),
        units,
    )
    compiled = _compiled_matches.get(key)
    if compiled is not None:
        return _with_values(compiled, params)
    compiled = _compile_matches(params, query is None)
    built = _matches_orm(params)
    # Verified once per shape against the ORM's query with this search's values:
    # a value the ORM changed on the way (and so not found again) keeps the
    # shape from being compiled.
    if _with_values(compiled, params) != built or _types(
        _with_values(compiled, params)
    ) != _types(built):
        return built
    with _compiled_lock:
        for old in [k for k in _compiled_matches if k[0] != today]:
            del _compiled_matches[old]
        while len(_compiled_matches) >= _COMPILED_MAX:  # the oldest shapes go
            del _compiled_matches[next(iter(_compiled_matches))]
        _compiled_matches[key] = compiled
    return built


def _with_values(compiled, params: dict) -> tuple[str, tuple]:
    sql, args, slots = compiled
    args = list(args)
    for position, name in slots:
        if name is True or name is False:
            args[position] = to_tsquery(params["q"], any_term=name)
        else:
            # In the type the ORM gave the stand-in (psycopg's Int4 for an int).
            args[position] = type(args[position])(params[name])
    return sql, tuple(args)


def _types(query: tuple[str, tuple]) -> list[type]:
    return [type(arg) for arg in query[1]]


def _compile_matches(params: dict, unsearchable: bool):
    """(SQL, arguments, [(position, name)]) of _matches_orm with stand-ins for
    params' values, name being the parameter whose value goes at that position
    (True or False: the keyword's tsquery, any_term or not)."""
    marked = {name: _MARKERS.get(name, value) for name, value in params.items()}
    if "q" in params and not unsearchable:
        marked["q"] = _MARKER_TEXT
    sql, args = _matches_orm(marked)
    stand_ins = [(name, value) for name, value in marked.items() if name in _MARKERS]
    if "q" in params and not unsearchable:
        stand_ins += [(any_term, text) for text, any_term in _MARKER_QUERIES.items()]
    slots = []
    for position, arg in enumerate(args):
        found = [name for name, value in stand_ins if _same(arg, value)]
        if found:
            slots.append((position, found[0]))
    return sql, args, slots


def _same(arg, stand_in) -> bool:
    return isinstance(arg, type(stand_in)) and arg == stand_in


def page_postings(params: dict, page_number, count: int, *, highest=None, spread=None):
    """The postings of the page, read as the capped count says (search_page);
    `highest`, capped_count's, lets many matches by salary start where they are,
    and `spread`, capped_count's too, estimates a keyword's matches.
    A queryset of the page, or the list of its ids when they were read without
    the cards' columns (_newest_deep_page)."""
    few = count <= CappedPaginator.COUNT_CAP
    page = CappedPaginator(range(count), PAGE_SIZE).get_page(page_number)
    deep = not few and page.number > WALK_PAGES
    start, end = max(0, page.start_index() - 1), page.end_index()
    if not few and "q" in params and search_order(params) == "salary":
        return _best_paid(params, end, highest)[start:end]
    if not few and search_order(params) == "salary" and params.keys() & FILTERS:
        return _listed_by_salary(params, end)[start:end]
    matches = count / spread if spread else 0  # all of them, estimated
    if deep and "q" in params and search_order(params) == "newest":
        ids = _newest_deep_page(params, start, end, matches)
        if ids is not None:
            return ids
        few = True
    elif deep and "q" in params and search_order(params) == "relevance":
        # Walked as pages 2 to WALK_PAGES are (_title_hits_first) when that
        # costs less than ranking every match, as for the newest first.
        listed = _listed(JobListing.objects.all().db)
        few = WALK_COST * end * listed >= matches * matches
    elif deep:
        few = None  # a deep page of many matches: the planner's choice
    return search_postings(params, few=few, upto=end)[start:end]


# Walking the date index costs about this many times as much per posting read as
# reading a keyword's matches through its index (measured at 1,000,000 postings,
# load 4-5: 9-17 µs a posting walked against 7-15 µs a match read in the table's
# order; _newest_deep_page).
WALK_COST = 2


def _newest_deep_page(
    params: dict, start: int, end: int, matches: float
) -> list[int] | None:
    """The ids of a deep page (start to end) of a keyword's many matches, newest
    first, or None when every match is better read and sorted by the caller.

    Walking the date index reads about end × N / M postings for M matches among
    the N published postings with the filters; reading every match reads at
    least M. The planner, whose estimate of a phrase's matches is often ten times
    off, picked either for the wrong M (销售代表 on page 9 at 1,000,000 postings:
    56,000 matches read, 0.5 s, where the walk reads 3,000 rows). Here M is estimated
    from the capped count (`matches`, its count over the share of the table it
    read), and the walk is bounded at the postings that cost as much as reading
    the M matches (WALK_COST), and at √(end × all listings), where the two cost
    about the same for any M, in case the matches are not spread as the
    estimate assumes. If the matches among the walked fill the page, it is the
    page (they are a prefix of the order); if not, None, after at most the cost
    of the other way. Without filters N is known (the listings the last ANALYZE
    counted), so a walk that cannot fill the page is not tried.

    The walk reads the postings' date index with the filters, and only the ids:
    the cards' columns are read for the page's postings alone. (A walk of the
    narrow listing table would read two pages per posting walked: its rows are no
    more in date order than the postings are.)"""
    walked = _filtered(JobPosting.objects.published(), params)
    walked = walked.order_by("-published_at", "-id")
    listed = _listed(walked.db)
    rows = min(int(matches / WALK_COST), math.isqrt(int(end * listed)))
    if not params.keys() & FILTERS and WALK_COST * end * listed > matches * matches:
        return None
    if rows < end:
        return None
    walked = walked.values_list("pk", "published_at")[:rows]
    sql, args = walked.query.sql_with_params()
    query = to_tsquery(params["q"])
    matched = "ts_match_vq(p.search, to_tsquery('simple', %s))" if query else "true"
    # In the walk's order, so the join stops at the page's end.
    statement = (
        f"SELECT w.pk FROM ({sql}) AS w "
        f"JOIN {JobPosting._meta.db_table} AS p ON p.id = w.pk WHERE {matched} "
        "ORDER BY w.published_at DESC, w.pk DESC LIMIT %s OFFSET %s"
    )
    keyword = [query] if query else []
    with connections[walked.db].cursor() as cursor:
        cursor.execute(statement, [*args, *keyword, end - start, start])
        ids = [pk for (pk,) in cursor.fetchall()]
    return ids if len(ids) == end - start else None


def _listed(database: str) -> float:
    """The listings (published postings) as the last ANALYZE counted, 0 if none
    did."""
    with connections[database].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [JobListing._meta.db_table],
        )
        (listed,) = cursor.fetchone()
    return max(listed, 0)


# The search form's filters (_filtered).
FILTERS = {
    "district",
    "occupation",
    "industry",
    "salary_min",
    "education",
    "job_type",
    "posted_within",
}
# Many filtered listings in salary order: their matches among this many best-paid
# listings are looked for first (_listed_by_salary).
SALARY_WALK_ROWS = 2000


def _listed_by_salary(params: dict, upto: int):
    """Many listings with filters in salary order, to the `upto`-th. The planner
    walks the salary index and checks the filters on each row, which reads most
    of the table when the filtered jobs are paid least (occupation group 3 at
    1,000,000 postings: 715,000 rows for a page). So the walk is bounded to the
    SALARY_WALK_ROWS best-paid listings, a prefix of the order: when the filtered
    ones among them fill the page, it is the page; otherwise every filtered
    listing is read through the filters' indexes and sorted."""
    order = (F("salary_max").desc(nulls_last=True), "-posting_id")
    public = JobListing.objects.public().order_by(*order)
    last = public.values_list("salary_max", "pk")[
        SALARY_WALK_ROWS - 1 : SALARY_WALK_ROWS
    ]
    walked = _listings(params, "salary", few=False)
    if last:
        salary, pk = last[0]
        if salary is None:  # nulls come last
            prefix = Q(salary_max__isnull=False) | Q(pk__gte=pk)
        else:
            prefix = Q(salary_max__gt=salary) | Q(salary_max=salary, pk__gte=pk)
        walked = walked.filter(prefix)
    if walked[upto - 1 : upto].exists():
        return walked
    return _listings(params, "salary", few=True)


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


# Many keyword matches in salary order: at most this many postings (with the
# filters) are walked from the top salary found among the counted matches
# (_best_paid).
BEST_PAID_ROWS = 2000
# Memory for the bitmap of a keyword's matches and a salary range (_best_paid): at
# the default 4 MB a bitmap of a few hundred thousand rows turns lossy, and every
# posting on a lossy page has its keyword vector unpacked and checked again.
BITMAP_MEMORY = "32MB"


def _best_paid(params: dict, upto: int, highest: int | None):
    """Many keyword matches in salary order, to the `upto`-th. Salary goes with the
    occupation, so a keyword's matches may all sit far down the salary order:
    walking the salary index from the top read nearly every posting (普工:
    153,000 rows of 200,000), and sorting every match reads as many wide rows as
    there are matches (会计 at 1,000,000 postings: 90,000). So the page is read
    in two bands split at `highest`, the top salary among the matches the capped
    count read (about a thousand, so few matches pay more):

    - above it, the matches are found through the keyword's and the salary's
      indexes together (a bitmap AND), reading only their rows: few, as the
      counted matches had none there;
    - from it down, the narrow listing's salary index is walked for at most
      BEST_PAID_ROWS postings with the filters, whose keyword is checked by id;
      at `highest` there is at least one match, and usually many more.

    Both bands are exact prefixes of their part of the order, so when they fill
    the page together it is the page; otherwise (few matches spread thinly, or
    no salary among the counted matches) every match is read and sorted."""
    every = search_postings(params, few=True)
    if highest is None:
        return every
    # Salary + 0, the same order, which no index walk provides (as for few
    # matches): the matches are read by the indexes' bitmaps, then sorted.
    unindexed = (F("salary_max") + 0).desc(nulls_last=True)
    upper = every.filter(salary_max__gt=highest).order_by(unindexed, "-id")
    with _planner_settings(every.db, work_mem=BITMAP_MEMORY):
        ids = list(upper.values_list("pk", flat=True)[:upto])
    if len(ids) < upto:
        lower = _listings(params, "salary", few=False).filter(salary_max__lte=highest)
        walked = lower.values_list("pk", flat=True)[:BEST_PAID_ROWS]
        # Read by id and sorted, not by the keyword's index, which would read
        # every match.
        checked = JobPosting.objects.filter(pk__in=walked).search(
            params["q"], indexed=False
        )
        checked = checked.order_by(unindexed, "-id").values_list("pk", flat=True)
        ids += list(checked[: upto - len(ids)])
    if len(ids) < upto:
        return every
    return every.filter(pk__in=ids)


@contextmanager
def _planner_settings(database: str, **values: str):
    """The planner settings `values` for the statements run inside, in a
    transaction; restored after them within a caller's transaction, which SET
    LOCAL would outlive."""
    connection = connections[database]
    restore = connection.in_atomic_block
    with transaction.atomic(using=database):
        with connection.cursor() as cursor:
            for name, value in values.items():
                cursor.execute(f"SET LOCAL {name} = %s", [value])
        yield
        if restore:
            with connection.cursor() as cursor:
                for name in values:
                    cursor.execute(f"SET LOCAL {name} TO DEFAULT")


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
