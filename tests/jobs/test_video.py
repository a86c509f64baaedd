import base64
import datetime
import hashlib
import hmac
import json
import threading

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Application, VideoPresence, VideoRoom, VideoSignal, ice_servers
from portal.models import AuditEntry, Notification, User
from tests import factories


def at(days=0, hour=10):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def posting(employer):
    return factories.make_posting(employer.employer, title="仓库管理员")


@pytest.fixture
def application(seeker, posting):
    factories.make_resume(seeker)
    return services.apply_to_posting(posting, person=seeker.person)


@pytest.fixture
def colleague(employer):
    """Staff of the same employer who is not an interviewer."""
    return User.objects.create_user(
        username="colleague",
        password=factories.PASSWORD,
        role=User.Role.EMPLOYER,
        employer=employer.employer,
    )


@pytest.fixture
def invitation(application, employer, posting):
    return services.invite_to_interview(
        application.resume,
        posting=posting,
        by=employer,
        scheduled_at=at(2),
        portal_video=True,
    )


@pytest.fixture
def room(invitation, seeker):
    services.accept_invitation(invitation, by=seeker)
    return VideoRoom.objects.get(invitation=invitation)


def during(room):
    return time_machine.travel(room.opens_at + datetime.timedelta(minutes=20))


def join(client, room):
    return client.post(reverse("jobs:video_join", args=[room.code]))


def post_signal(client, room, **message):
    url = reverse("jobs:video_signal", args=[room.code])
    body = {"nonce": "n1", "kind": "offer", "payload": "{}", **message}
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_video_invitation_needs_no_place_and_makes_a_room_for_the_inviter(
    invitation, employer, seeker
):
    room = invitation.video_room
    assert invitation.place == "" and invitation.portal_video
    assert list(room.interviewers.all()) == [employer]
    assert room.seeker == seeker
    assert room.opens_at == invitation.scheduled_at - datetime.timedelta(minutes=15)
    assert room.closes_at == invitation.scheduled_at + datetime.timedelta(minutes=60)


