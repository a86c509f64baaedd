from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Employer, TimeStamped


class InsuranceYear(TimeStamped):
    """An employer's unemployment insurance over one year, as the social-insurance
    agency reports it: what job-stabilisation refunds are computed from
    (docs/subsidies.md, "Job-stabilisation refunds")."""

    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="insurance_years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    contributions = models.DecimalField(
        _("unemployment-insurance contributions paid (yuan)"),
        max_digits=14,
        decimal_places=2,
    )
    months_paid = models.PositiveSmallIntegerField(_("months paid in full"))
    insured_at_start = models.PositiveIntegerField(
        _("insured at the start of the year")
    )
    insured_at_end = models.PositiveIntegerField(_("insured at the end of the year"))
    is_seriously_dishonest = models.BooleanField(
        _("listed as seriously dishonest"), default=False
    )

    class Meta:
        verbose_name = _("unemployment-insurance year")
        verbose_name_plural = _("unemployment-insurance years")
        ordering = ["-year", "employer"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "year"], name="insurance_year_once_per_employer"
            ),
            models.CheckConstraint(
                condition=Q(months_paid__lte=12), name="insurance_year_months"
            ),
        ]

    def __str__(self):
        return f"{self.employer} · {self.year}"

    def layoff_rate(self) -> float:
        """(insured at the start − at the end) / at the start, in per cent
        (docs/subsidies.md, "Job-stabilisation refunds", formula A); 0 when
        the staff grew."""
        if not self.insured_at_start:
            return 0.0
        lost = max(self.insured_at_start - self.insured_at_end, 0)
        return round(lost * 100 / self.insured_at_start, 2)
