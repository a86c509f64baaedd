import datetime

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import city_rules
from portal.models import OrgUnit, TimeStamped
from registration.models.employment import OPEN_END, DayNumber


class SubsidyTypeQuerySet(models.QuerySet):
    def offered_in(self, unit: OrgUnit | None):
        """The types of every city and those of the city `unit` is in."""
        return self.filter(city_rules.rows_for(unit))


class SubsidyType(TimeStamped):
    """One subsidy of the catalogue (docs/subsidies.md, "Catalogue"); what it
    pays and to whom is in its policy versions, so a change of policy never
    rewrites old applications. A type without a city is offered in every city;
    a city's own type only to its residents and employers
    (docs/rules-per-city.md)."""

    class Applicant(models.TextChoices):
        PERSON = "person", _("Individuals")
        EMPLOYER = "employer", _("Employers")

    class Fund(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment subsidy fund (就业补助资金)")
        UNEMPLOYMENT_INSURANCE = "ui", _("Unemployment insurance fund")

    city = models.ForeignKey(
        OrgUnit,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": OrgUnit.Level.CITY},
        help_text=_("Empty for a subsidy of every city; else offered only there."),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    applicant = models.CharField(_("who applies"), max_length=10, choices=Applicant)
    fund = models.CharField(_("paid from"), max_length=12, choices=Fund)
    summary = models.CharField(_("in one sentence"), max_length=200)
    excludes = models.ManyToManyField(
        "self",
        verbose_name=_("cannot be combined with"),
        blank=True,
        symmetrical=True,
    )
    same_item = models.ManyToManyField(
        "self",
        verbose_name=_("pays for the same item as"),
        blank=True,
        symmetrical=True,
        help_text=_(
            "Types that pay for the same thing from another fund: a person gets "
            "only one of them for the same period or certificate "
            '(docs/subsidies.md, "Double claims").'
        ),
    )
    item = models.SlugField(
        _("benefit item"),
        max_length=40,
        default="",
        help_text=_(
            "What the type pays for: a month of an item is paid once per person, "
            "whichever type, fund or application claims it, e.g. every "
            'social-insurance subsidy (docs/subsidies.md, "Double claims").'
        ),
    )
    cap_group = models.SlugField(
        _("shared cap group"),
        max_length=40,
        blank=True,
        help_text=_(
            "Types in one group share a cap on the months paid, e.g. every "
            'social-insurance subsidy (docs/subsidies.md, "Double claims").'
        ),
    )
    cap_months = models.PositiveSmallIntegerField(
        _("shared cap (months)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SubsidyTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("subsidy type")
        verbose_name_plural = _("subsidy types")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("subsidies:subsidy_detail", args=[self.code])

    def version_on(self, day: datetime.date | None = None) -> "PolicyVersion | None":
        return self.versions.in_force(day).first()

    def is_offered_in(self, unit: OrgUnit | None) -> bool:
        return self.city_id is None or (unit is not None and self.city.contains(unit))

    def area(self, field: str) -> Q:
        """Rows whose unit `field` is in the city the type is offered in."""
        if self.city_id is None:
            return Q()
        return Q(**{f"{field}__code__startswith": self.city.descendant_prefix})


# National occupational skill levels from the lowest (docs/subsidies.md,
# "Skill levels"): once a higher level is paid in an occupation, a lower one is not.
SKILL_LEVELS = ["五级", "四级", "三级", "二级", "一级"]


class PolicyVersionQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )


def version_box():
    """(type, first day)–(type, last day) as a box: versions of one type may not
    overlap (the embedded PostgreSQL has no btree_gist; see EmploymentRegistration).
    The type is named by its field, not its column: Django's check of the
    constraint in a form puts the row's values in by field name, and skips it
    where the type is not the form's to check (the admin's inline of versions,
    whose formset checks them together); named by its column, the type was left
    as a column and every version was compared with those of every type."""
    return Func(
        Func(F("subsidy_type"), DayNumber(F("effective_from")), function="point"),
        Func(
            F("subsidy_type"),
            DayNumber(Coalesce(F("effective_to"), Value(OPEN_END))),
            function="point",
        ),
        function="box",
    )


class Eligibility(models.TextChoices):
    """Conditions the registries can check; each version lists the ones it needs."""

    DIFFICULTY = "difficulty", _("Recognised as having employment difficulty")
    REGISTERED_UNEMPLOYED = "registered_unemployed", _("Registered as unemployed")
    GRADUATE_THIS_YEAR = "graduate_this_year", _("Graduating this year")
    GRADUATE_2_YEARS = "graduate_2_years", _("Left school within two years")
    AGED_16_24 = "aged_16_24", _("Aged 16 to 24")
    FLEXIBLY_EMPLOYED = "flexibly_employed", _("Registered as flexibly employed")
    YOUNG_JOBSEEKER = (
        "young_jobseeker",
        _("Left school within two years, or unemployed and aged 16 to 24"),
    )
    EMPLOYED_BY_APPLICANT = (
        "employed_by_applicant",
        _("Employed by the applying employer"),
    )
    HOSTED_BY_APPLICANT = (
        "hosted_by_applicant",
        _("Taken on through one of the applying employer's internship postings"),
    )
    VERIFIED_EMPLOYER = "verified_employer", _("A verified employer")


class PolicyVersion(TimeStamped):
    """What a subsidy pays, to whom and how it is approved, from a date on. An
    application is pinned to the version it was submitted under."""

    class AmountRule(models.TextChoices):
        FIXED = "fixed", _("A fixed amount")
        PER_LEVEL = "per_level", _("By certificate level")
        CONTRIBUTION_SHARE = (
            "contribution_share",
            _("A share of the contributions paid"),
        )
        MINIMUM_WAGE_SHARE = "minimum_wage_share", _("A share of the minimum wage")
        INSURANCE_REFUND = (
            "insurance_refund",
            _("A share of last year's unemployment-insurance contributions"),
        )

    subsidy_type = models.ForeignKey(
        SubsidyType,
        verbose_name=_("subsidy type"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    label = models.CharField(
        _("policy document"), max_length=120, help_text=_("E.g. 财社〔2023〕181号.")
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    eligibility = ArrayField(
        models.CharField(max_length=24, choices=Eligibility.choices),
        verbose_name=_("conditions"),
        default=list,
        blank=True,
    )
    who_qualifies = models.TextField(_("who qualifies, in plain words"))
    amount_rule = models.CharField(_("amount"), max_length=20, choices=AmountRule)
    amount = models.DecimalField(
        _("amount (yuan) or share (%)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    level_amounts = models.JSONField(
        _("amounts by level"),
        default=dict,
        blank=True,
        help_text=_(
            'E.g. {"五级": 1200, "四级": 1600}; for refunds the share (%) by '
            'employer size, {"大型企业": 30, "中小微企业": 60}.'
        ),
    )
    monthly_cap = models.DecimalField(
        _("monthly cap (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    max_months = models.PositiveSmallIntegerField(
        _("longest period (months)"), null=True, blank=True
    )
    max_times = models.PositiveSmallIntegerField(
        _("at most this many times per person"), null=True, blank=True
    )
    max_per_year = models.PositiveSmallIntegerField(
        _("at most this many times per person in a year"), null=True, blank=True
    )
    documents = models.TextField(_("what to bring, one per line"), blank=True)
    steps = ArrayField(
        models.CharField(max_length=12),
        verbose_name=_("approval steps (org levels)"),
        default=list,
        help_text=_("E.g. street, district, city: who reviews, in order."),
    )
    review_days = models.PositiveSmallIntegerField(
        _("each review within (working days)"), default=8
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), default=5
    )
    amounts_are_examples = models.BooleanField(
        _("amounts are examples"),
        default=True,
        help_text=_(
            "Shown on the policy page until the city confirms its own amounts."
        ),
    )
    source = models.URLField(_("source"), max_length=300, blank=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["subsidy_type", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="policy_version_period_order",
            ),
            ExclusionConstraint(
                name="policy_versions_do_not_overlap",
                expressions=[(version_box(), "&&")],
                index_type="gist",
                # Checked at each statement, except when a type's versions are
                # saved together (save_versions): moving the day one version ends
                # and the next starts overlaps them for a moment.
                deferrable=models.Deferrable.IMMEDIATE,
            ),
        ]

    def __str__(self):
        return f"{self.subsidy_type} · {self.label}"

    def amount_in_words(self) -> str:
        amount = f"{self.amount.normalize():f}" if self.amount is not None else ""
        if self.amount_rule == self.AmountRule.FIXED:
            return _("%(amount)s yuan, paid once") % {"amount": amount}
        if self.amount_rule == self.AmountRule.PER_LEVEL:
            levels = "、".join(f"{level} {value}" for level, value in self.levels())
            return _("By certificate level (yuan): %(levels)s") % {"levels": levels}
        if self.amount_rule == self.AmountRule.CONTRIBUTION_SHARE:
            return _("%(share)s%% of the social-insurance contributions paid") % {
                "share": amount
            }
        if self.amount_rule == self.AmountRule.INSURANCE_REFUND:
            shares = "、".join(f"{size} {value}%" for size, value in self.levels())
            return _(
                "Of last year's unemployment-insurance contributions: %(shares)s"
            ) % {"shares": shares}
        return _("%(share)s%% of the local minimum wage, per month") % {"share": amount}

    def levels(self) -> list[tuple[str, int]]:
        """Levels from the smallest amount up (jsonb does not keep key order)."""
        return sorted(self.level_amounts.items(), key=lambda item: item[1])

    @property
    def is_monthly(self) -> bool:
        """Paid by the month: an application names its months."""
        return self.amount_rule in (
            self.AmountRule.CONTRIBUTION_SHARE,
            self.AmountRule.MINIMUM_WAGE_SHARE,
        )

    @property
    def is_one_off(self) -> bool:
        """Paid once, for no months (a refund instead covers its insurance year)."""
        return self.amount_rule in (self.AmountRule.FIXED, self.AmountRule.PER_LEVEL)

    def period_in_words(self) -> str:
        parts = []
        if self.max_months:
            parts.append(
                _("for at most %(months)d months") % {"months": self.max_months}
            )
        if self.max_times == 1:
            parts.append(_("once per person"))
        elif self.max_times:
            parts.append(
                _("at most %(times)d times per person") % {"times": self.max_times}
            )
        if self.max_per_year:
            parts.append(
                _("at most %(times)d times a year") % {"times": self.max_per_year}
            )
        return "；".join(str(part) for part in parts)

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    def step_labels(self) -> list[str]:
        levels = dict(OrgUnit.Level.choices)
        return [str(levels.get(step, step)) for step in self.steps]

    def condition_labels(self) -> list[str]:
        return [Eligibility(code).label for code in self.eligibility]
