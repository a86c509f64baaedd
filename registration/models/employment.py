import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Employer, OrgUnit, Person, TimeStamped, scope_filter

OPEN_END = datetime.date(9999, 12, 31)


class DayNumber(Func):
    """Days since 2000-01-01: dates as numbers a core-PostgreSQL box can hold."""

    template = "(%(expressions)s - DATE '2000-01-01')"
    output_field = models.IntegerField()


def period_box():
    """The registration as a degenerate box (person, first day)–(person, last day).

    The embedded PostgreSQL has no btree_gist, so "same person and overlapping dates"
    cannot be an exclusion on (person =, daterange &&). Boxes on one vertical line
    overlap exactly when the person is the same and the inclusive periods share a day.
    """
    return Func(
        Func(F("person_id"), DayNumber(F("start_date")), function="point"),
        Func(
            F("person_id"),
            DayNumber(Coalesce(F("end_date"), Value(OPEN_END))),
            function="point",
        ),
        function="box",
    )


class EmploymentRegistrationQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "org_unit")
        if scope is not None:
            return self.filter(scope | Q(**_person_scope(user)))
        if user.is_authenticated and user.is_seeker:
            return self.filter(person__user=user)
        if user.is_authenticated and user.is_employer_staff:
            return self.filter(employer_id=user.employer_id)
        return self.none()

    def current(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


def _person_scope(user) -> dict:
    # Caseworkers also see the jobs of people living in their area.
    if user.is_administrator:
        return {}
    return {"person__residence__code__startswith": user.org_unit.descendant_prefix}


class EmploymentRegistration(TimeStamped):
    """就业登记: one period of employment of one person, filed by the employer, the
    person (self-employed, flexible) or a caseworker, or taken from social-insurance
    enrolment records (参保视同就业). Its end is the termination (终止/解除)."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employed by an employer")
        SELF_EMPLOYED = "self_employed", _("Self-employed (own business)")
        FLEXIBLE = "flexible", _("Flexible employment")

    class Source(models.TextChoices):
        EMPLOYER = "employer", _("Filed by the employer")
        SELF = "self", _("Registered by the person")
        COUNTER = "counter", _("Registered at a service counter")
        INSURANCE = "insurance", _("Social-insurance enrolment")

    class ContractTerm(models.TextChoices):
        FIXED = "fixed", _("Fixed-term contract")
        OPEN_ENDED = "open_ended", _("Open-ended contract")
        TASK = "task", _("Contract for a task")
        PART_TIME = "part_time", _("Part-time")
        NONE = "none", _("No labour contract")

    class EndReason(models.TextChoices):
        EXPIRED = "expired", _("Contract expired")
        RESIGNED = "resigned", _("Resigned")
        MUTUAL = "mutual", _("Ended by agreement")
        DISMISSED = "dismissed", _("Dismissed by the employer")
        BUSINESS_CLOSED = "business_closed", _("Business closed")
        RETIRED = "retired", _("Retired")
        INSURANCE_ENDED = "insurance_ended", _("Social insurance ended")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="employment_registrations",
    )
    kind = models.CharField(_("type of employment"), max_length=15, choices=Kind)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employment_registrations",
        db_index=False,  # the (employer, end_date) index serves employer lookups
    )
    business_name = models.CharField(
        _("business or kind of work"),
        max_length=200,
        blank=True,
        help_text=_("For self-employed and flexibly employed people."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("counted in"),
        on_delete=models.PROTECT,
        related_name="employment_registrations",
        help_text=_("The employer's area, or the person's for self-employment."),
    )
    job_title = models.CharField(_("job"), max_length=100, blank=True)
    contract_term = models.CharField(
        _("labour contract"), max_length=12, choices=ContractTerm, blank=True
    )
    start_date = models.DateField(_("employed from"))
    end_date = models.DateField(_("employed until"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=16, choices=EndReason, blank=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never searched by; an index would slow bulk imports
    )
    is_late = models.BooleanField(_("filed late"), default=False)
    ended_at = models.DateTimeField(_("end filed at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("end filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never searched by; an index would slow bulk imports
    )
    is_end_late = models.BooleanField(_("end filed late"), default=False)

    objects = EmploymentRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment registration")
        verbose_name_plural = _("employment registrations")
        ordering = ["-start_date", "-created_at"]
        indexes = [
            models.Index(fields=["start_date"]),
            models.Index(fields=["end_date"]),
            models.Index(fields=["employer", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="employment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="employee", employer__isnull=False)
                | ~Q(kind="employee"),
                name="employment_employee_has_employer",
            ),
            ExclusionConstraint(
                name="employment_no_overlap_per_person",
                expressions=[(period_box(), "&&")],
                index_type="gist",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.where} · {self.start_date}"

    @property
    def where(self) -> str:
        return self.employer.name if self.employer_id else self.business_name

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()

    def can_be_ended_by(self, user) -> bool:
        """Employers end their own hires; people end their own self-employment."""
        if self.end_date is not None:
            return False
        if self.kind == self.Kind.EMPLOYEE:
            return user.is_employer_staff and user.employer_id == self.employer_id
        return user.is_seeker and self.person.user_id == user.pk
