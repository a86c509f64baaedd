import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from jobs import services
from jobs.forms import JobMapForm, JobPostingForm, JobSearchForm
from jobs.models import (
    FavouritePosting,
    JobListing,
    JobPosting,
    JobType,
    Resume,
    default_valid_until,
)
from jobs.models.postings import salary_label
from portal.decorators import employer_required
from portal.models import OrgUnit, Person

PAGE_SIZE = 20
search_cache = caches["search"]


class CappedPaginator(Paginator):
    """Counts up to COUNT_CAP matches: counting every match of a common word costs
    more than the page itself, and nobody pages past the thousandth job."""

    COUNT_CAP = 1000

    @cached_property
    def count(self):
        if hasattr(self.object_list, "query"):  # counting needs no order
            return self.object_list.order_by()[: self.COUNT_CAP + 1].count()
        return len(self.object_list[: self.COUNT_CAP + 1])

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
JOB_TYPES = dict(JobType.choices)
EDUCATIONS = dict(Person.Education.choices)


class JobCard:
    """What a card of the job list shows, from one row of the columns it needs:
    no model instances, template includes or tags per card (the page's Python
    time was about half its server time)."""

    def __init__(self, row: dict, detail_url: str):
        self.pk = row["pk"]
        self.title = row["title"]
        self.url = detail_url.format(self.pk)
        self.salary = salary_label(row["salary_min"], row["salary_max"])
        self.employer = row["employer__name"]
        self.place = f"{row['org_unit__parent__name'] or ''}·{row['org_unit__name']}"
        self.job_type = JOB_TYPES.get(row["job_type"], row["job_type"])
        self.education = EDUCATIONS.get(row["education"]) or _("Any education")
        years = row["experience_years"]
        self.experience = years and ngettext(
            "%(years)s year of experience", "%(years)s years of experience", years
        ) % {"years": years}
        km = row.get("distance_km")
        self.distance = (
            None if km is None else _("%(km)s km away") % {"km": floatformat(km, 1)}
        )


def job_cards(ids: list[int], rows) -> list[JobCard]:
    """The cards of `rows` (CARD_COLUMNS) in the order of `ids` (one query)."""
    by_id = {row["pk"]: row for row in rows}
    detail_url = reverse("jobs:job_detail", args=[0]).replace("/0/", "/{}/")
    return [JobCard(by_id[pk], detail_url) for pk in ids if pk in by_id]


def job_list(request):
    form = JobSearchForm(request.GET)
    params = form.valid_data()
    notices = []
    if form.has_error("q", "max_length"):
        # Never dropped in silence (which would list every job): searched shortened.
        params["q"] = _shortened(request.GET["q"], form.fields["q"].max_length)
        notices.append(
            _(
                "Keywords can be at most %(limit)d characters long; "
                "the search used “%(q)s”."
            )
            % {"limit": form.fields["q"].max_length, "q": params["q"]}
        )
    district, term = _district_in_keywords(params, form.districts)
    if district is not None:
        params["district"] = district
        params["q"] = " ".join(t for t in params["q"].split() if t != term)
        if not params["q"]:
            del params["q"]
        notices.append(
            _("“%(term)s” is read as the district %(district)s.")
            % {"term": term, "district": district.name}
        )
    if notices:
        # The form shows what was searched.
        form.data = form.data.copy()
        form.data["q"] = params.get("q", "")
        if district is not None:
            form.data["district"] = district.code
    count, ids, rows = _search_page(params, request.GET.get("page"))
    page = CappedPaginator(range(count), PAGE_SIZE).get_page(request.GET.get("page"))
    if rows is None:
        # Cached ids or listing rows: read the cards, re-checked against
        # published(): nothing withdrawn is shown.
        public = JobPosting.objects.published().filter(pk__in=ids)
        if "lat" in params and "lng" in params:
            public = public.with_distance(params["lat"], params["lng"])
        rows = public.values(*_card_columns(params))
    page.object_list = job_cards(ids, rows)
    # The cards' cache key: exactly the postings shown and the point distances are
    # measured from.
    shown = [card.pk for card in page.object_list]
    cards_key = shown, params.get("lat"), params.get("lng")
    context = {
        "form": form,
        "page": page,
        "params": params,
        "cards_key": cards_key,
        "notices": notices,
    }
    return render(request, "jobs/job_list.html", context)


