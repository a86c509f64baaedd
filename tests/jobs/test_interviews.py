import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Application, InterviewInvitation
from portal.models import Notification
from tests import factories


def in_days(days, hour=10):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def posting(employer):
    return factories.make_posting(employer.employer, title="财务会计")


@pytest.fixture
def application(seeker, posting):
    factories.make_resume(seeker)
    return services.apply_to_posting(posting, person=seeker.person)


@pytest.fixture
def invitation(application, employer, posting):
    return services.invite_to_interview(
        application.resume,
        posting=posting,
        by=employer,
        scheduled_at=in_days(3),
        place="季华路1号三楼人事部",
    )


def test_employer_invites_from_an_application(client, employer, application, posting):
    client.force_login(employer)
    url = reverse("jobs:invitation_create", args=[application.resume.code])
    response = client.post(
        url,
        {
            "posting": posting.pk,
            "scheduled_at": in_days(2).strftime("%Y-%m-%dT%H:%M"),
            "place": "",
            "video_url": "meeting.example.cn/room/42",
            "message": "请带简历",
        },
    )
    invitation = InterviewInvitation.objects.get()
    assert response.url == invitation.get_absolute_url()
    assert invitation.video_url == "https://meeting.example.cn/room/42"
    application.refresh_from_db()
    assert application.status == Application.Status.INTERVIEW
    assert Notification.objects.filter(recipient=application.person.user).exists()


def test_invitation_needs_a_future_time_and_a_place(
    client, english, employer, application, posting
):
    client.force_login(employer)
    url = reverse("jobs:invitation_create", args=[application.resume.code])
    response = client.post(
        url,
        {
            "posting": posting.pk,
            "scheduled_at": in_days(-1).strftime("%Y-%m-%dT%H:%M"),
            "place": "",
            "video_url": "",
        },
    )
    assert response.status_code == 200
    assert "Choose a time in the future." in response.text
    assert "Give a place or a video meeting link." in response.text
    assert not InterviewInvitation.objects.exists()


def test_employer_cannot_invite_a_private_resume_it_has_no_application_for(
    client, seeker, other_employer
):
    resume = factories.make_resume(seeker)
    client.force_login(other_employer)
    url = reverse("jobs:invitation_create", args=[resume.code])
    assert client.get(url).status_code == 403


def test_one_open_invitation_per_person_and_posting(
    invitation, application, employer, posting
):
    with pytest.raises(services.JobError):
        services.invite_to_interview(
            application.resume,
            posting=posting,
            by=employer,
            scheduled_at=in_days(4),
            place="另一个地点",
        )


def test_seeker_accepts_and_contact_details_open(client, seeker, invitation, employer):
    client.force_login(seeker)
    client.post(reverse("jobs:invitation_respond", args=[invitation.code, "accept"]))
    invitation.refresh_from_db()
    assert invitation.status == InterviewInvitation.Status.ACCEPTED
    assert Notification.objects.filter(
        recipient=employer, subject__contains=seeker.person.name
    ).exists()
    client.force_login(employer)
    page = client.get(invitation.get_absolute_url())
    assert "接受" in page.text or "Accepted" in page.text


def test_seeker_proposes_another_time_and_the_employer_agrees(
    client, seeker, invitation, employer
):
    proposed = in_days(5, hour=15)
    client.force_login(seeker)
    client.post(
        reverse("jobs:invitation_respond", args=[invitation.code, "propose"]),
        {
            "propose-proposed_at": proposed.strftime("%Y-%m-%dT%H:%M"),
            "propose-note": "周五下午方便",
        },
    )
    invitation.refresh_from_db()
    assert invitation.status == InterviewInvitation.Status.PROPOSED
    client.force_login(employer)
    client.post(
        reverse("jobs:invitation_respond", args=[invitation.code, "accept_proposal"])
    )
    invitation.refresh_from_db()
    assert invitation.status == InterviewInvitation.Status.ACCEPTED
    assert invitation.scheduled_at == proposed
    history = client.get(invitation.get_absolute_url()).text
    assert "周五下午方便" in history
    assert invitation.events.count() == 3


