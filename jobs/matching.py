"""Two-way matching (人岗匹配): a score for a resume and a posting, with its reasons.

Every part of the score is an SQL annotation, so one query ranks all published
postings for a resume (or all public resumes for a posting); the reasons shown to
people are read from the same annotations, so words and ranking never disagree.
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from jobs.models import (
    EDUCATION_ORDER,
    LONGITUDE_FACTOR,
    Application,
    JobPosting,
    Resume,
)
from jobs.models.postings import (
    EDUCATION_LEXEME,
    GROUP_LEXEME,
    POINT_SQL,
    MatchVector,
    salary_reach,
)
from jobs.search import HAN, to_tsquery
from portal.models import OrgUnit

POINTS = {
    "keyword": 30,  # the posting matches a job the seeker named
    "occupation": 25,  # same occupation group
    "salary": 20,  # salary ranges overlap (negotiable: 8)
    "place": 15,  # within 3 km of home (10 km: 8) or in a wanted district
    "experience": 10,  # the seeker has the experience asked for
}
NEGOTIABLE_SALARY_POINTS = 8
NEAR_KM, FAR_KM = 3, 10
FAR_POINTS = 8
KM_PER_DEGREE = 111.195  # of latitude, and of longitude on the index's plane
# The newest postings of the groups wanted are ranked first, 500, then the next
# 4,000 when the top can still change; older ones only by _Match.necessary.
WINDOW, WINDOW_GROWTH, WINDOWS = 500, 8, 2
CASELESS = re.compile(f"[{HAN}0-9]+")
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
        # A term of Han characters and digits has no case: a plain LIKE finds
        # what UPPER() LIKE UPPER() does, without upper-casing every title.
        lookup = "contains" if CASELESS.fullmatch(term) else "icontains"
        named |= Q(**{f"title__{lookup}": term}) | Q(
            **{f"occupation_name__{lookup}": term}
        )
    return named


def _keyword_text(resume: Resume) -> str | None:
    """The raw tsquery of the jobs the seeker named: any of them."""
    phrases = [to_tsquery(term) for term in resume.intended_occupations.split()]
    return " | ".join(phrase for phrase in phrases if phrase) or None


def _allowed(education: str) -> list[str]:
    """The education levels of postings a person with `education` may take, ""
    (any) included."""
    return ["", *EDUCATION_ORDER[: EDUCATION_ORDER.index(education) + 1]]


def _lexeme(text: str) -> str:
    """A tsquery lexeme, quoted."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class _VectorMatches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


def postings_for(
    resume: Resume,
    limit: int = 20,
    *,
    since: datetime.datetime | None = None,
    applied: bool = True,
):
    """Published postings for a resume, best first, with score parts annotated;
    only those published from `since` on when it is given (the daily push). Not
    `applied`, the postings the seeker applied to are kept (the push ranks once
    for every seeker of a profile and leaves out each one's applications).

    The same ranking as scoring every candidate, without scoring them all
    (docs/matching.md): the newest WINDOW postings of the groups wanted are read
    from an index and ranked first. Any other candidate (older ones, keyword
    matches outside the groups) enters the top only with a score above the last
    one's, which needs enough of the score's parts that indexes find the few
    that might (_Match.necessary); often none can."""
    match = _Match(resume, applied=applied)
    others = []
    best, before, size = [], None, max(WINDOW, limit)
    for _window in range(WINDOWS):
        edge = match.oldest_in_window(size, since, before)
        if edge is None:
            break  # no posting of the groups (left)
        oldest_published, oldest_pk, count = edge
        # The window: the groups' postings from its oldest on (and before the
        # last window), scored from job_match_candidates alone.
        in_window = Q(occupation_group__in=match.groups) & _from(
            oldest_published, oldest_pk
        )
        if before is not None:
            in_window &= _before(*before)
        # The window's own top only: its other rows cannot be in the top either.
        rows = (
            match.ranked(in_window)
            .order_by("-score", "-published_at", "-id")
            .values_list(*ROW)[:limit]
        )
        best = sorted(best + list(rows), key=_rank, reverse=True)[:limit]
        floor = best[-1][1] if len(best) == limit else -1
        if match.necessary(floor + 1) is None:
            break  # nothing older can do better
        if count < size:
            break  # every posting of the groups has been ranked
        before, size = (oldest_published, oldest_pk), size * WINDOW_GROWTH
    else:
        # Older postings of the groups than the last window's.
        others.append((Q(occupation_group__in=match.groups) & _before(*before), True))
    floor = best[-1][1] if len(best) == limit else -1
    if match.keywords is not None:  # matches of the keywords outside the groups
        others.append((match.outside_groups(), False))
    last = best[-1] if len(best) == limit else None
    for other, in_groups in others:
        # Older postings of the groups lose a tie with the last of the top on
        # publication; matches outside the groups may be newer and win it.
        ties = last is not None and not in_groups
        needed = match.necessary(floor if ties else floor + 1, in_groups=in_groups)
        if needed is None:
            continue
        ranked = match.ranked(other)
        if since is not None:
            ranked = ranked.filter(published_at__gte=since)
        beats = Q(score__gt=floor)
        if ties:
            last_pk, _score, last_published = last
            beats |= Q(score=floor) & (
                Q(published_at__gt=last_published)
                | Q(published_at=last_published, pk__gt=last_pk)
            )
        better = (
            ranked.filter(needed, beats)
            .order_by("-score", "-published_at", "-id")
            .values_list(*ROW)[:limit]
        )
        best = sorted(best + list(better), key=_rank, reverse=True)[:limit]
    ids = [pk for pk, _score, _published in best]
    winners = match.ranked(Q(pk__in=ids)).select_related("employer", "org_unit__parent")
    by_id = {posting.pk: posting for posting in winners.defer("search")}
    return [by_id[pk] for pk in ids]


