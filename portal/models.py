"""The shared core: users and roles, the org hierarchy, the person and employer
registries, the audit trail and the in-site inbox."""

import datetime
import math
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.partitioning import Monthly
from portal.privacy import mask_id_number, mask_name, mask_phone
from portal.validators import (
    MINIMUM_WORKING_AGE,
    add_years,
    age_on,
    birth_date_from_id,
)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class OrgUnitQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )

    def top(self) -> "OrgUnit | None":
        """The unit above all others: the province of a provincial portal, else
        the city."""
        return self.current().filter(parent__isnull=True).order_by("code").first()

    def within(self, unit: "OrgUnit"):
        """The unit itself and every unit below it."""
        return self.filter(code__startswith=unit.descendant_prefix)

    def for_user(self, user):
        """Staff pick units in their own area; the tree itself is public."""
        scope = scope_filter(user, "self")
        if scope is None:
            return self.all()
        return self.filter(scope)


class OrgUnit(models.Model):
    """Province → city → district → street (街道/镇) → community (社区/村), keyed by
    the 12-digit statistical division code (docs/identifiers.md, "Division codes").
    A unit's descendants share the leading digits of its code, which is how scoping
    finds "this unit and below". A city portal has no province above its city; a
    provincial one has the province, whose staff see every city below it."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street / town")
        COMMUNITY = "community", _("Community / village")

    PREFIX_LENGTH = {
        "province": 2,
        "city": 4,
        "district": 6,
        "street": 9,
        "community": 12,
    }

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    # The unit's centre, for distances from where people live (job matching).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^\d{12}$"), name="orgunit_code_12_digits"
            ),
            models.CheckConstraint(
                condition=Q(level__in=["province", "city"]) | Q(parent__isnull=False),
                name="orgunit_parent_below_city",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def descendant_prefix(self) -> str:
        return self.code[: self.PREFIX_LENGTH[self.level]]

    @property
    def full_name(self) -> str:
        names, unit = [], self
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return "".join(reversed(names))

    def contains(self, other: "OrgUnit | None") -> bool:
        return other is not None and other.code.startswith(self.descendant_prefix)

    @property
    def is_top(self) -> bool:
        """No unit above it: the city of a city portal, the province of a provincial
        one."""
        return self.parent_id is None

    def is_at_least(self, level: str) -> bool:
        """The unit is at `level` or above it (a province is above a city)."""
        return self.PREFIX_LENGTH[self.level] <= self.PREFIX_LENGTH[level]


def current_districts() -> list[OrgUnit]:
    """Today's districts, read at most once a minute per process (the "reference"
    cache): the job search and the home page name them on every request, and they
    change once in years."""
    reference = caches["reference"]
    districts = reference.get("current_districts")
    if districts is None:
        districts = list(OrgUnit.objects.current().filter(level=OrgUnit.Level.DISTRICT))
        reference.set("current_districts", districts, 60)
    return districts


class User(AbstractUser):
    class Role(models.TextChoices):
        SEEKER = "seeker", _("Job seeker")
        EMPLOYER = "employer", _("Employer staff")
        CASEWORKER = "caseworker", _("Caseworker")
        LEADER = "leader", _("Leader")
        STEWARD = "steward", _("Gate steward")
        ADMIN = "admin", _("Administrator")

    STAFF_ROLES = (Role.CASEWORKER, Role.LEADER, Role.ADMIN)

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.SEEKER
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    sms_opt_in = models.BooleanField(
        _("also tell me by SMS"),
        default=False,
        help_text=_(
            "Decisions, interview invitations and fair bookings also reach your "
            "mobile phone, never between 22:00 and 08:00."
        ),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Caseworkers and leaders see this unit and everything below it."),
    )
    employer = models.ForeignKey(
        "Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=True) | Q(role="employer"),
                name="user_employer_only_for_employer_staff",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["caseworker", "leader"])
                | Q(org_unit__isnull=False),
                name="user_staff_has_org_unit",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        person = getattr(self, "person", None)
        if person is not None:
            return person.name
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def is_caseworker(self) -> bool:
        return self.role == self.Role.CASEWORKER

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER

    @property
    def is_seeker(self) -> bool:
        return self.role == self.Role.SEEKER

    @property
    def is_steward(self) -> bool:
        return self.role == self.Role.STEWARD and self.org_unit_id is not None

    @property
    def is_employer_staff(self) -> bool:
        return self.role == self.Role.EMPLOYER and self.employer_id is not None


def scope_filter(user, field: str) -> Q | None:
    """The filter that limits staff to their org unit and below.

    Returns Q() for "everything", a prefix filter on `<field>__code` (or on `code`
    itself when field is "self") for caseworkers and leaders, and None when staff
    scoping does not apply to this user.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_administrator:
        return Q()
    if user.role in (User.Role.CASEWORKER, User.Role.LEADER) and user.org_unit_id:
        lookup = "code__startswith" if field == "self" else f"{field}__code__startswith"
        return Q(**{lookup: user.org_unit.descendant_prefix})
    return None


