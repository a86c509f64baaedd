"""What the figures read about the past: the spans of days each posting was
published and each resume was valid, with the attributes the standard tables break
them down by, as they were then. Rows are written when things happen; a day that
has passed is never rewritten, so a past period's figures do not move when a
posting or resume is edited, renewed or closed today."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jobs.models.postings import JobPosting, OccupationGroup
from jobs.models.resumes import Resume
from portal.models import Employer, OrgUnit, Person
from portal.partitioning import Monthly


class PostingInterval(models.Model):
    """Days a posting was open to seekers: from publication (or renewal, or its
    return from a pause or a review) to the day it stopped. While it runs,
    `ends_on` is the posting's closing date (`valid_until`) and `is_current` is
    set; pausing, closing, expiry or an edit sent back to review end it."""

    posting = models.ForeignKey(
        JobPosting,
        verbose_name=_("job posting"),
        on_delete=models.PROTECT,
        related_name="intervals",
    )
    starts_on = models.DateField(_("open from"))
    ends_on = models.DateField(_("open until"))
    is_current = models.BooleanField(_("running"), default=True)
    # As they were while the interval ran.
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("workplace street or town"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    headcount = models.PositiveSmallIntegerField(_("number of hires"))
    occupation_group = models.CharField(
        _("occupation group"), max_length=1, choices=OccupationGroup.choices
    )
    occupation_name = models.CharField(_("occupation"), max_length=50)
    industry = models.CharField(
        _("industry"), max_length=1, choices=Employer.Industry.choices, blank=True
    )
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=Employer.Ownership.choices, blank=True
    )
    education = models.CharField(
        _("education required"),
        max_length=20,
        choices=Person.Education.choices,
        blank=True,
    )
    salary_min = models.PositiveIntegerField(
        _("monthly salary from (CNY)"), null=True, blank=True
    )

    # By the month it ends, so a period's figures skip every interval that ended
    # before it; kept three years after (docs/partitioning.md).
    partitioning = Monthly("ends_on", keep_months=36)

    class Meta:
        verbose_name = _("posting interval")
        verbose_name_plural = _("posting intervals")
        ordering = ["posting", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="posting_interval_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["ends_on", "starts_on"], name="posting_interval_days"),
            # One running interval per posting: a trigger (migration 0019) keeps it
            # across the partitions.
            models.Index(
                fields=["posting"],
                condition=Q(is_current=True),
                name="posting_interval_current",
            ),
        ]

    def __str__(self):
        return f"{self.posting_id}: {self.starts_on} – {self.ends_on}"


class ResumeInterval(models.Model):
    """Days a resume counted as a seeker's: from its creation or an update to the
    end of the month after next (docs/statistics.md, "Supply and demand"). An
    update while it runs extends it when nothing counted changed, or ends it
    yesterday and starts a new one with the new attributes."""

    resume = models.ForeignKey(
        Resume,
        verbose_name=_("resume"),
        on_delete=models.PROTECT,
        related_name="intervals",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    is_current = models.BooleanField(_("running"), default=True)
    # As they were while the interval ran.
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occupation_group = models.CharField(
        _("occupation group wanted first"),
        max_length=1,
        choices=OccupationGroup.choices,
        blank=True,
    )
    occupations = models.CharField(_("jobs wanted"), max_length=100, blank=True)
    expected_salary_min = models.PositiveIntegerField(
        _("expected monthly salary from"), null=True, blank=True
    )

    partitioning = Monthly("ends_on", keep_months=36)  # as PostingInterval

    class Meta:
        verbose_name = _("resume interval")
        verbose_name_plural = _("resume intervals")
        ordering = ["resume", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="resume_interval_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["ends_on", "starts_on"], name="resume_interval_days"),
            # One running interval per resume: a trigger (migration 0019) keeps it
            # across the partitions.
            models.Index(
                fields=["resume"],
                condition=Q(is_current=True),
                name="resume_interval_current",
            ),
        ]

    def __str__(self):
        return f"{self.resume_id}: {self.starts_on} – {self.ends_on}"
