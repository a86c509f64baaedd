import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jobs.search import to_tsquery
from portal.models import Employer, OrgUnit, Person, TimeStamped, scope_filter

# cos(23°): one degree of longitude is this much shorter than one of latitude in
# Foshan, which makes point(lng * factor, lat) distances isotropic
# (docs/technical-choices.md, "Radius search").
LONGITUDE_FACTOR = 0.9205
EARTH_RADIUS_KM = 6371.0


class CjkBigrams(Func):
    function = "cjk_bigram_text"
    output_field = models.TextField()


class ToSimpleTsvector(Func):
    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


# Lexemes of a posting's occupation group and education, added to its keyword
# vector in the index job_match_keywords. A search term's lexemes are letters,
# digits or Han characters, so none of them, prefixes included, matches these.
GROUP_LEXEME, EDUCATION_LEXEME = "~group:", "~education:"


class MatchVector(Func):
    """The keyword vector with the group and education lexemes: one GIN index then
    finds "these keywords, not these groups, these education levels" together
    (jobs/matching.py), where the keyword index alone reads every match."""

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("search"), F("occupation_group"), F("education"))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        search, group, education = parts
        return (
            f"({search} || array_to_tsvector(ARRAY['{GROUP_LEXEME}' || {group}, "
            f"'{EDUCATION_LEXEME}' || {education}]))",
            params,
        )


def salary_reach() -> Case:
    """What a posting can pay a seeker, as one indexable number: its salary_max, or
    more than any wish when negotiable (no salary_min), which matching scores too.
    reach >= a wish's low end holds for every posting whose salary overlaps the wish
    or is negotiable, so the index job_match_salary skips the ones that pay less."""
    return Case(
        When(salary_min__isnull=True, then=Value(SALARY_REACH_NEGOTIABLE)),
        default=F("salary_max"),
        output_field=models.IntegerField(),
    )


SALARY_REACH_NEGOTIABLE = 2**31 - 1


# Column references are qualified: public queries join the employer table, which has
# latitude and longitude too. The factor is inlined so the planner matches the index.
POINT_SQL = (
    f'point("jobs_jobposting"."longitude" * {LONGITUDE_FACTOR}, '
    '"jobs_jobposting"."latitude")'
)


def salary_label(low: int | None, high: int | None) -> str:
    """面议, or the monthly range, in the current language (pages and GeoJSON)."""
    if low is None and high is None:
        return gettext("Salary negotiable")
    return gettext("%(low)s–%(high)s CNY/month") % {"low": low, "high": high}


class OccupationGroup(models.TextChoices):
    """The 8 major groups of the 2015 Occupational Classification of China."""

    LEADERS = "1", _("Heads of party, state, social and business organisations")
    PROFESSIONALS = "2", _("Professional and technical personnel")
    CLERKS = "3", _("Clerical and related personnel")
    SERVICES = "4", _("Social production and life service personnel")
    AGRICULTURE = "5", _("Agriculture, forestry, animal husbandry and fishery workers")
    PRODUCTION = "6", _("Production, manufacturing and related personnel")
    MILITARY = "7", _("Military personnel")
    OTHER = "8", _("Other workers not elsewhere classified")


class JobType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    FLEXIBLE = "flexible", _("Flexible / gig work")
    INTERNSHIP = "internship", _("Internship / traineeship")


EDUCATION_ORDER = [code for code, _label in Person.Education.choices]


