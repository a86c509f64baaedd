"""Login throttling (django-axes, portal/throttling.py): counted in PostgreSQL,
one attempt per user name at a time, per user name and address, on the site's and
the admin's login."""

import datetime
import http.client
import threading
import urllib.parse

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.backends import PortalBackend
from portal.models import AuditEntry
from tests import factories
from tests.factories import PASSWORD


def _fail(client, username, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": "wrong"}, **extra)


def _failures(username) -> int:
    return sum(
        AccessAttempt.objects.filter(username=username).values_list(
            "failures_since_start", flat=True
        )
    )


class _LiveLogin:
    """A browser at the live server's login page: it has the CSRF cookie, and its
    connection is open before it posts, so that many post at the same moment."""

    def __init__(self, live_server, csrf=None):
        url = urllib.parse.urlsplit(live_server.url)
        self.connection = http.client.HTTPConnection(
            url.hostname, url.port, timeout=120
        )
        self.connection.connect()
        if csrf is None:
            page = self._request("GET", "/accounts/login/")
            cookie = page.getheader("Set-Cookie")
            csrf = cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
        self.csrf = csrf

    def _request(self, method, path, body=None, headers=None):
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        response.read()
        return response

    def post(self, username, password) -> int:
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.csrf,
                "username": username,
                "password": password,
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.csrf}",
        }
        status = self._request("POST", "/accounts/login/", body, headers).status
        self.connection.close()
        return status


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sixty_parallel_logins_have_at_most_the_limit_of_wrong_passwords_checked(
    live_server, settings, monkeypatch
):
    limit = settings.LOGIN_FAILURE_LIMIT
    foshan = factories.make_org_tree()
    seeker = factories.make_seeker(residence=foshan["chancheng_community"])
    checked = []  # True for the right password, in the order they were checked
    guard = threading.Lock()
    check_password = PortalBackend.authenticate

    def counting(backend, request, username=None, password=None, **kwargs):
        with guard:
            checked.append(password == PASSWORD)
        return check_password(
            backend, request, username=username, password=password, **kwargs
        )

    monkeypatch.setattr(PortalBackend, "authenticate", counting)
    csrf = _LiveLogin(live_server).csrf
    passwords = ["wrong"] * 29 + [PASSWORD] + ["wrong"] * 30
    browsers = [_LiveLogin(live_server, csrf) for _ in passwords]
    statuses = [None] * len(passwords)
    start = threading.Barrier(len(passwords))

    def attempt(index, password):
        start.wait()
        statuses[index] = browsers[index].post(seeker.username, password)

    threads = [
        threading.Thread(target=attempt, args=(index, password))
        for index, password in enumerate(passwords)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.close()

    wrong_checked = checked.count(False)
    right = statuses[passwords.index(PASSWORD)]
    print(
        f"\n60 parallel logins: {len(checked)} passwords checked ({wrong_checked} "
        f"wrong), {_failures(seeker.username)} failures counted, "
        f"{statuses.count(302)} logged in, {statuses.count(429)} paused, "
        f"{statuses.count(200)} told the password was wrong; the right one: {right}"
    )
    assert wrong_checked <= limit
    assert _failures(seeker.username) == wrong_checked == limit
    assert statuses.count(429) == len(passwords) - len(checked) + 1
    if right == 302:
        # Let in only if its password was checked before the limit was reached.
        assert checked.index(True) < limit
    else:
        assert right == 429
    assert _LiveLogin(live_server, csrf).post(seeker.username, PASSWORD) == 429


def test_the_admin_login_is_paused_after_the_limit(client, administrator, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = _fail(client, administrator.username, path="/admin/login/")
    assert response.status_code == 429
    response = client.post(
        "/admin/login/",
        {"username": administrator.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 429
    assert "登录已暂停" in response.text
    assert "_auth_user_id" not in client.session


def test_the_site_login_shows_the_pause_in_chinese(client, seeker, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, seeker.username)
    response = client.post(
        reverse("login"), {"username": seeker.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "登录已暂停" in response.text


def test_failures_on_made_up_names_do_not_stop_the_administrator_on_that_address(
    client, administrator
):
    for number in range(20):
        _fail(client, f"nobody{number}", path="/admin/login/")
    response = client.post(
        "/admin/login/",
        {"username": administrator.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_one_address_pausing_a_name_leaves_it_open_from_another(client, seeker):
    for _ in range(5):
        _fail(client, seeker.username, REMOTE_ADDR="198.51.100.1")
    response = client.post(
        reverse("login"),
        {"username": seeker.username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.2",
    )
    assert response.status_code == 302


def test_a_name_is_paused_everywhere_after_four_times_the_limit(client, seeker):
    for address in range(20):
        _fail(client, seeker.username, REMOTE_ADDR=f"198.51.100.{address + 1}")
    response = client.post(
        reverse("login"),
        {"username": seeker.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.50",
    )
    assert response.status_code == 429


def test_a_pause_lasts_the_configured_seconds(client, seeker, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 900
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            _fail(client, seeker.username)
        clock.move_to(start + datetime.timedelta(seconds=899))
        right = {"username": seeker.username, "password": PASSWORD}
        assert client.post(reverse("login"), right).status_code == 429
        clock.move_to(start + datetime.timedelta(seconds=901))
        assert client.post(reverse("login"), right).status_code == 302


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_failures_are_counted_under_the_stored_user_name(client, employer, path):
    _fail(client, employer.username.lower(), path=path)  # a credit code: 91…MA…
    attempt = AccessAttempt.objects.get()
    assert attempt.username == employer.username


def test_behind_one_trusted_proxy_the_address_comes_from_x_forwarded_for(
    client, seeker, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    _fail(
        client,
        seeker.username,
        REMOTE_ADDR="10.0.0.2",
        # The visitor made up the first entry; the proxy appended the second.
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7",
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, seeker, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    _fail(
        client,
        seeker.username,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"


def test_only_administrators_see_the_login_attempts(client, caseworker, administrator):
    _fail(client, "someone")
    url = reverse("admin:axes_accessattempt_changelist")
    client.force_login(caseworker)
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("admin:index")).text
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 200
    assert "someone" in response.text


def test_an_administrator_unlocks_a_paused_login(client, seeker, administrator):
    for _ in range(5):
        _fail(client, seeker.username)
    attempt = AccessAttempt.objects.get()
    client.force_login(administrator)
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock_selected", "_selected_action": [attempt.pk]},
    )
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action="portal.login.unlocked")
    assert entry.actor == administrator
    assert entry.data["username"] == seeker.username
    client.logout()
    response = client.post(
        reverse("login"), {"username": seeker.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_list_of_attempts_masks_id_numbers(client, seeker, administrator):
    _fail(client, seeker.username)
    client.force_login(administrator)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert seeker.username not in response.text
    assert seeker.username[-4:] in response.text
