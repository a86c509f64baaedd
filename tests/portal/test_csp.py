"""The Content-Security-Policy runs only the site's own scripts and styles, so no
page may carry inline script, style or event handlers (bench/csp_pages.py checks
the pages in a browser)."""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.urls import reverse

from tests import factories

# Rendered by WeasyPrint or sent as mail, never shown by a browser under the policy.
NOT_BROWSER_PAGES = ("pdf", "emails")
INLINE = [
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    re.compile(r"<style", re.IGNORECASE),
    re.compile(r"\sstyle=", re.IGNORECASE),
    re.compile(r"\son[a-z]+=", re.IGNORECASE),
    re.compile(r"javascript:", re.IGNORECASE),
]


class InlineFinder(HTMLParser):
    """Inline code and styles in a rendered page; JSON data blocks run nothing."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            if attrs.get("type") != "application/json":
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_pages_are_served_with_a_policy_that_runs_only_the_sites_own_code(
    client, foshan
):
    policy = client.get(reverse("home")).headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";"
    assert "style-src 'self';" in policy + ";"
    assert "'unsafe-inline'" not in policy
    assert "img-src 'self' data:" in policy


def test_no_template_has_inline_script_style_or_event_handlers():
    templates = settings.BASE_DIR / "templates"
    offending = [
        f"{path.relative_to(templates)}: {match.group(0)}"
        for path in templates.rglob("*.html")
        if path.relative_to(templates).parts[0] not in NOT_BROWSER_PAGES
        for pattern in INLINE
        for match in pattern.finditer(path.read_text())
    ]
    assert offending == []


def test_the_map_and_fair_pages_render_nothing_inline(client, foshan):
    fair = factories.make_fair(foshan["city"], latitude=23.02, longitude=113.12)
    for url in [
        reverse("home"),
        reverse("jobs:job_map") + "?lat=23.02&lng=113.12&km=5",
        fair.get_absolute_url(),
    ]:
        assert inline_parts(client.get(url).text) == [], url


def test_the_back_office_fair_form_renders_nothing_inline(
    client, foshan, administrator
):
    fair = factories.make_fair(foshan["city"])
    client.force_login(administrator)
    response = client.get(reverse("admin:fairs_jobfair_change", args=[fair.pk]))
    assert response.status_code == 200
    assert inline_parts(response.text) == []
