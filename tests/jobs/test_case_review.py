"""Posting moderation on the posting's review page (portal/casework.py on
JobPostingAdmin)."""

from django.urls import reverse

from portal.models import AuditEntry
from tests import factories


def url(posting, what, *args) -> str:
    return reverse(f"admin:jobs_jobposting_{what}", args=[posting.pk, *args])


def test_a_pending_postings_page_has_no_view_on_site_link(
    english, caseworker, employer
):
    pending = factories.make_posting(employer.employer, publish=False)
    published = factories.make_posting(employer.employer, title="仓库主管")
    english.force_login(caseworker)
    page = english.get(url(pending, "change"))
    assert 'class="viewsitelink"' not in page.text
    assert ">Back to the list</a>" in page.text
    page = english.get(url(published, "change"))
    assert 'class="viewsitelink"' in page.text
    assert english.get(published.get_absolute_url()).status_code == 200


def test_a_posting_is_published_from_its_page_then_the_next_opens(
    client, caseworker, employer
):
    first = factories.make_posting(employer.employer, publish=False)
    second = factories.make_posting(employer.employer, publish=False, title="叉车司机")
    client.force_login(caseworker)
    page = client.get(url(first, "change"))
    assert {item["decision"].name for item in page.context["case"]["decisions"]} == {
        "approve",
        "reject",
    }
    answer = client.post(
        url(first, "decide", "approve"), {"seen": page.context["case"]["seen"]}
    )
    first.refresh_from_db()
    assert first.status == "published"
    assert AuditEntry.objects.filter(
        action="jobs.posting.approved", actor=caseworker, object_id=str(first.pk)
    ).exists()
    assert answer.url == url(second, "change")


def test_the_posting_rules_are_checked_again_on_the_page(client, caseworker, employer):
    posting = factories.make_posting(
        employer.employer, publish=False, description="仓库收发货，男性优先。"
    )
    client.force_login(caseworker)
    page = client.get(url(posting, "change"))
    failed = [check for check in page.context["case"]["checks"] if not check.passed]
    assert len(failed) == 1
