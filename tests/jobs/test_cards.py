import datetime

import pytest
from django.utils import timezone

from jobs import cards, search_plans, services
from jobs.models import JobPosting
from portal.models import Employer
from tests import factories


@pytest.fixture
def postings(employer, other_employer):
    """Public postings, with and without a place, and some that are not public."""
    shown = [
        factories.make_posting(employer.employer, title="仓库主管", experience_years=2),
        factories.make_posting(
            employer.employer, title="<b>夜班</b>", salary_min=None, salary_max=None
        ),
        factories.make_posting(
            other_employer.employer, title="兼职", latitude=None, longitude=None
        ),
        factories.make_posting(
            other_employer.employer, title="远处", latitude=22.9, longitude=112.89
        ),
    ]
    closed = factories.make_posting(employer.employer, title="已关闭")
    services.close_posting(closed, by=employer)
    pending = factories.make_posting(employer.employer, title="待审", publish=False)
    lapsed = factories.make_posting(employer.employer, title="过期")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    JobPosting.objects.filter(pk=lapsed.pk).update(valid_until=yesterday)
    unverified = factories.make_employer_user(
        org_unit=other_employer.employer.org_unit, name="未认证公司"
    ).employer
    hidden = factories.make_posting(unverified, title="未认证")
    Employer.objects.filter(pk=unverified.pk).update(
        verification_status=Employer.Verification.PENDING
    )
    return shown, [closed, pending, lapsed, hidden]


def _orm_rows(params, ids):
    return sorted(search_plans.card_rows(params, ids), key=lambda row: row["pk"])


def _rows(params, ids):
    return sorted(cards.card_rows(params, ids), key=lambda row: row["pk"])


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "主管"}, {"lat": 23.02, "lng": 113.12}, {"lat": -5.5, "lng": 0}],
)
def test_the_cards_rows_are_those_the_orm_reads(postings, params):
    shown, hidden = postings
    every = [p.pk for p in shown + hidden]
    missing = max(every) + 1000
    for ids in [
        every,
        every[::-1],
        every[:2],
        every[3:],
        [hidden[0].pk],
        [],
        [missing],
    ]:
        rows = _rows(params, ids)
        assert rows == _orm_rows(params, ids)
        assert {row["pk"] for row in rows} <= {p.pk for p in shown}
    assert len(_rows(params, every)) == len(shown)


def test_the_same_query_answers_another_requests_ids_and_point(postings):
    shown, _hidden = postings
    first = {"lat": 23.02, "lng": 113.12}
    second = {"lat": 22.9, "lng": 112.89}
    assert _rows(first, [shown[0].pk]) == _orm_rows(first, [shown[0].pk])
    assert _rows(second, [shown[3].pk]) == _orm_rows(second, [shown[3].pk])
    assert _rows(second, [shown[3].pk])[0]["distance_km"] < 0.01


def test_a_posting_valid_until_today_is_gone_tomorrow(postings, monkeypatch):
    shown, _hidden = postings
    today = timezone.localdate()
    JobPosting.objects.filter(pk=shown[0].pk).update(valid_until=today)
    assert [row["pk"] for row in _rows({}, [shown[0].pk])] == [shown[0].pk]
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert _rows({}, [shown[0].pk]) == []
    assert _rows({}, [shown[1].pk]) == _orm_rows({}, [shown[1].pk])
