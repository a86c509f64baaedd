import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import city_rules
from portal.models import OrgUnit, scope_filter
from portal.partitioning import Yearly
from stats.periods import Period

PERIOD_KINDS = [
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
]


class FactQuerySet(models.QuerySet):
    def for_period(self, period: Period):
        return self.filter(period_kind=period.kind, period_start=period.start)


class Fact(models.Model):
    """One figure: an indicator, optionally broken down by a dimension's category,
    for one org unit (and everything below it) and one period (DHIS2's data value).
    The dashboard and the reports read only facts; a scheduled task computes them
    from the registries, except in closed periods."""

    indicator = models.CharField(_("indicator"), max_length=40)
    dimension = models.CharField(_("breakdown"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PERIOD_KINDS)
    period_start = models.DateField(_("first day"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = FactQuerySet.as_manager()

    # Summary statistics, kept for good; by year, as a year's figures are few
    # (docs/partitioning.md, "Tables partitioned by year").
    partitioning = Yearly("period_start")

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "org_unit",
                    "period_kind",
                    "period_start",
                    "indicator",
                    "dimension",
                    "category",
                ],
                name="fact_once_per_unit_period_indicator_and_category",
            )
        ]

    def __str__(self):
        return f"{self.indicator} {self.category} {self.period_start} = {self.value}"


class ClosedPeriod(models.Model):
    """A period a leader approved: its figures never change again, and reports on
    it rebuild identically (DHIS2's period closing)."""

    period_kind = models.CharField(_("period"), max_length=8, choices=PERIOD_KINDS)
    period_start = models.DateField(_("first day"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    comparisons_frozen = models.BooleanField(
        _("comparisons frozen"),
        default=False,
        help_text=_(
            "The figures of the periods it is compared with were kept as they were "
            "when it was closed."
        ),
    )

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start"], name="period_closed_once"
            )
        ]

    def __str__(self):
        return Period(self.period_kind, self.period_start).label()

    @classmethod
    def is_closed(cls, period: Period) -> bool:
        return cls.objects.filter(
            period_kind=period.kind, period_start=period.start
        ).exists()