class JobPostingQuerySet(models.QuerySet):
    def published(self):
        """Everything the public may see: the one gate for lists, maps and counts."""
        return self.filter(
            status=JobPosting.Status.PUBLISHED,
            valid_until__gte=timezone.localdate(),
            employer__verification_status=Employer.Verification.VERIFIED,
        )

    def for_user(self, user):
        """Postings a staff member or employer may manage."""
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_employer_staff:
            return self.filter(employer_id=user.employer_id)
        return self.none()

    def search(self, text: str, *, indexed: bool = True):
        """Postings matching the keywords. Not `indexed`, the same condition is
        written as a function call, which the keyword index cannot answer: for a
        frequent word, walking the order's index and checking each row is cheaper
        than reading every match."""
        query = to_tsquery(text)
        if query is None:
            return self
        search_query = SearchQuery(query, search_type="raw", config="simple")
        if indexed:
            matches = Q(search=search_query)
        else:
            matches = Func(
                F("search"),
                search_query,
                function="ts_match_vq",
                output_field=models.BooleanField(),
            )
        # Relevance: a hit in the title beats one in the description. ts_rank would
        # read every match's tsvector (TOASTed), ~60 ms for a frequent term.
        return self.filter(matches).annotate(
            rank=Case(
                When(self.title_match(text), then=Value(1)),
                default=Value(0),
                output_field=models.IntegerField(),
            )
        )

    @staticmethod
    def title_match(text: str, *, indexed: bool = True):
        """The title holds one of the keywords (as search() finds them), read from
        the stored title_search; not `indexed`, written so that its index cannot
        answer it (as in search())."""
        query = SearchQuery(
            to_tsquery(text, any_term=True) or "", search_type="raw", config="simple"
        )
        if indexed:
            return Q(title_search=query)
        return Func(
            F("title_search"),
            query,
            function="ts_match_vq",
            output_field=models.BooleanField(),
        )

    def in_district(self, district: OrgUnit):
        """Postings in the district, written as the list of its units' ids so that
        the index on org_unit answers it, in a bitmap AND with the keyword's
        index: as a join on the unit's code, every match of a frequent keyword
        was read to check its district (docs/technical-choices.md, "Search at
        real traffic")."""
        units = OrgUnit.objects.filter(code__startswith=district.descendant_prefix)
        return self.filter(org_unit__in=list(units.values_list("pk", flat=True)))

    def for_education(self, level: str):
        """Postings whose required education a person with `level` meets."""
        allowed = EDUCATION_ORDER[: EDUCATION_ORDER.index(level) + 1]
        return self.filter(Q(education="") | Q(education__in=allowed))

    def with_distance(self, lat: float, lng: float):
        """Annotate great-circle distance in km from (lat, lng), computed in SQL."""
        latitude, longitude = (
            '"jobs_jobposting"."latitude"',
            '"jobs_jobposting"."longitude"',
        )
        return self.annotate(
            distance_km=RawSQL(
                f"%s * 2 * asin(sqrt(power(sin(radians({latitude} - %s) / 2), 2)"
                f" + cos(radians(%s)) * cos(radians({latitude}))"
                f" * power(sin(radians({longitude} - %s) / 2), 2)))",
                (EARTH_RADIUS_KM, lat, lat, lng),
                output_field=models.FloatField(),
            )
        )

    def nearest(self, lat: float, lng: float, km: float, limit: int):
        """Postings within km of (lat, lng), nearest first, at most `limit`.

        The GiST index on the posting's point walks neighbours nearest first
        (KNN), so only about `limit` rows are read whatever the density; the exact
        great-circle distance then keeps those inside the radius. A bounding box in
        the same query would make the planner read every row inside it instead."""
        knn = RawSQL(
            f"{POINT_SQL} <-> point(%s, %s)",
            (lng * LONGITUDE_FACTOR, lat),
            output_field=models.FloatField(),
        )
        # Over-fetch: grid distance and great-circle distance order almost alike.
        candidates = self.annotate(knn=knn).order_by("knn")
        nearest_ids = list(candidates.values_list("pk", flat=True)[: limit * 2])
        return (
            self.filter(pk__in=nearest_ids)
            .defer("search")
            .with_distance(lat, lng)
            .filter(distance_km__lte=km)
            .order_by("distance_km")[:limit]
        )