class DifficultyCategoryQuerySet(models.QuerySet):
    def sensitive(self):
        """The categories no public page names (see DifficultyCategory.is_sensitive)."""
        return self.filter(
            Q(is_sensitive=True)
            | (
                Q(is_sensitive__isnull=True)
                & ~Q(code__in=DifficultyCategory.NOT_SENSITIVE_CODES)
            )
        )


class DifficultyCategory(models.Model):
    """Employment-difficulty categories (就业困难人员): each province sets its list
    (docs/registration.md, "Employment difficulty"), so it is data a
    caseworker can change."""

    # The categories of portal/initial_data.py that say nothing about health,
    # disability, a criminal record or a family's poverty (PIPL art. 28;
    # docs/registration.md, "Sensitive categories"). Every other code, also
    # one a city adds, counts as sensitive unless staff decide otherwise.
    NOT_SENSITIVE_CODES = frozenset(
        {
            "older-workers",
            "landless-farmer",
            "long-term-unemployed",
            "veteran",
            "long-unemployed-leaver",
        }
    )

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    min_age_women = models.PositiveSmallIntegerField(
        _("minimum age of women"), null=True, blank=True
    )
    min_age_men = models.PositiveSmallIntegerField(
        _("minimum age of men"), null=True, blank=True
    )
    min_unemployed_months = models.PositiveSmallIntegerField(
        _("months registered as unemployed"),
        null=True,
        blank=True,
        help_text=_("Checked when someone applies; empty for no such condition."),
    )
    # Empty on the rows a city starts with, so that NOT_SENSITIVE_CODES decides
    # for new and existing databases alike; staff set it to decide otherwise.
    is_sensitive = models.BooleanField(
        _("sensitive"),
        null=True,
        blank=True,
        help_text=_(
            "A sensitive category is never named on public pages. Leave it unknown "
            "for the portal's default: sensitive, except for age, long unemployment, "
            "lost land, military service and school leavers."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = DifficultyCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment-difficulty category")
        verbose_name_plural = _("employment-difficulty categories")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def counts_as_sensitive(self) -> bool:
        if self.is_sensitive is not None:
            return self.is_sensitive
        return self.code not in self.NOT_SENSITIVE_CODES


class PersonQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "residence")
        unit = user.org_unit if scope is not None and user.org_unit_id else None
        if unit is not None and unit.is_top:
            # People known only from an employer's filing or an import have no
            # residence yet: the top unit serves them until one is recorded (in a
            # province, not each city: nothing says which city they belong to).
            scope |= Q(residence__isnull=True)
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_seeker:
            return self.filter(user=user)
        return self.none()


class Person(TimeStamped):
    """One person, one record (同人同城同库): every service starts here."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class HukouType(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    class Education(models.TextChoices):
        NONE = "none", _("No schooling")
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior secondary")
        SENIOR = "senior", _("Senior secondary")
        VOCATIONAL = "vocational", _("Secondary vocational")
        COLLEGE = "college", _("Junior college")
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master")
        DOCTORATE = "doctorate", _("Doctorate")

    class RetirementTrack(models.TextChoices):
        """Which statutory retirement age applies (docs/registration.md,
        "Retirement age"): sex alone cannot tell whether a woman is on the 50 or
        the 55 track."""

        MALE_60 = "male60", _("Men (originally 60)")
        FEMALE_55 = "female55", _("Women cadres (originally 55)")
        FEMALE_50 = "female50", _("Women workers (originally 50)")

    class OccupationType(models.TextChoices):
        """The kind of post a person holds, which sets a woman's original
        retirement age (docs/registration.md, "Retirement age")."""

        CADRE = "cadre", _("Management or technical post (管理技术岗位)")
        WORKER = "worker", _("Production or operating post (生产操作岗位)")

    # (original age, months of delay per step, cap in months) under the 2025 reform.
    RETIREMENT_RULES = {
        "male60": (60, 4, 36),
        "female55": (55, 4, 36),
        "female50": (50, 2, 60),
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    name = models.CharField(_("real name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    sex = models.GeneratedField(
        verbose_name=_("sex"),
        expression=Func(
            F("id_number"),
            template="CASE WHEN mod(substr(%(expressions)s, 17, 1)::int, 2) = 1 "
            "THEN 'M' ELSE 'F' END",
        ),
        output_field=models.CharField(max_length=1, choices=Sex.choices),
        db_persist=True,
    )
    birth_date = models.GeneratedField(
        verbose_name=_("birth date"),
        expression=Func(
            Cast(Substr("id_number", 7, 4), models.IntegerField()),
            Cast(Substr("id_number", 11, 2), models.IntegerField()),
            Cast(Substr("id_number", 13, 2), models.IntegerField()),
            function="make_date",
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    hukou_place = models.CharField(_("hukou location"), max_length=100, blank=True)
    hukou_type = models.CharField(
        _("hukou type"), max_length=10, choices=HukouType.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    residence = models.ForeignKey(
        OrgUnit,
        verbose_name=_("place of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    occupation_type = models.CharField(
        _("occupation type"),
        max_length=10,
        choices=OccupationType.choices,
        blank=True,
        help_text=_("Sets a woman's default retirement track."),
    )
    retirement_track = models.CharField(
        _("retirement track"), max_length=10, choices=RetirementTrack.choices
    )
    # The rule of statutory_retirement_date() in SQL, so that counts and the
    # insurance import compare dates set-based.
    retirement_date = models.GeneratedField(
        verbose_name=_("statutory retirement date"),
        expression=Func(
            F("id_number"), F("retirement_track"), function="portal_retirement_date"
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    difficulty_categories = models.ManyToManyField(
        DifficultyCategory,
        verbose_name=_("employment-difficulty categories"),
        blank=True,
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["-created_at"]
        permissions = [("view_full_identity", _("Can view full ID numbers and phones"))]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["phone"]),
            # The working-age test of the figures reads only these two dates of
            # each person: an index-only lookup instead of the whole row
            # (docs/statistics.md, "A quarter's and a year's figures").
            models.Index(
                fields=["id"],
                include=["birth_date", "retirement_date"],
                name="person_working_age",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^\d{17}[\dX]$"),
                name="person_id_number_format",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def get_sex_display(self) -> str:
        # Generated fields get no get_FOO_display() from Django.
        return self.Sex(self.sex).label if self.sex else ""

    def age(self, day: datetime.date | None = None) -> int:
        return age_on(self.birth_date, day or timezone.localdate())

    def statutory_retirement_date(self) -> datetime.date:
        """The day the person reaches the statutory retirement age under the 2025
        gradual reform (docs/registration.md, "Retirement age"); also for a
        record not saved yet. The column retirement_date holds the same."""
        birth = birth_date_from_id(self.id_number)
        base_age, step, cap = self.RETIREMENT_RULES[self.retirement_track]
        year, month = birth.year + base_age, birth.month
        months_since_2025 = (year - 2025) * 12 + month
        delay = (
            0
            if months_since_2025 < 1
            else min(cap, math.ceil(months_since_2025 / step))
        )
        months = year * 12 + month - 1 + delay
        first = datetime.date(months // 12, months % 12 + 1, 1)
        following = datetime.date((months + 1) // 12, (months + 1) % 12 + 1, 1)
        # A day the month lacks (the 31st, 29 February) is reached on the 1st of
        # the month after, as a birthday is (add_years).
        return min(first + datetime.timedelta(days=birth.day - 1), following)

    def working_age_problem(self, day: datetime.date) -> str | None:
        """Why the person cannot register on `day` ("Working age"): before the
        16th birthday or from the statutory retirement date on; None when they can."""
        sixteenth = add_years(birth_date_from_id(self.id_number), MINIMUM_WORKING_AGE)
        if day < sixteenth:
            return _("Registration is open from the 16th birthday (%(date)s).") % {
                "date": date_format(sixteenth)
            }
        retirement = self.statutory_retirement_date()
        if day >= retirement:
            return _(
                "Registration is open until the day before the statutory retirement "
                "date (%(date)s)."
            ) % {"date": date_format(retirement)}
        return None


class EmployerQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verification_status=Employer.Verification.VERIFIED)

    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_employer_staff:
            return self.filter(pk=user.employer_id)
        return self.none()


def licence_upload_to(employer: "Employer", filename: str) -> str:
    # A random name: the original file name may carry personal data or path tricks.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"licences/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Employer(TimeStamped):
    class Verification(models.TextChoices):
        PENDING = "pending", _("Pending review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class Industry(models.TextChoices):
        """GB/T 4754-2017 sections."""

        A = "A", _("Agriculture, forestry, animal husbandry and fishery")
        B = "B", _("Mining")
        C = "C", _("Manufacturing")
        D = "D", _("Electricity, heat, gas and water supply")
        E = "E", _("Construction")
        F = "F", _("Wholesale and retail")
        G = "G", _("Transport, storage and postal services")
        H = "H", _("Accommodation and catering")
        I = "I", _("Information transmission, software and IT services")  # noqa: E741
        J = "J", _("Finance")
        K = "K", _("Real estate")
        L = "L", _("Leasing and business services")
        M = "M", _("Scientific research and technical services")
        N = "N", _("Water, environment and public facilities management")
        O = "O", _("Residential, repair and other services")  # noqa: E741
        P = "P", _("Education")
        Q = "Q", _("Health and social work")
        R = "R", _("Culture, sports and entertainment")
        S = "S", _("Public administration and social organisations")
        T = "T", _("International organisations")

    class Ownership(models.TextChoices):
        STATE = "state", _("State-owned")
        COLLECTIVE = "collective", _("Collective")
        PRIVATE = "private", _("Private")
        FOREIGN = "foreign", _("Foreign, Hong Kong, Macao or Taiwan invested")
        INDIVIDUAL = "individual", _("Individual business")
        INSTITUTION = "institution", _("Public institution")
        GOVERNMENT = "government", _("Government agency")
        SOCIAL = "social", _("Social organisation")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro (under 10 staff)")
        SMALL = "small", _("Small (10–99 staff)")
        MEDIUM = "medium", _("Medium (100–999 staff)")
        LARGE = "large", _("Large (1000 staff or more)")

    name = models.CharField(_("employer name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    industry = models.CharField(
        _("industry"), max_length=1, choices=Industry.choices, blank=True
    )
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=Ownership.choices, blank=True
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("located in"),
        on_delete=models.PROTECT,
        related_name="employers",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    description = models.TextField(_("about the employer"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    licence = models.FileField(
        _("business licence"), upload_to=licence_upload_to, blank=True
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    verified_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        permissions = [("verify_employer", _("Can verify or reject employers"))]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["verification_status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"
                ),
                name="employer_uscc_format",
            ),
            models.CheckConstraint(
                condition=~Q(verification_status="rejected") | ~Q(rejection_reason=""),
                name="employer_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("employer_detail", args=[self.pk])

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED


class Recusal(models.Model):
    """回避申报: a staff member declares a relative; they never decide that
    person's applications (checked by each approval chain). Kept by ID number, not
    as a link to the registry: declaring tells nothing about who is on file, and
    also covers a relative who registers later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    id_number = models.CharField(_("relative's ID number"), max_length=18)
    relation = models.CharField(_("relation"), max_length=30)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared relative")
        verbose_name_plural = _("declared relatives")
        ordering = ["user", "declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "id_number"], name="recusal_once_per_user_and_relative"
            ),
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^\d{17}[\dX]$"),
                name="recusal_id_number_format",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.masked_id_number}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEntry(models.Model):
    """Append-only: a database trigger (migration 0002) refuses UPDATE and DELETE."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    ACTION_LABELS = {
        "portal.seeker.registered": _("Seeker signed up"),
        "portal.employer.registered": _("Employer registered"),
        "portal.employer.created": _("Employer record created"),
        "portal.employer.changed": _("Employer record changed"),
        "portal.employer.verified": _("Employer verified"),
        "portal.employer.rejected": _("Employer rejected"),
        "portal.person.created": _("Person record created"),
        "portal.person.changed": _("Person record changed"),
        "portal.person.identity_viewed": _("Full ID number viewed"),
        "portal.relative.declared": _("Relative declared"),
        "portal.org_unit.created": _("Org unit added"),
        "portal.org_unit.changed": _("Org unit changed"),
        "portal.difficulty_category.created": _("Difficulty category added"),
        "portal.difficulty_category.changed": _("Difficulty category changed"),
        "portal.user.created": _("User account created"),
        "portal.user.changed": _("User account changed"),
        "portal.user.sms_opt_in": _("SMS notices switched on or off"),
        "portal.activation_code.issued": _("Activation code issued at the counter"),
        "portal.login.unlocked": _("Paused login unlocked"),
        "portal.partition.created": _("Month's partition of a history table created"),
        "portal.partition.dropped": _(
            "Month's partition of a history table dropped after its retention"
        ),
    }

    objects = AuditEntryQuerySet.as_manager()
    # Network and personal-information handling logs: three years
    # (docs/partitioning.md, "Retention, and why").
    partitioning = Monthly("created_at", keep_months=36)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.action} · {self.object_repr}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class Notification(models.Model):
    """A message in a user's in-site inbox, also e-mailed by portal.tasks."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    # An inbox copy of news recorded elsewhere: one year (docs/partitioning.md).
    partitioning = Monthly("created_at", keep_months=12)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class AccountClaim(models.Model):
    """A request to open a seeker account, proven by a one-time code.

    The code goes by SMS to the phone already on the person's record (or, for someone
    new to the registry, to the phone they gave), or a caseworker hands it over at the
    counter after seeing the ID card. Only a hash of the code is kept. A request with
    details that do not match the registry is kept too, so that it looks the same to
    the requester, but no code can ever complete it.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS to the phone on record")
        COUNTER = "counter", _("Activation code from a service counter")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    name = models.CharField(_("real name"), max_length=50, blank=True)
    phone = models.CharField(_("phone the code went to"), max_length=16, blank=True)
    residence = models.ForeignKey(
        OrgUnit,
        verbose_name=_("residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person record"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="account_claims",
    )
    can_succeed = models.BooleanField(_("details matched"), default=False)
    password_hash = models.CharField(max_length=128, blank=True)
    language = models.CharField(max_length=10, blank=True)
    secret_hash = models.CharField(max_length=64)
    requested_from = models.GenericIPAddressField(
        _("requested from"), null=True, blank=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    failed_attempts = models.PositiveSmallIntegerField(
        _("wrong codes entered"), default=0
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account claim")
        verbose_name_plural = _("account claims")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self):
        return f"{mask_id_number(self.id_number)} · {self.get_channel_display()}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and timezone.now() < self.expires_at


class SmsMessage(models.Model):
    """One text message to a mobile phone, with its delivery status."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Accepted by the provider")
        FAILED = "failed", _("Failed")

    phone = models.CharField(_("mobile phone"), max_length=16)
    template = models.CharField(_("template"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED
    )
    provider_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["not_before"],
                condition=Q(status="queued"),
                name="sms_queued",
            )
        ]

    def __str__(self):
        return f"{mask_phone(self.phone)} · {self.template}"
