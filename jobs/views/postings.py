from html import escape

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from jobs import services
from jobs.cards import card_rows
from jobs.forms import JobMapForm, JobPostingForm, JobSearchForm
from jobs.models import (
    FavouritePosting,
    JobPosting,
    JobType,
    Resume,
    default_valid_until,
)
from jobs.models.postings import salary_label
from jobs.search_plans import (
    PAGE_SIZE,
    CappedPaginator,
    search_page,
)
from portal.decorators import employer_required
from portal.models import OrgUnit, Person

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


# One card of the job list, the markup templates/jobs/job_list.html had per card:
# twenty cards through the template engine took a third of the page's rendering.
CARD_HTML = """
<li class="job-card">
  <div class="job-card-head">
    <a class="job-title" href="{}">{}</a>
    <span class="salary">{}</span>
  </div>
  <div class="muted">{}</div>
  <div class="job-tags">
    <span class="tag">{}</span>
    <span class="tag">{}</span>
    <span class="tag">{}</span>
    {}
    {}
  </div>
</li>
  """


def cards_html(cards: list[JobCard]) -> SafeString:
    """The job list's <ul> of `cards`, every value escaped as the template did
    (html.escape, what django.utils.html.escape calls, without a SafeString per
    value)."""
    items = "".join(
        CARD_HTML.format(
            *(
                escape(str(value))
                for value in (
                    card.url,
                    card.title,
                    card.salary,
                    card.employer,
                    card.place,
                    card.job_type,
                    card.education,
                )
            ),
            _tag("tag", card.experience),
            _tag("tag ok", card.distance),
        )
        for card in cards
    )
    return mark_safe(f'<ul class="job-list">\n  {items}\n</ul>')


def _tag(css: str, text) -> str:
    return f'<span class="{css}">{escape(str(text))}</span>' if text else ""


# The search form, the markup templates/jobs/job_list.html had: through the
# template engine (translate, url and for tags) it took about as long as the
# rest of the page's template.
SEARCH_FORM_HTML = """
<form class="job-search" method="get" action="{action}" role="search">
  <div class="search">
    <label class="visually-hidden" for="id_q">{keywords}</label>
    <input type="search" name="q" id="id_q" value="{q}" maxlength="60" \
placeholder="{placeholder}">
    <button type="submit">{search}</button>
  </div>
  <details class="filters-panel"{open}>
    <summary>{filters}</summary>
    <div class="filter-grid">
      {controls}
    </div>
    {hidden}
    <button type="submit">{apply}</button>
    <a href="{action}">{clear}</a>
  </details>
</form>
"""
FILTER_HTML = """
      <div class="field"><label for="{}">{}</label>{}</div>
      """


def search_form_html(form: JobSearchForm, params: dict) -> SafeString:
    """The search form with the values searched, every value escaped as the
    template did."""
    controls = "".join(
        FILTER_HTML.format(
            escape(str(id_)), escape(str(label)), conditional_escape(control)
        )
        for id_, label, control in form.filter_controls()
    )
    return mark_safe(
        SEARCH_FORM_HTML.format(
            action=escape(reverse("jobs:job_list")),
            keywords=escape(_("Keywords")),
            q=escape(str(form["q"].value() or "")),
            placeholder=escape(
                _("Job title, occupation or skill, e.g. 会计, 电工, Python")
            ),
            search=escape(_("Search")),
            open=" open" if len(params) > 1 else "",
            filters=escape(_("Filters and sorting")),
            controls=controls,
            hidden=conditional_escape(form.hidden_controls()),
            apply=escape(_("Apply")),
            clear=escape(_("Clear all")),
        )
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
    count, ids, rows = search_page(params, request.GET.get("page"))
    page = CappedPaginator(range(count), PAGE_SIZE).get_page(request.GET.get("page"))
    if rows is None:
        rows = card_rows(params, ids)
    page.object_list = job_cards(ids, rows)
    context = {
        "form": form,
        "page": page,
        "params": params,
        "cards": cards_html(page.object_list),
        "search_form": search_form_html(form, params),
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
