"""Login throttling. django-axes counts failed logins in PostgreSQL (its
AccessAttempt table) on every login page, the site's and the admin's, through the
first authentication backend and Django's login signals. This module holds what
config/settings.py plugs into it, and the lock that makes its check and its count
one step.

Who is paused (docs/technical-choices.md, "Login throttling"):

- a user name from one address, after LOGIN_FAILURE_LIMIT failures;
- a user name from all addresses together, after ACCOUNT_FACTOR times as many;
- never an address alone: offices, schools and mobile networks put many people
  behind one address, and one of them must not lock the others out.

A pause lasts LOGIN_LOCKOUT_SECONDS from the failure that started it. Attempts
during a pause are refused without checking the password and do not prolong it.
"""

import datetime
import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.shortcuts import render

from portal.backends import login_name

ACCOUNT_FACTOR = 4


def failure_limit(request, credentials) -> int:
    return settings.LOGIN_FAILURE_LIMIT


def cool_off(request) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def attempted_username(request, credentials) -> str | None:
    """The user name as stored, so that "…x" and "…X" count as one account."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username")
    return login_name(typed) if typed else None


def client_address(request) -> str | None:
    """The visitor's address.

    Each of the TRUSTED_PROXY_COUNT proxies in front of the portal appends the
    address it was called from to X-Forwarded-For, so the visitor's is that many
    entries from the right; entries further left come from the visitor and may be
    made up. Without trusted proxies the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    hops = [hop.strip() for hop in forwarded if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def lockout_response(request, original_response=None, credentials=None):
    """What a paused login gets instead of the login form."""
    context = {
        "minutes": math.ceil(settings.LOGIN_LOCKOUT_SECONDS / 60),
        "login_url": request.path,
    }
    return render(request, "portal/login_locked.html", context, status=429)


def lock_login(username: str) -> None:
    """Wait until no other attempt at this user name is being checked; held until
    the transaction ends. Axes reads the count before the password is checked and
    adds to it after: without this, parallel attempts all read the count before any
    of them adds to it, and all have their password checked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"login:{username}"]
        )


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler, with a higher limit for a user name counted over all
    addresses than from one address."""

    def get_failures(self, request, credentials=None) -> int:
        # In the order of AXES_LOCKOUT_PARAMETERS: (user name, address), user name.
        from_address, from_anywhere = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Axes compares this with the one limit: the account alone reaches it after
        # ACCOUNT_FACTOR times as many failures.
        return max(from_address, from_anywhere // ACCOUNT_FACTOR)
