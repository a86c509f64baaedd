import pytest
from django.core import mail
from django.urls import reverse

from portal import services
from portal.models import AuditEntry, Employer, Notification
from tests import factories


@pytest.fixture
def pending(foshan):
    return factories.make_employer(
        org_unit=foshan["chancheng_street"], verified=False, email="hr@pending.cn"
    )


def test_caseworker_verifies_an_employer_from_the_admin(
    client, caseworker, pending, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:portal_employer_changelist"),
            {"action": "verify_selected", "_selected_action": [pending.pk]},
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.is_verified
    assert pending.verified_by == caseworker
    assert AuditEntry.objects.filter(action="portal.employer.verified").count() == 1
    notification = Notification.objects.get(recipient__employer=pending)
    assert pending.name in notification.subject
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hr@pending.cn"]


def test_rejection_needs_a_reason_and_tells_the_employer(client, caseworker, pending):
    client.force_login(caseworker)
    url = reverse("admin:portal_employer_changelist")
    selection = {"action": "reject_selected", "_selected_action": [pending.pk]}
    form_page = client.post(url, selection)
    assert form_page.status_code == 200
    assert pending.name in form_page.text
    client.post(url, {**selection, "reason": "执照照片模糊"})
    pending.refresh_from_db()
    assert pending.verification_status == Employer.Verification.REJECTED
    assert pending.rejection_reason == "执照照片模糊"
    assert "执照照片模糊" in Notification.objects.get().body


def test_empty_reason_is_refused_by_the_service(caseworker, pending):
    with pytest.raises(services.PortalError):
        services.reject_employer(pending, by=caseworker, reason="  ")


def test_leader_cannot_verify(client, leader, pending):
    client.force_login(leader)
    client.post(
        reverse("admin:portal_employer_changelist"),
        {"action": "verify_selected", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert not pending.is_verified
    assert not Notification.objects.filter(recipient__employer=pending).exists()


def test_notification_is_written_in_the_recipients_language(caseworker, foshan):
    user = factories.make_employer_user(
        org_unit=foshan["chancheng_street"], verified=False
    )
    user.language = "en"
    user.save(update_fields=["language"])
    services.verify_employer(user.employer, by=caseworker)
    assert Notification.objects.get(recipient=user).subject.endswith("is verified")


def test_opening_a_notification_marks_it_read(client, employer):
    notification = Notification.objects.get(recipient=employer)
    client.force_login(employer)
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.is_read


def test_nobody_opens_another_users_notification(client, employer, other_employer):
    notification = Notification.objects.get(recipient=employer)
    client.force_login(other_employer)
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 404
    assert (
        client.get(reverse("notification_open", args=[notification.pk])).status_code
        == 405
    )


def test_employer_without_a_licence_cannot_be_verified(caseworker, pending):
    pending.licence.delete(save=True)
    with pytest.raises(services.PortalError):
        services.verify_employer(pending, by=caseworker)
    pending.refresh_from_db()
    assert not pending.is_verified


def test_chinese_speaking_employer_gets_a_chinese_notification(caseworker, pending):
    services.verify_employer(pending, by=caseworker)
    assert Notification.objects.get().subject == f"{pending.name}已认证"


def test_the_back_office_links_the_licence_to_its_checked_download(
    client, caseworker, leader, pending, settings
):
    page_url = reverse("admin:portal_employer_change", args=[pending.pk])
    download = reverse("employer_licence", args=[pending.pk])
    for user in (caseworker, leader):  # one who may change it, one who may look
        client.force_login(user)
        page = client.get(page_url).text
        assert settings.MEDIA_URL not in page  # where nothing is served
        assert f'href="{download}"' in page
        response = client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