def ranked_postings(resume: Resume):
    """Every candidate for a resume scored and ordered: the ranking postings_for()
    gives the top of without scoring them all (tests and bench compare the two)."""
    return _Match(resume).ranked().order_by("-score", "-published_at", "-id")


ROW = ("pk", "score", "published_at")
PUBLISHED_ID = '("jobs_jobposting"."published_at", "jobs_jobposting"."id")'

NEWEST_OF_ONE_KIND = """
(SELECT published_at, id FROM jobs_jobposting
 WHERE status = 'published' AND occupation_group = %s AND education = %s
   AND published_at >= %s AND (published_at, id) < (%s, %s)
 ORDER BY published_at DESC, id DESC LIMIT %s)
"""
# Later than any publication: the first window has nothing before it.
END_OF_TIME = (datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC), 0)


def _before(published, pk) -> Q:
    """Published before (published, pk), as one row comparison: the index
    (…, published_at, id) reads it as one range."""
    return Q(RawSQL(f"{PUBLISHED_ID} < (%s, %s)", (published, pk), BooleanField()))


def _from(published, pk) -> Q:
    return Q(RawSQL(f"{PUBLISHED_ID} >= (%s, %s)", (published, pk), BooleanField()))


def _rank(row):
    pk, score, published = row
    return (score, published, pk)