def test_seeker_declines_with_a_note(client, seeker, invitation):
    client.force_login(seeker)
    client.post(
        reverse("jobs:invitation_respond", args=[invitation.code, "decline"]),
        {"decline-note": "已找到工作"},
    )
    invitation.refresh_from_db()
    assert invitation.status == InterviewInvitation.Status.DECLINED
    assert invitation.events.last().note == "已找到工作"


def test_each_side_only_uses_its_own_buttons(client, seeker, employer, invitation):
    client.force_login(seeker)
    url = reverse("jobs:invitation_respond", args=[invitation.code, "cancel"])
    assert client.post(url).status_code == 403
    client.force_login(employer)
    url = reverse("jobs:invitation_respond", args=[invitation.code, "accept"])
    assert client.post(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == InterviewInvitation.Status.SENT


def test_strangers_cannot_see_an_invitation(
    client, invitation, other_seeker, other_employer
):
    for user in (other_seeker, other_employer):
        client.force_login(user)
        assert client.get(invitation.get_absolute_url()).status_code == 404
        url = reverse("jobs:invitation_respond", args=[invitation.code, "cancel"])
        assert client.post(url).status_code == 404


def test_reminders_go_once_to_both_sides_the_day_before(seeker, employer, invitation):
    services.accept_invitation(invitation, by=seeker)
    assert services.send_interview_reminders() == 0  # three days ahead
    before = Notification.objects.count()
    with time_machine.travel(invitation.scheduled_at - datetime.timedelta(hours=20)):
        assert services.send_interview_reminders() == 1
        assert services.send_interview_reminders() == 0
    reminders = Notification.objects.order_by("id")[before:]
    assert {n.recipient for n in reminders} == {seeker, employer}
    assert invitation.events.filter(action="reminded").count() == 1


@pytest.fixture
def invitation_from_search(seeker, employer, posting):
    """Invited from the public resume search: the seeker has not applied."""
    resume = factories.make_resume(seeker, is_public=True)
    return services.invite_to_interview(
        resume, posting=posting, by=employer, scheduled_at=in_days(3), place="三楼"
    )


def employer_pages(client, employer, invitation):
    client.force_login(employer)
    detail = client.get(invitation.get_absolute_url()).text
    listing = client.get(reverse("jobs:invitation_list")).text
    return detail + listing


def test_the_employer_sees_a_masked_name_until_the_seeker_accepts(
    client, seeker, employer, invitation_from_search
):
    invitation = invitation_from_search
    pages = employer_pages(client, employer, invitation)
    assert seeker.person.name not in pages
    assert invitation.resume.display_name in pages
    services.accept_invitation(invitation, by=seeker)
    pages = employer_pages(client, employer, invitation)
    assert seeker.person.name in pages
    told = Notification.objects.get(
        recipient=employer, url=invitation.get_absolute_url()
    )
    assert seeker.person.name in told.subject + told.body


@pytest.mark.parametrize("answer", ["decline", "propose"])
def test_an_invitation_not_accepted_tells_the_employer_no_name(
    client, seeker, employer, invitation_from_search, answer
):
    client.force_login(seeker)
    client.post(
        reverse("jobs:invitation_respond", args=[invitation_from_search.code, answer]),
        {"propose-proposed_at": in_days(5).strftime("%Y-%m-%dT%H:%M")},
    )
    told = Notification.objects.get(
        recipient=employer, url=invitation_from_search.get_absolute_url()
    )
    assert invitation_from_search.resume.display_name in told.subject
    assert seeker.person.name not in told.subject + told.body
    assert seeker.person.name not in employer_pages(
        client, employer, invitation_from_search
    )


def test_an_applicant_is_named_on_the_invitation(client, seeker, employer, invitation):
    assert seeker.person.name in employer_pages(client, employer, invitation)
