from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import OrgUnit


class LocalRules(models.Model):
    """The registration rules a city sets for itself, edited in the admin.

    National rules (ages, the ten cancellation triggers) live in code and in
    registration/initial_data.py; numbers that differ between cities live here.
    The row without a city holds the rules of every city that has none of its own
    (the only row of a city portal); in a province, each city may have its own.
    """

    city = models.OneToOneField(
        OrgUnit,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"level": OrgUnit.Level.CITY},
        help_text=_("Empty for the rules of every city without rules of its own."),
    )

    hire_filing_days = models.PositiveSmallIntegerField(
        _("days to file a hire"),
        default=30,
        help_text=_("Employers file a hire within this many days (national rule: 30)."),
    )
    separation_filing_days = models.PositiveSmallIntegerField(
        _("days to file a separation"),
        default=15,
        help_text=_(
            "Employers file a separation within this many days (national rule: 15)."
        ),
    )
    self_filing_days = models.PositiveSmallIntegerField(
        _("days to register self-employment"),
        default=30,
        help_text=_("Self-employed and flexibly employed people register within this."),
    )
    no_contact_months = models.PositiveSmallIntegerField(
        _("months without contact before review"),
        default=6,
        help_text=_(
            "Registered unemployed people out of contact this long are flagged for a "
            "caseworker to confirm cancellation."
        ),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice days"),
        default=5,
        help_text=_(
            "How long an employment-difficulty recognition stays on public notice."
        ),
    )

    class Meta:
        verbose_name = _("local registration rules")
        verbose_name_plural = _("local registration rules")
        constraints = [
            models.UniqueConstraint(
                fields=["city"], nulls_distinct=False, name="local_rules_one_per_city"
            )
        ]

    def __str__(self):
        if self.city_id is not None:
            return str(_("Local registration rules of %(city)s")) % {
                "city": self.city.name
            }
        return str(_("Local registration rules"))

    @classmethod
    def current(cls, unit: OrgUnit | None = None) -> "LocalRules":
        """The rules of the city `unit` is in, else the rules without a city
        (`setup_catalogue` adds them); their defaults if both are missing."""
        rows = models.Q(city__isnull=True)
        if unit is not None:
            prefix = unit.code[: OrgUnit.PREFIX_LENGTH[OrgUnit.Level.CITY]]
            rows |= models.Q(
                city__level=OrgUnit.Level.CITY, city__code__startswith=prefix
            )
        own_first = models.F("city").asc(nulls_last=True)
        return cls.objects.filter(rows).order_by(own_first).first() or cls()


class CancellationReason(models.Model):
    """Why an unemployment registration was cancelled (注销): the ten national
    triggers (docs/registration.md, "Cancellation") plus local ones a
    caseworker can add."""

    # Codes the services use; caseworkers may rename these but not remove them.
    EMPLOYMENT_REGISTERED = "employment_registered"
    NO_CONTACT = "no_contact"
    WITHDRAWN = "withdrew"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    counts_as_reemployment = models.BooleanField(
        _("counts as re-employment"),
        default=False,
        help_text=_("Cancelled because the person found work (再就业)."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("cancellation reason")
        verbose_name_plural = _("cancellation reasons")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name