class JobPosting(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Returned for changes")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")
        EXPIRED = "expired", _("Expired")

    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    title = models.CharField(_("job title"), max_length=60)
    occupation_group = models.CharField(
        _("occupation group"), max_length=1, choices=OccupationGroup.choices
    )
    occupation_name = models.CharField(
        _("occupation"),
        max_length=50,
        help_text=_("The finer occupation name, e.g. 会计, 电工, 焊工."),
    )
    industry = models.CharField(
        _("industry"), max_length=1, choices=Employer.Industry.choices, blank=True
    )
    job_type = models.CharField(
        _("job type"), max_length=12, choices=JobType.choices, default=JobType.FULL_TIME
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("workplace street or town"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    address = models.CharField(_("workplace address"), max_length=200)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    salary_min = models.PositiveIntegerField(
        _("monthly salary from (CNY)"), null=True, blank=True
    )
    salary_max = models.PositiveIntegerField(
        _("monthly salary up to (CNY)"), null=True, blank=True
    )
    education = models.CharField(
        _("education required"),
        max_length=20,
        choices=Person.Education.choices,
        blank=True,
        help_text=_("Leave empty when any education is fine."),
    )
    experience_years = models.PositiveSmallIntegerField(
        _("years of experience required"), default=0
    )
    headcount = models.PositiveSmallIntegerField(
        _("number of hires"), default=1, validators=[MinValueValidator(1)]
    )
    description = models.TextField(
        _("job description"),
        help_text=_("Duties, requirements, working hours, benefits."),
    )
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    valid_until = models.DateField(_("open until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rejection_reason = models.TextField(_("reason returned"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    search = models.GeneratedField(
        expression=ToSimpleTsvector(
            CjkBigrams(
                Func(
                    F("title"),
                    Value(" "),
                    F("occupation_name"),
                    Value(" "),
                    F("description"),
                    template="%(expressions)s",
                    arg_joiner=" || ",
                )
            )
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The title alone: "best match" ranks title hits first (JobPostingQuerySet.search).
    title_search = models.GeneratedField(
        expression=ToSimpleTsvector(CjkBigrams(F("title"))),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = JobPostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-published_at", "-id"]
        permissions = [("moderate_jobposting", _("Can approve or return job postings"))]
        indexes = [
            GinIndex(fields=["search"], name="job_search_gin"),
            GinIndex(
                fields=["title_search"],
                condition=Q(status="published"),
                name="job_title_search_gin",
            ),
            GistIndex(
                Func(
                    F("longitude") * LONGITUDE_FACTOR, F("latitude"), function="point"
                ),
                name="job_point_gist",
            ),
            # The list's two sort orders, walked in order so a page stops early.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="job_published_recent",
            ),
            models.Index(
                F("salary_max").desc(nulls_last=True),
                F("id").desc(),
                condition=Q(status="published"),
                name="job_published_salary",
            ),
            models.Index(fields=["status", "valid_until"], name="job_status_valid"),
            # Rare filters of the job list, combined with the others in a bitmap.
            models.Index(
                fields=["job_type"],
                condition=Q(status="published"),
                name="job_published_type",
            ),
            models.Index(
                fields=["occupation_group"],
                condition=Q(status="published"),
                name="job_published_group",
            ),
            # Matching (jobs/matching.py) walks each group and education newest
            # first, and scores from the index alone.
            models.Index(
                fields=["occupation_group", "education", "-published_at", "-id"],
                include=[
                    "valid_until",
                    "employer",
                    "org_unit",
                    "salary_min",
                    "salary_max",
                    "experience_years",
                    "latitude",
                    "longitude",
                    "title",
                    "occupation_name",
                ],
                condition=Q(status="published"),
                name="job_match_candidates",
            ),
            # Matching's keyword matches outside the groups wanted, narrowed by
            # group and education inside the index (jobs/matching.py).
            GinIndex(
                MatchVector(),
                condition=Q(status="published"),
                name="job_match_keywords",
            ),
            # Matching's older postings of the groups wanted when the salary is a
            # part they cannot do without: only those paying the wish or more.
            models.Index(
                "occupation_group",
                "education",
                salary_reach(),
                include=[
                    "valid_until",
                    "employer",
                    "org_unit",
                    "salary_min",
                    "salary_max",
                    "experience_years",
                    "latitude",
                    "longitude",
                    "title",
                    "occupation_name",
                    "published_at",
                    "id",
                ],
                condition=Q(status="published"),
                name="job_match_salary",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
                name="job_salary_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(headcount__gte=1), name="job_headcount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="job_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.employer}"

    def get_absolute_url(self):
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.valid_until >= timezone.localdate()
            and self.employer.is_verified
        )

    @property
    def is_salary_negotiable(self) -> bool:
        return self.salary_min is None and self.salary_max is None

    @property
    def salary_label(self) -> str:
        return salary_label(self.salary_min, self.salary_max)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def can_be_paused(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def can_be_resumed(self) -> bool:
        return self.status == self.Status.PAUSED

    def can_be_renewed(self) -> bool:
        return self.status in (
            self.Status.PUBLISHED,
            self.Status.PAUSED,
            self.Status.EXPIRED,
        )

    def can_be_closed(self) -> bool:
        return self.status != self.Status.CLOSED

    def can_be_edited(self) -> bool:
        return self.status != self.Status.CLOSED


def default_valid_until() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.JOB_VALID_DAYS)