def test_the_employer_names_up_to_three_interviewers_of_its_own(
    client, employer, colleague, other_employer, application, posting
):
    client.force_login(employer)
    url = reverse("jobs:invitation_create", args=[application.resume.code])
    data = {
        "posting": posting.pk,
        "scheduled_at": at(2).strftime("%Y-%m-%dT%H:%M"),
        "portal_video": "on",
        "interviewers": [colleague.pk, other_employer.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not VideoRoom.objects.exists()
    data["interviewers"] = [colleague.pk]
    client.post(url, data)
    assert list(VideoRoom.objects.get().interviewers.all()) == [colleague]


def test_more_than_three_interviewers_are_refused(employer, application, posting):
    staff = [
        User.objects.create_user(
            username=f"hr{n}", role=User.Role.EMPLOYER, employer=employer.employer
        )
        for n in range(4)
    ]
    with pytest.raises(services.JobError):
        services.invite_to_interview(
            application.resume,
            posting=posting,
            by=employer,
            scheduled_at=at(2),
            portal_video=True,
            interviewers=staff,
        )


def test_members_are_refused_before_the_window_with_the_time_it_opens(
    client, english, room, seeker
):
    client.force_login(seeker)
    with time_machine.travel(room.opens_at - datetime.timedelta(minutes=1)):
        page = client.get(room.get_absolute_url())
        join = client.post(reverse("jobs:video_join", args=[room.code]))
    assert "The room opens at" in page.text
    assert "video.js" not in page.text
    assert join.status_code == 403
    assert "The room opens at" in join.json()["error"]
    with time_machine.travel(room.closes_at):
        assert (
            client.post(reverse("jobs:video_join", args=[room.code])).status_code == 403
        )


def test_the_room_stays_closed_until_the_invitation_is_accepted(
    client, invitation, seeker
):
    room = invitation.video_room
    client.force_login(seeker)
    with during(room):
        response = client.post(reverse("jobs:video_join", args=[room.code]))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["other_seeker", "other_employer", "colleague"])
def test_anyone_else_gets_page_not_found_and_cannot_signal(client, room, who, request):
    stranger = request.getfixturevalue(who)
    client.force_login(stranger)
    with during(room):
        assert client.get(room.get_absolute_url()).status_code == 404
        assert (
            client.post(reverse("jobs:video_join", args=[room.code])).status_code == 404
        )
        assert post_signal(client, room).status_code == 404
        poll = reverse("jobs:video_poll", args=[room.code])
        assert client.get(poll).status_code == 404
    assert not VideoSignal.objects.exists()


def test_visitors_are_sent_to_log_in(client, room):
    response = client.get(room.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_room_page_alone_may_use_camera_and_microphone(client, room, seeker):
    client.force_login(seeker)
    with during(room):
        page = client.get(room.get_absolute_url())
    assert page.status_code == 200
    assert "camera=(self)" in page["Permissions-Policy"]
    assert "microphone=(self)" in page["Permissions-Policy"]
    assert "Permissions-Policy" not in client.get(reverse("jobs:invitation_list"))


def test_signals_go_from_one_member_to_the_other_once(client, room, seeker, employer):
    employer_client = client.__class__()
    employer_client.force_login(employer)
    client.force_login(seeker)
    with during(room):
        cursor = client.post(reverse("jobs:video_join", args=[room.code])).json()
        employer_client.post(reverse("jobs:video_join", args=[room.code]))
        sent = post_signal(employer_client, room, to=seeker.pk, payload="sdp")
        replay = post_signal(employer_client, room, to=seeker.pk, payload="sdp")
        poll = reverse("jobs:video_poll", args=[room.code])
        first = client.get(poll, {"after": cursor["cursor"]}).json()
        again = client.get(poll, {"after": first["cursor"]}).json()
        own = employer_client.get(poll, {"after": 0}).json()
    assert sent.json() == {"stored": True}
    assert replay.json() == {"stored": False}
    assert [s["payload"] for s in first["signals"]] == ["sdp"]
    assert first["signals"][0]["sender_id"] == employer.pk
    assert sorted(first["present"]) == sorted([seeker.pk, employer.pk])
    assert again["signals"] == []
    assert own["signals"] == []
    room.refresh_from_db()
    assert room.held_at is not None


def test_a_hello_to_everyone_reaches_every_other_member(client, room, seeker, employer):
    client.force_login(seeker)
    with during(room):
        join(client, room)
        post_signal(client, room, kind="hello", nonce="h1")
        client.force_login(employer)
        poll = reverse("jobs:video_poll", args=[room.code])
        signals = client.get(poll, {"after": 0}).json()["signals"]
    assert [(s["kind"], s["sender_id"]) for s in signals] == [("hello", seeker.pk)]


def test_stale_signals_are_not_delivered(client, room, seeker, employer):
    client.force_login(employer)
    with during(room) as traveller:
        join(client, room)
        assert post_signal(client, room, to=seeker.pk, payload="x").json()["stored"]
        traveller.shift(datetime.timedelta(seconds=61))
        client.force_login(seeker)
        poll = reverse("jobs:video_poll", args=[room.code])
        assert client.get(poll, {"after": 0}).json()["signals"] == []


def test_large_odd_or_misaddressed_signals_are_refused(
    client, room, seeker, other_seeker
):
    client.force_login(seeker)
    with during(room):
        join(client, room)
        large = post_signal(client, room, payload="x" * (16 * 1024 + 1))
        odd = post_signal(client, room, kind="script")
        stranger = post_signal(client, room, to=other_seeker.pk)
        to_self = post_signal(client, room, to=seeker.pk)
        junk = client.post(
            reverse("jobs:video_signal", args=[room.code]),
            "not json",
            content_type="application/json",
        )
        huge = post_signal(client, room, payload="x" * 40000)
        nul = post_signal(client, room, payload="sdp\x00")
        far = client.get(
            reverse("jobs:video_poll", args=[room.code]), {"after": "9" * 40}
        )
    assert large.status_code == 403
    assert odd.status_code == 403
    assert stranger.status_code == 403
    assert to_self.status_code == 403
    assert junk.status_code == 400
    assert huge.status_code == 413
    assert nul.status_code == 403
    assert far.status_code == 200 and far.json()["signals"] == []
    assert not VideoSignal.objects.exists()


def test_a_hire_moves_the_application_and_tells_the_seeker(
    client, room, employer, seeker, application
):
    client.force_login(employer)
    with during(room):
        response = client.post(
            reverse("jobs:video_outcome", args=[room.code]),
            {"outcome-outcome": "hire", "outcome-note": "下周一入职"},
        )
    assert response.status_code == 302
    room.refresh_from_db()
    application.refresh_from_db()
    assert room.outcome == "hire" and room.outcome_note == "下周一入职"
    assert application.status == Application.Status.HIRED
    assert Notification.objects.filter(
        recipient=seeker, url=room.get_absolute_url()
    ).exists()
    assert AuditEntry.objects.filter(action="jobs.video.outcome_recorded").exists()
    with during(room), pytest.raises(services.JobError):
        services.record_video_outcome(room, by=employer, outcome="not_suitable")


def test_undecided_can_be_decided_later(room, employer, application):
    with during(room):
        services.record_video_outcome(room, by=employer, outcome="pending")
        application.refresh_from_db()
        assert application.status == Application.Status.INTERVIEW
        services.record_video_outcome(room, by=employer, outcome="not_suitable")
    application.refresh_from_db()
    assert application.status == Application.Status.NOT_SUITABLE


def test_only_interviewers_record_the_outcome_and_not_before_the_room_opens(
    room, employer, seeker, colleague
):
    with during(room):
        for user in (seeker, colleague):
            with pytest.raises(services.JobError):
                services.record_video_outcome(room, by=user, outcome="hire")
    with pytest.raises(services.JobError):
        services.record_video_outcome(room, by=employer, outcome="hire")
    room.refresh_from_db()
    assert room.outcome == ""


def test_both_sides_rate_the_call(client, room, employer, seeker):
    with during(room):
        services.rate_video_call(room, by=seeker, rating=4)
        client.force_login(employer)
        client.post(reverse("jobs:video_rate", args=[room.code]), {"rating-rating": 2})
        with pytest.raises(services.JobError):
            services.rate_video_call(room, by=seeker, rating=6)
    room.refresh_from_db()
    assert (room.seeker_rating, room.employer_rating) == (4, 2)


def test_a_new_time_moves_the_room(room, employer, invitation):
    later = at(5)
    services.reschedule_invitation(invitation, by=employer, scheduled_at=later)
    room.refresh_from_db()
    assert room.opens_at == later - datetime.timedelta(minutes=15)
    assert not room.is_live


def test_turn_logins_are_coturn_rest_api_credentials(settings, seeker):
    settings.VIDEO_STUN_URLS = ["stun:turn.example.cn:3478"]
    settings.VIDEO_TURN_URLS = ["turn:turn.example.cn:3478"]
    settings.VIDEO_TURN_SECRET = "s3cret"
    settings.VIDEO_TURN_TTL = 3600
    stun, turn = ice_servers(seeker, now=1_700_000_000)
    assert stun == {"urls": ["stun:turn.example.cn:3478"]}
    assert turn["username"] == f"1700003600:{seeker.pk}"
    expected = hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(expected).decode()


def test_no_turn_server_without_a_secret(settings, seeker):
    settings.VIDEO_STUN_URLS = []
    settings.VIDEO_TURN_URLS = ["turn:turn.example.cn:3478"]
    settings.VIDEO_TURN_SECRET = ""
    assert ice_servers(seeker) == []


def test_the_statistics_count_interviews_held_and_hires_by_month(
    room, employer, seeker, foshan
):
    from jobs.queries import video_interview_figures

    with during(room):
        services.enter_video_room(room, by=seeker)
        services.enter_video_room(room, by=employer)
        services.record_video_outcome(room, by=employer, outcome="hire")
    day = timezone.localdate(room.opens_at)
    figures = video_interview_figures(foshan["city"], day, day)
    assert figures == {
        "held": 1,
        "employers": 1,
        "seekers": 1,
        "hire": 1,
        "pending": 0,
        "not_suitable": 0,
    }
    other_district = video_interview_figures(foshan["nanhai"], day, day)
    assert other_district["held"] == 0
    next_day = day + datetime.timedelta(days=1)
    assert video_interview_figures(foshan["city"], next_day, next_day)["held"] == 0


def test_a_member_whose_other_tab_left_goes_on_signalling(client, room, seeker):
    client.force_login(seeker)
    with during(room):
        join(client, room)
        client.post(reverse("jobs:video_leave", args=[room.code]))  # a closed tab
        sent = post_signal(client, room, kind="candidate")
    assert sent.json() == {"stored": True}
    assert VideoPresence.objects.filter(room=room, user=seeker).exists()


def test_a_member_sending_too_many_signals_is_told_to_wait(
    client, english, room, seeker, employer
):
    from jobs.models.video import SIGNAL_BURST, SIGNAL_BURST_SECONDS

    employer_client = client.__class__()
    employer_client.force_login(employer)
    client.force_login(seeker)
    with during(room) as traveller:
        join(client, room)
        join(employer_client, room)
        sent = [
            post_signal(client, room, kind="candidate", nonce=f"c{n}").status_code
            for n in range(SIGNAL_BURST)
        ]
        refused = post_signal(client, room, kind="candidate", nonce="one more")
        other_side = post_signal(employer_client, room, kind="answer", nonce="a1")
        traveller.shift(datetime.timedelta(seconds=SIGNAL_BURST_SECONDS))
        later = post_signal(client, room, kind="candidate", nonce="one more")
    assert sent == [200] * SIGNAL_BURST
    assert refused.status_code == 429
    assert "Too many signalling messages" in refused.json()["error"]
    assert 1 <= refused.json()["retry_after"] <= SIGNAL_BURST_SECONDS
    assert refused["Retry-After"] == str(refused.json()["retry_after"])
    assert other_side.json() == {"stored": True}
    assert later.json() == {"stored": True}
    assert VideoSignal.objects.filter(sender=seeker).count() == SIGNAL_BURST + 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_signals_cannot_both_take_the_last_place(room, seeker):
    from django.db import connection

    from jobs.models.video import SIGNAL_BURST

    now = timezone.now()
    VideoRoom.objects.filter(pk=room.pk).update(
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(minutes=30),
    )
    room.refresh_from_db()
    services.enter_video_room(room, by=seeker)
    VideoSignal.objects.bulk_create(
        VideoSignal(room=room, sender=seeker, nonce=f"c{n}", kind="candidate")
        for n in range(SIGNAL_BURST - 1)
    )
    threads = 6
    start = threading.Barrier(threads)
    outcomes = []

    def send(n):
        try:
            start.wait()
            services.send_video_signal(
                room, by=seeker, nonce=f"p{n}", kind="candidate", payload="{}"
            )
            outcomes.append("stored")
        except services.JobError as error:
            outcomes.append(error.retry_after and "wait")
        finally:
            connection.close()

    workers = [threading.Thread(target=send, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["stored"] + ["wait"] * (threads - 1)
    assert VideoSignal.objects.filter(sender=seeker).count() == SIGNAL_BURST


def room_endpoints(client, room):
    """The page and each endpoint of a room, as one user tries them."""
    return [
        client.get(room.get_absolute_url()),
        join(client, room),
        client.get(reverse("jobs:video_poll", args=[room.code]), {"after": 0}),
        post_signal(client, room, kind="hello", nonce="intruder"),
        client.post(reverse("jobs:video_leave", args=[room.code])),
        client.post(
            reverse("jobs:video_outcome", args=[room.code]),
            {"outcome-outcome": "hire"},
        ),
        client.post(reverse("jobs:video_rate", args=[room.code]), {"rating-rating": 1}),
    ]


def test_a_member_of_another_room_gets_nothing_from_this_one(
    client, room, seeker, employer, other_seeker, posting
):
    """The seeker of another accepted invitation of the same employer, in their own
    room at the same time, tries every door of this room."""
    resume = factories.make_resume(other_seeker)
    services.apply_to_posting(posting, person=other_seeker.person)
    theirs = services.invite_to_interview(
        resume,
        posting=posting,
        by=employer,
        scheduled_at=room.invitation.scheduled_at,
        portal_video=True,
    )
    services.accept_invitation(theirs, by=other_seeker)
    their_room = VideoRoom.objects.get(invitation=theirs)
    client.force_login(other_seeker)
    with during(room):
        assert join(client, their_room).status_code == 200
        answers = room_endpoints(client, room)
        # Addressing this room's seeker from their own room does not reach them.
        misaddressed = post_signal(client, their_room, to=seeker.pk, nonce="x")
    assert [answer.status_code for answer in answers] == [404] * len(answers)
    for answer in answers:
        assert seeker.person.name not in answer.text
    assert misaddressed.status_code == 403
    assert not VideoSignal.objects.exists()
    room.refresh_from_db()
    assert room.outcome == "" and room.employer_rating is None


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in_from_every_door(client, room):
    with during(room):
        answers = room_endpoints(client, room)
    assert [answer.status_code for answer in answers] == [302] * len(answers)
    assert all(answer.url.startswith(reverse("login")) for answer in answers)
    assert not VideoSignal.objects.exists()
