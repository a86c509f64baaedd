import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core import signing
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.models.postings import JobType, OccupationGroup
from portal.models import OrgUnit, Person, TimeStamped

SHARE_SALT = "jobs.resume.share"


class ResumeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, person__user__is_active=True)


class Resume(TimeStamped):
    """A seeker's one e-resume. Name, sex, age, hukou and education are read from the
    person record and never typed again."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="resume",
    )
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intended_occupation_groups = ArrayField(
        models.CharField(max_length=1, choices=OccupationGroup.choices),
        verbose_name=_("occupation groups wanted"),
        default=list,
        blank=True,
    )
    intended_occupations = models.CharField(
        _("jobs wanted"),
        max_length=100,
        blank=True,
        help_text=_("Job titles or occupations, separated by spaces, e.g. 会计 出纳."),
    )
    intended_districts = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("districts wanted"),
        blank=True,
        limit_choices_to={"level": OrgUnit.Level.DISTRICT},
        related_name="+",
    )
    job_types = ArrayField(
        models.CharField(max_length=12, choices=JobType.choices),
        verbose_name=_("job types wanted"),
        default=list,
        blank=True,
    )
    expected_salary_min = models.PositiveIntegerField(
        _("expected monthly salary from"), null=True, blank=True
    )
    expected_salary_max = models.PositiveIntegerField(
        _("expected monthly salary up to"), null=True, blank=True
    )
    experience_years = models.PositiveSmallIntegerField(
        _("years of work experience"), default=0
    )
    skills = models.TextField(_("skills"), blank=True)
    certificates = models.TextField(_("certificates"), blank=True)
    self_introduction = models.TextField(_("about me"), blank=True)
    is_public = models.BooleanField(
        _("employers may find my resume"),
        default=False,
        help_text=_(
            "Verified employers can read it without your phone number; they see your "
            "contact details only after you apply or accept an interview."
        ),
    )

    objects = ResumeQuerySet.as_manager()

    class Meta:
        verbose_name = _("resume")
        verbose_name_plural = _("resumes")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_salary_min__isnull=True)
                | Q(expected_salary_max__isnull=True)
                | Q(expected_salary_min__lte=F("expected_salary_max")),
                name="resume_salary_range_ordered",
            )
        ]

    def __str__(self):
        return str(self.person)

    def get_absolute_url(self):
        return reverse("jobs:resume_detail", args=[self.code])

    @property
    def display_name(self) -> str:
        """The name as strangers see it: family name and a polite mask (张**)."""
        name = self.person.name
        return name[:1] + "*" * (len(name) - 1)

    def share_url(self) -> str:
        """A signed link for the resume's QR code, valid RESUME_SHARE_DAYS days."""
        token = signing.TimestampSigner(salt=SHARE_SALT).sign(str(self.code))
        return reverse("jobs:resume_shared", args=[token])

    @classmethod
    def from_share_token(cls, token: str) -> "Resume | None":
        max_age = settings.RESUME_SHARE_DAYS * 86400
        try:
            code = signing.TimestampSigner(salt=SHARE_SALT).unsign(
                token, max_age=max_age
            )
        except signing.BadSignature:  # also raised when expired
            return None
        return cls.objects.filter(code=code).select_related("person").first()

    def contact_visible_to(self, employer_id: int | None) -> bool:
        """An employer sees phone and full name once the seeker has applied to it or
        accepted its interview invitation."""
        # The rule lives with the invitations, whose module imports this one.
        from jobs.models.interviews import people_known_to

        return people_known_to(employer_id).filter(pk=self.person_id).exists()

    def name_for(self, employer_id: int | None) -> str:
        """The seeker's name as this employer may see it."""
        if self.contact_visible_to(employer_id):
            return self.person.name
        return self.display_name

    def can_be_read_by(self, user) -> bool:
        if user.is_authenticated and user.is_seeker:
            return self.person.user_id == user.pk
        if (
            user.is_authenticated
            and user.is_employer_staff
            and user.employer.is_verified
        ):
            return self.is_public or self.contact_visible_to(user.employer_id)
        return False

    def completeness(self) -> int:
        """Percent of the resume a seeker has filled in, for a gentle nudge."""
        parts = [
            bool(self.intended_occupation_groups or self.intended_occupations),
            self.expected_salary_min is not None,
            bool(self.job_types),
            bool(self.skills),
            bool(self.self_introduction),
            self.person.education != "",
            self.pk is not None and self.experiences.exists(),
            self.pk is not None and self.educations.exists(),
        ]
        return round(100 * sum(parts) / len(parts))


class ResumeExperience(models.Model):
    resume = models.ForeignKey(
        Resume, on_delete=models.CASCADE, related_name="experiences"
    )
    employer_name = models.CharField(_("employer"), max_length=100)
    position = models.CharField(_("job title held"), max_length=60)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    description = models.TextField(_("what I did"), blank=True)

    class Meta:
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="experience_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.employer_name} · {self.position}"


class ResumeEducation(models.Model):
    resume = models.ForeignKey(
        Resume, on_delete=models.CASCADE, related_name="educations"
    )
    school = models.CharField(_("school"), max_length=100)
    major = models.CharField(_("major"), max_length=60, blank=True)
    level = models.CharField(
        _("education level"), max_length=20, choices=Person.Education.choices
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("education")
        verbose_name_plural = _("education")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="education_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.school} · {self.major}"