class FrozenFact(models.Model):
    """A figure of another period as it was when `closed` was closed: a closed
    period's report compares only with these, so recomputing a period that is
    still open (or filling one in later) cannot change it."""

    closed = models.ForeignKey(
        ClosedPeriod, on_delete=models.CASCADE, related_name="comparison_facts"
    )
    indicator = models.CharField(_("indicator"), max_length=40)
    dimension = models.CharField(_("breakdown"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PERIOD_KINDS)
    period_start = models.DateField(_("first day"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    partitioning = Yearly("period_start")  # as Fact

    class Meta:
        verbose_name = _("frozen comparison figure")
        verbose_name_plural = _("frozen comparison figures")
        indexes = [models.Index(fields=["closed", "org_unit", "period_start"])]

    def __str__(self):
        return f"{self.indicator} {self.category} {self.period_start} = {self.value}"


class EmployedPopulation(models.Model):
    """城镇从业人员: the employed population of a unit in a year, as the statistics
    bureau publishes it, entered by city staff with its source. The official
    registered unemployment rate divides by it (docs/statistics.md, "Registered
    unemployment rate"); without it the rate is not shown."""

    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    employed = models.PositiveIntegerField(
        _("urban employed persons"),
        help_text=_(
            "城镇从业人员 at the year's end, as the statistics bureau reports."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where the figure is published, e.g. the bulletin's title."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("employed population")
        verbose_name_plural = _("employed population")
        ordering = ["org_unit", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year"], name="one_employed_figure_per_unit_year"
            ),
            models.CheckConstraint(
                condition=models.Q(employed__gt=0), name="employed_population_positive"
            ),
        ]

    def __str__(self):
        return f"{self.org_unit} {self.year}: {self.employed}"


class WarningRule(models.Model):
    """预警: a figure of a district or the city that moves more than this in a
    month is flagged on the dashboard. City staff set the thresholds.

    The rules without a city apply everywhere; a city's own rule for a figure and
    direction replaces them in that city (switched off, it switches that warning
    off there). The province judges its own figures and its cities' by the rules
    without a city."""

    class Indicator(models.TextChoices):
        UNEMPLOYED = "unemployed_at_end", _("Registered unemployed")
        UNEMPLOYMENT_RATE = "unemployment_rate", _("Registered unemployment rate")
        SEEKERS = "seekers", _("Job seekers")
        DEMAND = "demand", _("Vacancies")
        NEW_EMPLOYMENT = "new_employment", _("New urban employment")

    class Direction(models.TextChoices):
        RISE = "rise", _("rises by more than")
        FALL = "fall", _("falls by more than")

    city = models.ForeignKey(
        OrgUnit,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": OrgUnit.Level.CITY},
        help_text=_(
            "Empty for a rule of every city; a city's own rule for a figure and "
            "direction replaces those of every city there."
        ),
    )
    indicator = models.CharField(_("figure"), max_length=40, choices=Indicator)
    direction = models.CharField(
        _("when it"), max_length=4, choices=Direction, default=Direction.RISE
    )
    threshold = models.DecimalField(
        _("threshold (% month on month)"), max_digits=6, decimal_places=2
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("early-warning rule")
        verbose_name_plural = _("early-warning rules")
        ordering = ["indicator"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gt=0), name="warning_threshold_positive"
            ),
            # One rule in use per city (or every city), figure and direction: a
            # double submit cannot warn twice about the same movement.
            models.UniqueConstraint(
                fields=["city", "indicator", "direction"],
                condition=models.Q(is_active=True),
                nulls_distinct=False,
                name="warning_rule_once_in_use",
                violation_error_message=_(
                    "A rule for this figure and direction is already in use here; "
                    "change that one or switch it off first."
                ),
            ),
        ]

    def __str__(self):
        indicator = self.get_indicator_display()
        direction = self.get_direction_display()
        rule = f"{indicator} {direction} {self.threshold}%"
        return f"{self.city} · {rule}" if self.city_id is not None else rule

    @classmethod
    def applying(
        cls, units: list[OrgUnit], *, own_rules: bool = True
    ) -> dict[int, list["WarningRule"]]:
        """The active rules for each unit's figures, by unit id; without
        `own_rules`, the rules of every city alone (the province watching its
        cities by its own measure, which a city's rules cannot switch off)."""
        rows = models.Q()
        for unit in units:
            rows |= city_rules.rows_for(unit)
        rules = list(cls.objects.filter(rows).select_related("city"))
        found = {}
        for unit in units:
            prefix = city_rules.city_prefix(unit)
            own = [
                rule
                for rule in rules
                if own_rules
                and prefix is not None
                and rule.city_id is not None
                and rule.city.code.startswith(prefix)
            ]
            replaced = {(rule.indicator, rule.direction) for rule in own}
            every = [
                rule
                for rule in rules
                if rule.city_id is None
                and (rule.indicator, rule.direction) not in replaced
            ]
            applying = sorted(every + own, key=lambda rule: rule.indicator)
            found[unit.pk] = [rule for rule in applying if rule.is_active]
        return found


def report_upload_to(report: "Report", filename: str) -> str:
    return f"private/reports/{report.code}/{filename}"


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Leaders and city staff see reports of their own area."""
        scope = scope_filter(user, "org_unit")
        return self.filter(scope) if scope is not None else self.none()


class Report(models.Model):
    """A monthly, quarterly or annual report for the province, a city or a
    district: built by a django-q2 task from the stored facts, kept as PDF and
    xlsx."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_kind = models.CharField(_("period"), max_length=8, choices=PERIOD_KINDS)
    period_start = models.DateField(_("first day"))
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    xlsx = models.FileField(_("spreadsheet"), upload_to=report_upload_to, blank=True)
    is_final = models.BooleanField(
        _("figures final"),
        default=False,
        help_text=_("Built from a closed period: the figures will not change."),
    )
    error = models.TextField(_("what went wrong"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the reports made on the first day of each month."),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics report")
        verbose_name_plural = _("statistics reports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.org_unit} · {self.period.label()}"

    def get_absolute_url(self):
        return reverse("stats:report_detail", args=[self.code])

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)
