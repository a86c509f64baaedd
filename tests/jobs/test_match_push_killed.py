"""A real django-q2 cluster is killed (SIGKILL) in the middle of a chunk of the
daily match push; the next cluster's retry takes the chunk up after its progress
marker, and no seeker is told twice."""

import pytest
from django_q.conf import Conf
from django_q.models import OrmQ

from jobs import services
from jobs.models import MatchPushChunk
from jobs.services import matches
from portal.models import Notification
from tests import factories
from tests.registration.test_killed_worker import kill, start_cluster, wait_for

SEEKERS = 60
RETRY_AFTER_KILL = 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_push_whose_worker_is_killed_mid_chunk_tells_every_seeker_once(
    foshan, employer, tmp_path, monkeypatch
):
    community = foshan["chancheng_community"]
    community.latitude, community.longitude = 23.0210, 113.1210
    community.save(update_fields=["latitude", "longitude"])
    factories.make_posting(
        employer.employer,
        title="财务会计",
        occupation_group="2",
        occupation_name="会计",
        salary_min=7000,
        salary_max=9000,
        latitude=23.0300,
        longitude=113.1200,
    )
    seekers = []
    for years in range(SEEKERS):  # a profile each: one transaction each
        user = factories.make_seeker(residence=community)
        factories.make_resume(
            user,
            intended_occupations="会计",
            intended_occupation_groups=["2"],
            expected_salary_min=6000,
            expected_salary_max=9000,
            experience_years=years,
        )
        seekers.append(user)
    monkeypatch.setattr(matches, "SEEKER_CHUNK_SIZE", SEEKERS)
    monkeypatch.setattr(Conf, "SYNC", False)  # enqueue for the cluster
    push = services.start_match_push()
    chunk = MatchPushChunk.objects.filter(push=push, side="seeker")
    assert chunk.count() == 1
    log = tmp_path / "qcluster.log"

    first = start_cluster(log, timeout=RETRY_AFTER_KILL - 1, retry=RETRY_AFTER_KILL)
    try:
        wait_for(
            lambda: chunk.filter(
                done_up_to__isnull=False, finished_at__isnull=True
            ).exists(),
            seconds=30,
            log=log,
        )
    finally:
        kill(first)
    killed = chunk.get()
    told = Notification.objects.filter(recipient__in=seekers).count()
    assert killed.finished_at is None and 0 < told < SEEKERS
    assert killed.sent == told  # the marker commits with the messages

    second = start_cluster(log, timeout=50, retry=60)
    try:
        wait_for(
            lambda: (
                not OrmQ.objects.exists()
                and not push.chunks.filter(finished_at__isnull=True).exists()
            ),
            seconds=60,
            log=log,
        )
    finally:
        kill(second)
    for user in seekers:
        assert Notification.objects.filter(recipient=user).count() == 1
    assert chunk.get().sent == SEEKERS
    push.refresh_from_db()
    assert push.finished_at is not None
