import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.models.postings import JobPosting
from jobs.models.resumes import Resume
from portal.models import Employer, Person, TimeStamped


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Application.Status.WITHDRAWN)

    def for_employer(self, employer_id: int):
        return self.filter(posting__employer_id=employer_id).active()


class Application(TimeStamped):
    """A seeker's application (投递) to one posting, with the employer's pipeline."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        VIEWED = "viewed", _("Viewed")
        INTERVIEW = "interview", _("Interview invited")
        HIRED = "hired", _("Hired")
        NOT_SUITABLE = "not_suitable", _("Not suitable")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # What the employer may move an application to, from each status.
    EMPLOYER_MOVES = {
        "received": ["viewed", "interview", "not_suitable"],
        "viewed": ["interview", "not_suitable"],
        "interview": ["hired", "not_suitable"],
        "hired": [],
        "not_suitable": [],
        "withdrawn": [],
    }

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    posting = models.ForeignKey(
        JobPosting,
        verbose_name=_("job posting"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    resume = models.ForeignKey(
        Resume,
        verbose_name=_("resume"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    message = models.CharField(_("note to the employer"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            # One live application per person and posting; withdrawn ones stay on file.
            models.UniqueConstraint(
                fields=["posting", "person"],
                condition=~Q(status="withdrawn"),
                name="application_one_live_per_posting",
            )
        ]

    def __str__(self):
        return f"{self.person.name} → {self.posting.title}"

    def can_be_withdrawn(self) -> bool:
        return self.status in ("received", "viewed", "interview")

    def next_statuses(self) -> list[str]:
        return self.EMPLOYER_MOVES[self.status]


class FavouritePosting(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="favourite_postings"
    )
    posting = models.ForeignKey(
        JobPosting, on_delete=models.CASCADE, related_name="favourited_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("favourite job")
        verbose_name_plural = _("favourite jobs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "posting"], name="favourite_posting_once"
            )
        ]

    def __str__(self):
        return f"{self.person.name} ♥ {self.posting.title}"


class FavouriteResume(models.Model):
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="favourite_resumes"
    )
    resume = models.ForeignKey(
        Resume, on_delete=models.CASCADE, related_name="favourited_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("favourite resume")
        verbose_name_plural = _("favourite resumes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "resume"], name="favourite_resume_once"
            )
        ]

    def __str__(self):
        return f"{self.employer.name} ♥ {self.resume}"


class MatchNotice(models.Model):
    """A match already pushed to one side, so the daily push never repeats it."""

    class Side(models.TextChoices):
        SEEKER = "seeker", _("Job seeker")
        EMPLOYER = "employer", _("Employer")

    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="+")
    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    score = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("match notice")
        verbose_name_plural = _("match notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resume", "posting", "side"], name="match_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.resume} · {self.posting} · {self.side}"