def _shortened(text: str, limit: int) -> str:
    """The whole words of `text` that fit in `limit` characters (at least the
    start of the first one)."""
    words = []
    for word in text.split():
        if len(" ".join([*words, word])) > limit:
            break
        words.append(word)
    return " ".join(words) or text.strip()[:limit]


def _district_in_keywords(
    params: dict, districts: list[OrgUnit]
) -> tuple[OrgUnit | None, str]:
    """A district named among the keywords (禅城区, or 禅城 without its 区), when no
    district is chosen: it filters by district instead of looking for the word
    in the postings' text, where workplaces are not written out."""
    if "q" not in params or "district" in params:
        return None, ""
    names = {}
    for district in districts:
        names[district.name] = district
        short = district.name[:-1] if district.name[-1:] in "区县市" else ""
        if len(short) >= 2:
            names.setdefault(short, district)
    for term in params["q"].split():
        if term in names:
            return names[term], term
    return None, ""


def _card_columns(params: dict) -> list[str]:
    if "lat" in params and "lng" in params:
        return [*CARD_COLUMNS, "distance_km"]
    return CARD_COLUMNS


def _search_page(params: dict, page_number) -> tuple[int, list[int], list | None]:
    """(capped count, ids on the page, their cards' rows or None) for a search.
    The count and ids are kept for SEARCH_CACHE_SECONDS in this process: popular
    searches repeat. Cached ids come without rows; their postings are re-checked
    against published() when shown, so a stale entry never shows a withdrawn job.
    A keyword search reads its cards with the page, in the same query.

    The capped count decides how the page is read (docs/technical-choices.md,
    "Search at real traffic"): up to the cap, all matches are read and sorted;
    above it, matches are at least cap/N of the postings, so walking the date
    index finds one of the first pages after about page × 20 × N / cap rows."""
    key = "jobs:" + urlencode(sorted((k, str(v)) for k, v in params.items()))
    key = f"{key}|{page_number}"
    cached = search_cache.get(key)
    if cached is not None:
        return (*cached, None)
    number = int(page_number) if str(page_number).isdigit() else 1
    start = (max(number, 1) - 1) * PAGE_SIZE
    count, ids = capped_count(params, page=(start, start + PAGE_SIZE))
    if count <= CappedPaginator.COUNT_CAP and (ids or not count):
        search_cache.set(key, (count, ids), settings.SEARCH_CACHE_SECONDS)
        return count, ids, None
    shown = page_postings(params, page_number, count)
    rows = None
    if shown.model is JobPosting and not shown.query.combinator:
        rows = list(shown.values(*_card_columns(params)))
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
    with transaction.atomic(), connection.cursor() as cursor:
        if "q" in params:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(statement, [*args, end - start, start])
        rows = cursor.fetchall()
    return rows[0][0], [pk for _n, pk in rows if pk is not None]


def page_postings(params: dict, page_number, count: int):
    """The postings of the page, read as the capped count says (_search_page)."""
    few = count <= CappedPaginator.COUNT_CAP
    if not few and str(page_number).isdigit() and int(page_number) > WALK_PAGES:
        few = None  # a deep page of many matches: the planner's choice
    page = CappedPaginator(range(count), PAGE_SIZE).get_page(page_number)
    start, end = max(0, page.start_index() - 1), page.end_index()
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
    if sort == "relevance" and "q" in params:
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


def job_detail(request, pk):
    posting = get_object_or_404(
        JobPosting.objects.select_related("employer", "org_unit__parent"), pk=pk
    )
    is_owner = request.user.is_authenticated and (
        request.user.employer_id == posting.employer_id
    )
    if not posting.is_public and not is_owner:
        return render(request, "jobs/job_gone.html", status=404)
    more = (
        JobPosting.objects.published()
        .filter(employer=posting.employer)
        .exclude(pk=posting.pk)
        .select_related("org_unit__parent")[:5]
    )
    context = {"posting": posting, "is_owner": is_owner, "more_postings": more}
    person = (
        getattr(request.user, "person", None) if request.user.is_authenticated else None
    )
    if person is not None:
        context["application"] = (
            posting.applications.active().filter(person=person).first()
        )
        context["has_resume"] = Resume.objects.filter(person=person).exists()
        context["is_favourite"] = FavouritePosting.objects.filter(
            person=person, posting=posting
        ).exists()
    return render(request, "jobs/job_detail.html", context)


