"""What the browser tests share: Debian's Chromium (skipped without it), a logged-in
session to hand a browser, and waiting for the page."""

import shutil
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")


def session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session["_auth_user_backend"] = "portal.backends.PortalBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def wait_for(browser, expression, seconds=30):
    """The value of the page's `expression` once it is true; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = browser.evaluate(expression)
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"not true within {seconds} s: {expression}")
