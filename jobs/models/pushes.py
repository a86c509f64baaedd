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
    """The resumes (seeker side) or new postings (employer side) with
    MatchPushEntry positions from first_id to last_id. done_up_to is the last
    whose messages have committed: a chunk whose worker died is taken up after
    it, so none is sent twice."""

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


class MatchPushEntry(models.Model):
    """A seeker's resume or a new posting in a push, numbered per side in the
    order of its profile (what matching reads of it): the entries of one profile
    are consecutive, so the push ranks a profile once for all of them. Deleted
    when the push ends."""

    push = models.ForeignKey(MatchPush, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=MatchNotice.Side.choices)
    position = models.PositiveIntegerField()
    profile = models.PositiveIntegerField()
    item_id = models.BigIntegerField()  # the resume's or the posting's

    class Meta:
        verbose_name = _("entry of a match push")
        verbose_name_plural = _("entries of a match push")
        constraints = [
            models.UniqueConstraint(
                fields=["push", "side", "position"], name="match_push_entry_position"
            )
        ]

    def __str__(self):
        return f"{self.push} · {self.side} {self.position}"