@employer_required
def employer_job_list(request):
    postings = JobPosting.objects.for_user(request.user).select_related(
        "org_unit__parent"
    )
    status = request.GET.get("status")
    if status in JobPosting.Status.values:
        postings = postings.filter(status=status)
    page = Paginator(postings.order_by("-updated_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "status": status,
        "statuses": JobPosting.Status.choices,
        "employer": request.user.employer,
    }
    return render(request, "jobs/employer_job_list.html", context)


@employer_required
def job_create(request):
    employer = request.user.employer
    initial = {
        "valid_until": default_valid_until(),
        "org_unit": employer.org_unit_id,
        "address": employer.address,
        "contact_name": employer.contact_name,
        "contact_phone": employer.contact_phone,
        "latitude": employer.latitude,
        "longitude": employer.longitude,
    }
    posting = JobPosting(employer=employer)
    return _job_form(request, posting, initial=initial)


@employer_required
def job_edit(request, pk):
    posting = get_object_or_404(JobPosting.objects.for_user(request.user), pk=pk)
    return _job_form(request, posting)


def _job_form(request, posting, initial=None):
    employer = request.user.employer
    if not employer.is_verified:
        # Said before anything is typed: saving would be refused.
        context = {"posting": posting, "employer": employer}
        return render(request, "jobs/job_form.html", context)
    form = JobPostingForm(request.POST or None, instance=posting, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_posting(form.instance, by=request.user)
        except services.JobError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Saved. A caseworker reviews the posting before it goes live."),
            )
            return redirect("jobs:employer_job_list")
    context = {"form": form, "posting": posting, "employer": employer}
    return render(request, "jobs/job_form.html", context)


STATUS_ACTIONS = {
    "pause": (services.pause_posting, gettext_lazy("The posting is paused.")),
    "resume": (services.resume_posting, gettext_lazy("The posting is live again.")),
    "renew": (services.renew_posting, gettext_lazy("The posting's date is extended.")),
    "close": (services.close_posting, gettext_lazy("The posting is closed.")),
}


@require_http_methods(["GET", "POST"])
@employer_required
def job_change_status(request, pk, action):
    """POST changes the status; closing, which cannot be undone, is confirmed on
    a GET page first."""
    posting = get_object_or_404(JobPosting.objects.for_user(request.user), pk=pk)
    if action not in STATUS_ACTIONS:
        return redirect("jobs:employer_job_list")
    if request.method == "GET":
        if action != "close":
            return HttpResponseNotAllowed(["POST"])
        return render(request, "jobs/job_close_confirm.html", {"posting": posting})
    service, message = STATUS_ACTIONS[action]
    try:
        service(posting, by=request.user)
    except services.JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("jobs:employer_job_list")


MAP_LIMIT = 300


def job_map(request):
    form = JobMapForm(request.GET or None)
    postings = []
    if form.is_valid():
        data = form.cleaned_data
        postings = (
            JobPosting.objects.published()
            .nearest(data["lat"], data["lng"], data["km"], MAP_LIMIT)
            .select_related("employer", "org_unit__parent")
        )
    context = {"form": form, "postings": postings, "limit": MAP_LIMIT}
    return render(request, "jobs/job_map.html", context)


def job_map_geojson(request):
    """Published postings within km of (lat, lng), nearest first, as GeoJSON."""
    form = JobMapForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    rows = (
        JobPosting.objects.published()
        .nearest(data["lat"], data["lng"], data["km"], MAP_LIMIT)
        .values(
            "pk",
            "title",
            "latitude",
            "longitude",
            "salary_min",
            "salary_max",
            "employer__name",
            "distance_km",
        )
    )
    detail_url = reverse("jobs:job_detail", args=[0]).replace("/0/", "/{}/")
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [row["longitude"], row["latitude"]],
            },
            "properties": {
                "id": row["pk"],
                "title": row["title"],
                "employer": row["employer__name"],
                "salary": salary_label(row["salary_min"], row["salary_max"]),
                "url": detail_url.format(row["pk"]),
                "distance_km": round(row["distance_km"], 2),
            },
        }
        for row in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
