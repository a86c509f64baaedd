from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from jobs.models.postings import EDUCATION_ORDER, JobPosting
from portal.models import Employer, OrgUnit


class JobListingQuerySet(models.QuerySet):
    def public(self):
        """The listings of JobPosting.objects.published(): a listing exists while
        its posting is published; its date and its employer's verification are
        checked here, as they change without the posting's services."""
        return self.filter(
            valid_until__gte=timezone.localdate(),
            employer__verification_status=Employer.Verification.VERIFIED,
        )

    def in_district(self, district: OrgUnit):
        return self.filter(org_unit_code__startswith=district.descendant_prefix)

    def for_education(self, level: str):
        allowed = EDUCATION_ORDER[: EDUCATION_ORDER.index(level) + 1]
        return self.filter(Q(education="") | Q(education__in=allowed))


class JobListing(models.Model):
    """A published posting as the job list filters and sorts it: one narrow row
    (about 100 bytes against 1.8 kB) per posting whose status is published, with
    only the columns the list filters and sorts on, so that searches without a
    keyword, salary sorts and deep pages never read the wide posting rows
    (docs/technical-choices.md, "Search at real traffic"). Written only by
    jobs/services/listings.py, which every status change of a posting calls."""

    posting = models.OneToOneField(
        JobPosting, primary_key=True, on_delete=models.CASCADE, related_name="listing"
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    published_at = models.DateTimeField()
    valid_until = models.DateField()
    org_unit_code = models.CharField(max_length=12)
    occupation_group = models.CharField(max_length=1)
    industry = models.CharField(max_length=1, blank=True)
    job_type = models.CharField(max_length=12)
    education = models.CharField(max_length=20, blank=True)
    salary_max = models.PositiveIntegerField(null=True)

    objects = JobListingQuerySet.as_manager()

    class Meta:
        indexes = [
            # The list's two orders, walked so that a page stops early.
            models.Index(fields=["-published_at", "-posting"], name="listing_recent"),
            models.Index(
                F("salary_max").desc(nulls_last=True),
                F("posting").desc(),
                name="listing_salary",
            ),
            models.Index(
                fields=["org_unit_code"],
                opclasses=["varchar_pattern_ops"],  # LIKE 'prefix%' of a district
                name="listing_district",
            ),
            # Rare filters, combined with the others in a bitmap.
            models.Index(fields=["job_type"], name="listing_type"),
            models.Index(fields=["occupation_group"], name="listing_group"),
        ]

    def __str__(self):
        return str(self.posting_id)
