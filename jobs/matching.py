"""Two-way matching (人岗匹配): a score for a resume and a posting, with its reasons.

Every part of the score is an SQL annotation, so one query ranks all published
postings for a resume (or all public resumes for a posting); the reasons shown to
people are read from the same annotations, so words and ranking never disagree.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from jobs.models import EDUCATION_ORDER, Application, JobPosting, Resume
from jobs.search import to_tsquery

POINTS = {
    "keyword": 30,  # the posting matches a job the seeker named
    "occupation": 25,  # same occupation group
    "salary": 20,  # salary ranges overlap (negotiable: 8)
    "place": 15,  # within 3 km of home (10 km: 8) or in a wanted district
    "experience": 10,  # the seeker has the experience asked for
}
NEGOTIABLE_SALARY_POINTS = 8
NEAR_KM, FAR_KM = 3, 10
GOOD_MATCH = 60  # the daily push only sends matches at least this good
TOTAL = (
    F("keyword_points")
    + F("occupation_points")
    + F("salary_points")
    + F("experience_points")
    + F("place_points")
)


def _points(condition: Q, points: int) -> Case:
    return Case(
        When(condition, then=Value(points)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _district_prefixes(resume: Resume) -> list[str]:
    districts = list(resume.intended_districts.all())
    residence = resume.person.residence
    if not districts and residence is not None:
        districts = [residence]
    return [unit.descendant_prefix[:6] for unit in districts]


def _named(resume: Resume) -> Q:
    """The posting's title or occupation holds a job the seeker named. Scoring on
    these short columns, not the tsvector, keeps ranking 80,000 candidates cheap."""
    named = Q(pk__in=[])
    for term in resume.intended_occupations.split():
        named |= Q(title__icontains=term) | Q(occupation_name__icontains=term)
    return named


def _keyword_query(resume: Resume) -> SearchQuery | None:
    phrases = [to_tsquery(term) for term in resume.intended_occupations.split()]
    phrases = [phrase for phrase in phrases if phrase]
    if not phrases:
        return None
    return SearchQuery(" | ".join(phrases), search_type="raw", config="simple")


def postings_for(resume: Resume, limit: int = 20):
    """Published postings for a resume, best first, with score parts annotated."""
    person = resume.person
    groups = resume.intended_occupation_groups
    keywords = _keyword_query(resume)
    wanted = Q(occupation_group__in=groups) if groups else Q(pk__in=[])
    if keywords is not None:
        wanted |= Q(search=keywords)
    postings = (
        JobPosting.objects.published()
        .filter(wanted)
        .exclude(  # jobs the seeker has already applied to
            Exists(
                Application.objects.active().filter(
                    posting=OuterRef("pk"), person=person
                )
            )
        )
    )
    if person.education:
        postings = postings.for_education(person.education)

    place = Q(pk__in=[])
    for prefix in _district_prefixes(resume):
        place |= Q(org_unit__code__startswith=prefix)
    home = person.residence
    annotations = {
        "keyword_points": _points(_named(resume), POINTS["keyword"])
        if keywords is not None
        else Value(0),
        "occupation_points": _points(
            Q(occupation_group__in=groups), POINTS["occupation"]
        )
        if groups
        else Value(0),
        "salary_points": _salary_points(resume),
        "experience_points": _points(
            Q(experience_years__lte=resume.experience_years), POINTS["experience"]
        ),
    }
    if home is not None and home.latitude is not None:
        postings = postings.with_distance(home.latitude, home.longitude)
        annotations["place_points"] = Case(
            When(distance_km__lte=NEAR_KM, then=Value(POINTS["place"])),
            When(place, then=Value(POINTS["place"])),
            When(distance_km__lte=FAR_KM, then=Value(8)),
            default=Value(0),
            output_field=IntegerField(),
        )
    else:
        annotations["place_points"] = _points(place, POINTS["place"])
    ranked = postings.annotate(**annotations).annotate(score=TOTAL)
    # Rank narrow rows (ids and scores) first; then load only the winners.
    ids = list(
        ranked.order_by("-score", "-published_at", "-id").values_list("pk", flat=True)[
            :limit
        ]
    )
    winners = ranked.filter(pk__in=ids).select_related("employer", "org_unit__parent")
    by_id = {posting.pk: posting for posting in winners.defer("search")}
    return [by_id[pk] for pk in ids]


def _salary_points(resume: Resume):
    low, high = resume.expected_salary_min, resume.expected_salary_max
    if low is None:
        return Value(POINTS["salary"])  # no wish: any salary suits
    overlap = Q(salary_max__gte=low)
    if high is not None:
        overlap &= Q(salary_min__lte=high)
    return Case(
        When(overlap, then=Value(POINTS["salary"])),
        When(salary_min__isnull=True, then=Value(NEGOTIABLE_SALARY_POINTS)),
        default=Value(0),
        output_field=IntegerField(),
    )


def resumes_for(posting: JobPosting, limit: int = 20):
    """Public resumes for a posting, best first, with score parts annotated."""
    resumes = Resume.objects.public().select_related("person__residence")
    district_prefix = posting.org_unit.code[:6]
    wants_district = Resume.intended_districts.through.objects.filter(
        resume_id=OuterRef("pk"), orgunit__code__startswith=district_prefix
    )
    place = Q(Exists(wants_district)) | Q(
        person__residence__code__startswith=district_prefix
    )
    wanted = Q(intended_occupation_groups__contains=[posting.occupation_group]) | Q(
        intended_occupations__icontains=posting.occupation_name
    )
    if posting.education:
        qualified = EDUCATION_ORDER[EDUCATION_ORDER.index(posting.education) :]
        resumes = resumes.filter(person__education__in=qualified)
    if posting.salary_max is not None:
        salary = Q(expected_salary_min__lte=posting.salary_max) & (
            Q(expected_salary_max__isnull=True)
            | Q(expected_salary_max__gte=posting.salary_min)
        ) | Q(expected_salary_min__isnull=True)
    else:
        salary = Q(pk__in=[])
    annotations = {
        "keyword_points": _points(
            Q(intended_occupations__icontains=posting.occupation_name),
            POINTS["keyword"],
        ),
        "occupation_points": _points(
            Q(intended_occupation_groups__contains=[posting.occupation_group]),
            POINTS["occupation"],
        ),
        "salary_points": _points(salary, POINTS["salary"])
        if posting.salary_max is not None
        else Value(NEGOTIABLE_SALARY_POINTS),
        "experience_points": _points(
            Q(experience_years__gte=posting.experience_years), POINTS["experience"]
        ),
        "place_points": _points(place, POINTS["place"]),
    }
    resumes = resumes.filter(wanted).annotate(**annotations)
    resumes = resumes.annotate(score=TOTAL)
    return resumes.order_by("-score", "-updated_at")[:limit]


@dataclass
class Reasons:
    score: int
    words: list[str]


def reasons(match) -> Reasons:
    """The reasons behind a match from postings_for() or resumes_for(), in words."""
    words = []
    if match.keyword_points:
        words.append(_("matches the job wanted"))
    if match.occupation_points:
        words.append(_("same occupation group"))
    distance = getattr(match, "distance_km", None)
    if distance is not None and distance <= FAR_KM:
        words.append(_("%(km).1f km from home") % {"km": distance})
    elif match.place_points:
        words.append(_("in a district wanted"))
    if match.salary_points == POINTS["salary"]:
        words.append(_("salary within the expected range"))
    elif match.salary_points:
        words.append(_("salary negotiable"))
    if match.experience_points:
        words.append(_("enough experience"))
    return Reasons(score=match.score, words=words)
