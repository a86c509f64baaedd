import datetime

import pytest
import time_machine
from django.utils import timezone

from jobs import services
from jobs.models import JobPosting
from portal.models import AuditEntry, Notification
from tests import factories


@pytest.fixture
def posting(employer):
    return factories.make_posting(employer.employer)


def test_new_posting_waits_for_review_and_is_not_public(employer):
    posting = factories.make_posting(employer.employer, publish=False)
    assert posting.status == JobPosting.Status.PENDING
    assert not JobPosting.objects.published().exists()
    assert posting.industry == employer.employer.industry


def test_unverified_employer_cannot_post(foshan):
    employer = factories.make_employer(
        org_unit=foshan["chancheng_street"], verified=False
    )
    with pytest.raises(services.JobError):
        factories.make_posting(employer, publish=False)


def test_approval_publishes_and_tells_the_employer(employer, caseworker):
    posting = factories.make_posting(employer.employer, publish=False)
    services.approve_posting(posting, by=caseworker)
    assert list(JobPosting.objects.published()) == [posting]
    assert Notification.objects.filter(
        recipient=employer, subject__contains=posting.title
    ).exists()
    assert AuditEntry.objects.filter(action="jobs.posting.approved").exists()


def test_return_needs_a_reason(employer, caseworker):
    posting = factories.make_posting(employer.employer, publish=False)
    with pytest.raises(services.JobError):
        services.reject_posting(posting, by=caseworker, reason=" ")
    services.reject_posting(posting, by=caseworker, reason="请写明工作时间")
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.REJECTED


def test_editing_a_published_posting_sends_it_back_to_review(posting, employer):
    posting.title = "高级仓库管理员"
    services.save_posting(posting, by=employer)
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PENDING
    assert not JobPosting.objects.published().exists()


def test_pause_resume_close(posting, employer):
    services.pause_posting(posting, by=employer)
    assert not JobPosting.objects.published().exists()
    services.resume_posting(posting, by=employer)
    assert JobPosting.objects.published().exists()
    services.close_posting(posting, by=employer)
    with pytest.raises(services.JobError):
        services.resume_posting(posting, by=employer)
    with pytest.raises(services.JobError):
        services.save_posting(JobPosting.objects.get(pk=posting.pk), by=employer)


def test_postings_expire_and_can_be_renewed(posting, employer):
    later = timezone.now() + datetime.timedelta(days=31)
    with time_machine.travel(later):
        assert not JobPosting.objects.published().exists()  # hidden at once
        assert services.expire_postings() == 1
        posting.refresh_from_db()
        assert posting.status == JobPosting.Status.EXPIRED
        services.renew_posting(posting, by=employer)
        posting.refresh_from_db()
        assert posting.status == JobPosting.Status.PUBLISHED
        assert JobPosting.objects.published().exists()


def test_postings_of_an_employer_that_loses_verification_disappear(
    posting, employer, caseworker
):
    from portal import services as portal_services

    portal_services.reject_employer(employer.employer, by=caseworker, reason="执照过期")
    assert not JobPosting.objects.published().exists()


def test_renewing_an_already_renewed_posting_says_so(employer):
    soon = timezone.localdate() + datetime.timedelta(days=5)
    posting = factories.make_posting(employer.employer, valid_until=soon)
    services.renew_posting(posting, by=employer)
    with pytest.raises(services.JobError):
        services.renew_posting(posting, by=employer)
