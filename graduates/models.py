import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs.models import JobPosting
from portal import city_rules
from portal.models import Employer, OrgUnit, Person, TimeStamped, scope_filter

LOCAL_PREFIX = "4406"  # 佛山市: origins starting with it are local graduates


class GraduateQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_seeker:
            return self.filter(person__user=user)
        return self.none()


class Graduate(TimeStamped):
    """One person's graduation in one year: from an education department's list
    or from the graduate's own report to the city (毕业生报到登记, a voluntary
    service since the 报到证 was abolished in 2023, docs/registration.md,
    "Graduates")."""

    class Degree(models.TextChoices):
        COLLEGE = "college", _("Junior college (专科)")
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master")
        DOCTORATE = "doctorate", _("Doctorate")

    class Destination(models.TextChoices):
        """The national 毕业去向 categories (docs/registration.md,
        "Graduates"), grouped by prefix."""

        AGREEMENT = "agreement", _("Employment agreement")
        CONTRACT = "contract", _("Employment by labour contract")
        RESEARCH_ASSISTANT = "research_assistant", _("Research or management assistant")
        MILITARY = "military", _("Enlisted")
        GRASSROOTS = "grassroots", _("National or local grassroots programme")
        OTHER_EMPLOYMENT = "other_employment", _("Other forms of employment")
        ENTREPRENEUR = "entrepreneur", _("Started a business")
        FREELANCE = "freelance", _("Freelance")
        FURTHER_STUDY = "further_study", _("Further study in China")
        STUDY_ABROAD = "study_abroad", _("Study abroad")
        SEEKING = "seeking", _("Not employed, looking for work")
        NOT_SEEKING = "not_seeking", _("Not employed for now")

    GROUPS = {
        "agreement_contract": [
            "agreement",
            "contract",
            "research_assistant",
            "military",
            "grassroots",
        ],
        "flexible": ["other_employment", "entrepreneur", "freelance"],
        "study": ["further_study", "study_abroad"],
        "not_employed": ["seeking", "not_seeking"],
    }
    GROUP_LABELS = {
        "agreement_contract": _("Agreement and contract employment"),
        "flexible": _("Flexible employment"),
        "study": _("Further study"),
        "not_employed": _("Not employed"),
    }

    class Report(models.TextChoices):
        NONE = "none", _("Not reported")
        SUBMITTED = "submitted", _("Awaiting processing")
        RETURNED = "returned", _("Returned for more information")
        RECEIVED = "received", pgettext_lazy("graduate report", "Received")

    class Source(models.TextChoices):
        REPORT = "report", _("The graduate's own report")
        IMPORT = "import", _("Education department's list")

    class ArchiveTransfer(models.TextChoices):
        NONE = "none", _("No transfer needed")
        TALENT_CENTRE = "talent_centre", _("To the city talent centre")
        EMPLOYER = "employer", _("To my employer")
        HOME = "home", _("To my home region")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="graduations",
    )
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"))
    graduation_date = models.DateField(_("graduation date"), null=True, blank=True)
    school = models.CharField(_("school"), max_length=100)
    major = models.CharField(_("major"), max_length=100)
    degree = models.CharField(_("degree"), max_length=10, choices=Degree)
    origin_code = models.CharField(
        _("home region code"),
        max_length=6,
        help_text=_("The six-digit division code of the home region (生源地)."),
    )
    origin_name = models.CharField(_("home region"), max_length=100, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("served by"),
        on_delete=models.PROTECT,
        related_name="graduates",
    )
    destination = models.CharField(
        _("destination"), max_length=20, choices=Destination, blank=True
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="graduates",
    )
    employer_name = models.CharField(_("employer name"), max_length=200, blank=True)
    archive_transfer = models.CharField(
        _("personnel archive"),
        max_length=15,
        choices=ArchiveTransfer,
        default=ArchiveTransfer.NONE,
    )
    hukou_transfer = models.BooleanField(_("moves hukou to the city"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    report_status = models.CharField(
        _("report"), max_length=10, choices=Report, default=Report.NONE
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    return_reason = models.TextField(_("what is missing"), blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("processed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = GraduateQuerySet.as_manager()

    class Meta:
        verbose_name = _("graduate")
        verbose_name_plural = _("graduates")
        ordering = ["-graduation_year", "-created_at"]
        indexes = [models.Index(fields=["graduation_year", "destination"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "graduation_year"],
                name="graduate_one_per_person_and_year",
            ),
            models.CheckConstraint(
                condition=Q(origin_code__regex=r"^\d{6}$"),
                name="graduate_origin_code_format",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.graduation_year} · {self.school}"

    def get_absolute_url(self):
        return reverse("graduates:graduate_detail", args=[self.code])

    @property
    def is_local(self) -> bool:
        return self.origin_code.startswith(LOCAL_PREFIX)

    @property
    def destination_group(self) -> str:
        for group, destinations in self.GROUPS.items():
            if self.destination in destinations:
                return group
        return ""

    @property
    def origin_label(self) -> str:
        if self.origin_name:
            return self.origin_name
        unit = OrgUnit.objects.filter(code=f"{self.origin_code}000000").first()
        return unit.name if unit else self.origin_code

    @property
    def where_employed(self) -> str:
        return self.employer.name if self.employer_id else self.employer_name

    @property
    def can_be_changed_by_graduate(self) -> bool:
        return self.report_status in (
            self.Report.NONE,
            self.Report.SUBMITTED,
            self.Report.RETURNED,
        )

    def progress(self) -> list[tuple[str, bool]]:
        reached = {"none": 0, "submitted": 1, "returned": 1, "received": 2}[
            self.report_status
        ]
        steps = [_("Report submitted"), _("Received by the city")]
        return [(label, index < reached) for index, label in enumerate(steps)]


class ReceivingApplicationQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "graduate__org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_employer_staff:
            return self.filter(employer_id=user.employer_id)
        return self.none()


class ReceivingApplication(TimeStamped):
    """接收申请: an employer (or the talent centre) asks the city to receive a named
    graduate's personnel archive and/or hukou; a caseworker decides."""

    class Kind(models.TextChoices):
        ARCHIVE = "archive", _("Personnel archive")
        HUKOU = "hukou", pgettext_lazy("receiving", "Hukou")
        BOTH = "both", _("Archive and hukou")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    graduate = models.ForeignKey(
        Graduate,
        verbose_name=_("graduate"),
        on_delete=models.PROTECT,
        related_name="receiving_applications",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("receiving employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty when the city talent centre receives the graduate."),
        related_name="receiving_applications",
    )
    kind = models.CharField(_("what to receive"), max_length=10, choices=Kind)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("receiving", "decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(
        pgettext_lazy("receiving", "reason for refusal"), blank=True
    )

    objects = ReceivingApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("receiving application")
        verbose_name_plural = _("receiving applications")
        ordering = ["-created_at"]
        permissions = [
            ("decide_receivingapplication", _("Can decide receiving applications"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["graduate", "employer"],
                condition=Q(status="submitted"),
                nulls_distinct=False,
                name="receiving_one_pending_per_graduate_and_receiver",
            )
        ]

    def __str__(self):
        return f"{self.graduate.person.name} · {self.get_kind_display()}"

    @property
    def receiver(self) -> str:
        return self.employer.name if self.employer_id else str(_("City talent centre"))


class LeaverQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "graduate__org_unit")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_seeker:
            return self.filter(graduate__person__user=user)
        return self.none()


class Service(models.TextChoices):
    """The follow-up services for unemployed graduates
    (docs/registration.md, "Graduates")."""

    POLICY = "policy", _("Policy briefing")
    GUIDANCE = "guidance", _("Career guidance")
    REFERRAL = "referral", _("Job referrals")
    TRAINING = "training", _("Vocational training")
    INTERNSHIP = "internship", _("Internship placement")


class Leaver(TimeStamped):
    """离校未就业高校毕业生实名登记: a graduate who left school without a job and
    wants one; caseworkers follow up with services and log every contact."""

    class Status(models.TextChoices):
        SEEKING = "seeking", pgettext_lazy("leaver status", "Looking for work")
        EMPLOYED = "employed", _("Found work")
        NOT_SEEKING = "not_seeking", _("No wish to work for now")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    graduate = models.OneToOneField(
        Graduate,
        verbose_name=_("graduate"),
        on_delete=models.PROTECT,
        related_name="leaver",
    )
    job_wishes = models.CharField(_("work wanted"), max_length=300, blank=True)
    service_needs = ArrayField(
        models.CharField(max_length=12, choices=Service.choices),
        verbose_name=_("services wanted"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.SEEKING
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)

    objects = LeaverQuerySet.as_manager()

    class Meta:
        verbose_name = _("unemployed graduate")
        verbose_name_plural = _("unemployed graduates")
        ordering = ["-created_at"]
        permissions = [("follow_up_leaver", _("Can log follow-up services"))]

    def __str__(self):
        return f"{self.graduate.person.name} · {self.graduate.graduation_year}"

    def get_absolute_url(self):
        return self.graduate.get_absolute_url()

    def plan(self) -> list[dict]:
        """Each service wanted, with the day it was first given (or None)."""
        given = {}
        for contact in self.contacts.all():
            for service in contact.services:
                given.setdefault(service, contact.contacted_on)
                given[service] = min(given[service], contact.contacted_on)
        return [
            {"service": Service(s).label, "code": s, "done_on": given.get(s)}
            for s in self.service_needs
        ]


class Contact(models.Model):
    """One follow-up contact with an unemployed graduate, with the services given
    and the postings referred."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Visit or counter")
        ONLINE = "online", _("Online or SMS")

    leaver = models.ForeignKey(
        Leaver,
        verbose_name=_("unemployed graduate"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    contacted_on = models.DateField(_("contacted on"))
    channel = models.CharField(_("how"), max_length=10, choices=Channel)
    services = ArrayField(
        models.CharField(max_length=12, choices=Service.choices),
        verbose_name=_("services given"),
        default=list,
        blank=True,
    )
    referred_postings = models.ManyToManyField(
        JobPosting, verbose_name=_("postings referred"), blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")
        ordering = ["-contacted_on", "-created_at"]

    def __str__(self):
        return f"{self.leaver} · {self.contacted_on}"

    def service_labels(self) -> list[str]:
        return [Service(service).label for service in self.services]


class CohortTarget(models.Model):
    """The city's targets for one graduation year (e.g. ≥ 98 % contacted). The
    targets without a city hold for every city without its own for that year."""

    city = models.ForeignKey(
        OrgUnit,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": OrgUnit.Level.CITY},
        help_text=_("Empty for the targets of every city without targets of its own."),
    )
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"))
    contact_rate = models.DecimalField(
        _("contact rate target (%)"), max_digits=5, decimal_places=2, default=98
    )
    employment_rate = models.DecimalField(
        _("employment rate target (%)"), max_digits=5, decimal_places=2, default=90
    )

    class Meta:
        verbose_name = _("cohort target")
        verbose_name_plural = _("cohort targets")
        ordering = ["-graduation_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "graduation_year"],
                nulls_distinct=False,
                name="cohort_target_once_per_city_and_year",
            )
        ]

    def __str__(self):
        if self.city_id is not None:
            return f"{self.graduation_year} · {self.city}"
        return str(self.graduation_year)

    @classmethod
    def current(cls, year: int, unit: OrgUnit | None = None) -> "CohortTarget":
        """The targets of the city `unit` is in for `year`, else those without a
        city; their defaults if neither is set."""
        own_first = models.F("city").asc(nulls_last=True)
        rows = cls.objects.filter(city_rules.rows_for(unit), graduation_year=year)
        return rows.order_by(own_first).first() or cls(graduation_year=year)
