from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.models.applications import MatchNotice


class MatchPush(models.Model):
    """One daily push of new matches, cut into chunks that workers run in
    parallel (jobs.services.matches)."""

    since = models.DateTimeField(_("matches published since"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match push")
        verbose_name_plural = _("match pushes")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class MatchPushChunk(models.Model):
    """The resumes (seeker side, by MatchPushSeeker.position) or new postings
    (employer side, by id) from first_id to last_id. done_up_to is the last whose
    messages have committed: a chunk whose worker died is taken up after it, so
    none is sent twice."""

    push = models.ForeignKey(MatchPush, on_delete=models.CASCADE, related_name="chunks")
    side = models.CharField(max_length=10, choices=MatchNotice.Side.choices)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    done_up_to = models.BigIntegerField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("match push chunk")
        verbose_name_plural = _("match push chunks")
        ordering = ["push", "side", "first_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_id__lte=models.F("last_id")),
                name="match_chunk_range_ordered",
            )
        ]

    def __str__(self):
        return f"{self.push} · {self.side} {self.first_id}–{self.last_id}"


class MatchPushSeeker(models.Model):
    """An active seeker's resume in a push, numbered in the order of its profile
    (what matching reads of a resume): the seekers of one profile are consecutive,
    so the push ranks a profile once for all of them. Deleted when the push ends."""

    push = models.ForeignKey(MatchPush, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    profile = models.PositiveIntegerField()
    resume = models.ForeignKey(
        "jobs.Resume", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("seeker in a match push")
        verbose_name_plural = _("seekers in a match push")
        constraints = [
            models.UniqueConstraint(
                fields=["push", "position"], name="match_push_seeker_position"
            )
        ]

    def __str__(self):
        return f"{self.push} · {self.position}"