class _Match:
    """One resume's candidates and score, and which parts an older candidate needs
    to reach a score."""

    def __init__(self, resume: Resume, *, applied: bool = True):
        self.resume, self.applied = resume, applied
        person = resume.person
        self.groups = resume.intended_occupation_groups
        self.keyword_text = _keyword_text(resume)
        self.keywords = (
            SearchQuery(self.keyword_text, search_type="raw", config="simple")
            if self.keyword_text is not None
            else None
        )
        self.prefixes = _district_prefixes(resume)
        home = person.residence
        self.home = home if home is not None and home.latitude is not None else None
        self.units = None  # in the districts wanted, read when first needed
        # The best each part can give this resume.
        self.best = {
            "keyword": POINTS["keyword"] if self.keywords is not None else 0,
            "occupation": POINTS["occupation"] if self.groups else 0,
            "salary": POINTS["salary"],
            "place": POINTS["place"] if self.home or self.prefixes else 0,
            "experience": POINTS["experience"],
        }

    def oldest_in_window(self, count: int, since=None, before=None) -> tuple | None:
        """(published_at, id, size) of the oldest of the newest `count` published
        postings in the groups wanted at an education the seeker has, published
        from `since` on and before (published_at, id) `before`, valid or not, and
        how many there are (at most `count`): one walk of the
        job_match_candidates index per group and education, merged. None when
        there are none (or no groups)."""
        person = self.resume.person
        if not self.groups:
            return None
        if person.education:
            allowed = EDUCATION_ORDER[: EDUCATION_ORDER.index(person.education) + 1]
        else:
            allowed = EDUCATION_ORDER
        kinds = [(group, level) for group in self.groups for level in ["", *allowed]]
        since = since or datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
        before = before or END_OF_TIME
        walks = " UNION ALL ".join([NEWEST_OF_ONE_KIND] * len(kinds))
        params = [value for kind in kinds for value in (*kind, since, *before, count)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT published_at, id, count(*) OVER () FROM "
                f"(SELECT * FROM ({walks}) AS walks "
                "ORDER BY published_at DESC, id DESC LIMIT %s) AS newest "
                "ORDER BY published_at, id LIMIT 1",
                [*params, count],
            )
            return cursor.fetchone()

    def outside_groups(self) -> Q:
        """The keyword matches outside the groups wanted, at an education the
        seeker has. The keyword index alone would read every match (most of them
        in the groups wanted); job_match_keywords holds group and education as
        lexemes, so the index keeps only these."""
        education = self.resume.person.education
        lexemes = [f"!{_lexeme(GROUP_LEXEME + group)}" for group in self.groups]
        if education:
            levels = [
                _lexeme(EDUCATION_LEXEME + level) for level in _allowed(education)
            ]
            lexemes.append("(" + " | ".join(levels) + ")")
        if not lexemes:
            return Q(search=self.keywords)
        query = RawSQL(
            "(to_tsquery('simple'::regconfig, %s) && %s::tsquery)",
            (self.keyword_text, " & ".join(lexemes)),
        )
        outside = Q(_VectorMatches(MatchVector(), query))
        if self.groups:
            outside &= ~Q(occupation_group__in=self.groups)
        return outside

    def ranked(self, wanted: Q | None = None):
        """Candidates scored; `wanted` narrows them (the groups or the keywords
        wanted by default)."""
        resume, person, groups = self.resume, self.resume.person, self.groups
        if wanted is None:
            wanted = Q(occupation_group__in=groups) if groups else Q(pk__in=[])
            if self.keywords is not None:
                wanted |= Q(search=self.keywords)
        postings = JobPosting.objects.published().filter(wanted)
        if self.applied:
            postings = postings.exclude(  # jobs the seeker has already applied to
                Exists(
                    Application.objects.active().filter(
                        posting=OuterRef("pk"), person=person
                    )
                )
            )
        if person.education:
            # for_education() as one list: job_match_candidates then reads only
            # these levels' ranges, not every level's to filter them.
            postings = postings.filter(education__in=_allowed(person.education))

        place = Q(pk__in=[])
        for prefix in self.prefixes:
            place |= Q(org_unit__code__startswith=prefix)
        annotations = {
            "keyword_points": _points(_named(resume), POINTS["keyword"])
            if self.keywords is not None
            else Value(0),
            "occupation_points": _points(
                Q(occupation_group__in=groups), POINTS["occupation"]
            )
            if groups
            else Value(0),
            "salary_points": _salary_points(resume),
            "experience_points": _points(
                Q(experience_years__lte=resume.experience_years),
                POINTS["experience"],
            ),
        }
        if self.home is not None:
            postings = postings.with_distance(self.home.latitude, self.home.longitude)
            annotations["place_points"] = Case(
                When(distance_km__lte=NEAR_KM, then=Value(POINTS["place"])),
                When(place, then=Value(POINTS["place"])),
                When(distance_km__lte=FAR_KM, then=Value(FAR_POINTS)),
                default=Value(0),
                output_field=IntegerField(),
            )
        else:
            annotations["place_points"] = _points(place, POINTS["place"])
        return postings.annotate(**annotations).annotate(score=TOTAL)

    def necessary(self, score: int, *, in_groups: bool = True) -> Q | None:
        """What a posting (in the groups wanted or not) must have to reach
        `score`, in terms indexes can find (None when no posting can): every part
        it cannot do without."""
        best = sum(self.best.values())
        if not in_groups:
            best -= self.best["occupation"]
        slack = best - score
        if slack < 0:
            return None
        needed = Q()
        if self.best["keyword"] > slack:
            needed &= _named(self.resume)
        if in_groups and self.best["occupation"] > slack:
            needed &= Q(occupation_group__in=self.groups)
        low, high = self.resume.expected_salary_min, self.resume.expected_salary_max
        if low is not None and POINTS["salary"] > slack:
            # What the index job_match_salary finds; the parts below decide.
            needed &= Q(GreaterThanOrEqual(salary_reach(), low))
        if low is not None and POINTS["salary"] - NEGOTIABLE_SALARY_POINTS > slack:
            needed &= Q(salary_max__gte=low)
            if high is not None:
                needed &= Q(salary_min__lte=high)
        elif low is not None and POINTS["salary"] > slack:
            overlap = Q(salary_max__gte=low)
            if high is not None:
                overlap &= Q(salary_min__lte=high)
            needed &= overlap | Q(salary_min__isnull=True)
        if self.best["place"] > slack:
            near = POINTS["place"] - FAR_POINTS > slack
            needed &= self._place(NEAR_KM if near else FAR_KM)
        if POINTS["experience"] > slack:
            needed &= Q(experience_years__lte=self.resume.experience_years)
        return needed

    def _place(self, km: float) -> Q:
        """Within km of home (by the posting point's GiST index) or in a wanted
        district (by the org unit's index)."""
        if self.units is None:
            self.units = _units_under(self.prefixes)
        place = Q(org_unit__in=self.units)
        if self.home is None:
            return place
        # A circle on the index's plane a little wider than km: the score's exact
        # distance decides; this only has to keep everything within km.
        radius = km / KM_PER_DEGREE * 1.02
        circle = RawSQL(
            f"{POINT_SQL} <@ circle(point(%s, %s), %s)",
            (self.home.longitude * LONGITUDE_FACTOR, self.home.latitude, radius),
            output_field=BooleanField(),
        )
        return place | Q(circle)


def _units_under(prefixes: list[str]) -> list[int]:
    if not prefixes:
        return []
    codes = Q(pk__in=[])
    for prefix in prefixes:
        codes |= Q(code__startswith=prefix)
    return list(OrgUnit.objects.filter(codes).values_list("pk", flat=True))


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


def resumes_for(posting: JobPosting, limit: int = 20, *, among=None):
    """Public resumes for a posting (or those of `among`, a Resume queryset: the
    people present in a recruiting hall), best first, with score parts annotated."""
    among = Resume.objects.public() if among is None else among
    resumes = among.select_related("person__residence")
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
