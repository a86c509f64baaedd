from django.urls import reverse

from tests.factories import PASSWORD


def test_seeker_logs_in_with_id_number_in_any_case(client, seeker):
    response = client.post(
        reverse("login"),
        {"username": seeker.username.lower(), "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("workspace")


def test_repeated_failures_pause_the_account(client, english, seeker, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 900
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": seeker.username, "password": "no"})
    response = client.post(
        reverse("login"),
        {"username": seeker.username, "password": PASSWORD},
    )
    assert response.status_code == 429
    assert "logging in is paused for 15 minutes" in response.text


def test_wrong_password_gets_a_helpful_message(client, english, seeker):
    response = client.post(
        reverse("login"),
        {"username": seeker.username, "password": "wrong"},
    )
    assert "Seekers log in with their ID number" in response.text


def test_logout_is_post_only(client, seeker):
    client.force_login(seeker)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_password_reset_mail_links_to_the_site_not_the_request_host(
    client, employer, settings
):
    from django.core import mail

    response = client.post(
        reverse("password_reset"),
        {"email": employer.email},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "127.0.0.1:8000/accounts/reset/" in mail.outbox[0].body
