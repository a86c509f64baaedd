"""The intervals the statistics read: written by the services when a posting opens
or stops and when a resume is saved; a day that has passed is never rewritten;
one running interval per posting and resume, also under concurrent calls."""

import datetime
import importlib
import random
import threading
import time
import zoneinfo
from collections import Counter
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import JobPosting, PostingInterval, ResumeInterval
from jobs.services import history
from portal.models import Person
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def on(day: datetime.date):
    """The clock at noon of `day` in the portal's time zone."""
    moment = datetime.datetime.combine(day, datetime.time(12), SHANGHAI)
    return time_machine.travel(moment, tick=False)


def spans(owner) -> list[tuple]:
    return [
        (interval.starts_on, interval.ends_on, interval.is_current)
        for interval in owner.intervals.order_by("starts_on", "id")
    ]


def reload(posting) -> JobPosting:
    return JobPosting.objects.get(pk=posting.pk)


def test_approval_opens_the_posting_until_its_closing_date(employer):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(
            employer.employer, headcount=3, education="bachelor",
            valid_until=D(2026, 11, 7),
        )  # fmt: skip
    [interval] = posting.intervals.all()
    assert (interval.starts_on, interval.ends_on, interval.is_current) == (
        D(2026, 10, 8),
        D(2026, 11, 7),
        True,
    )
    company = employer.employer
    assert (interval.employer, interval.org_unit, interval.headcount) == (
        company,
        posting.org_unit,
        3,
    )
    assert (interval.industry, interval.ownership) == (
        company.industry,
        company.ownership,
    )
    assert (interval.occupation_group, interval.occupation_name) == ("3", "仓库管理")
    assert (interval.education, interval.salary_min) == ("bachelor", 5000)


def test_a_pending_or_returned_posting_has_no_interval(employer, caseworker):
    posting = factories.make_posting(employer.employer, publish=False)
    services.reject_posting(posting, by=caseworker, reason="请写明工作时间")
    assert not PostingInterval.objects.exists()


def test_pausing_stops_it_that_day_and_resuming_starts_a_new_one(employer):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 11, 7))
    with on(D(2026, 10, 12)):
        services.pause_posting(reload(posting), by=employer)
    with on(D(2026, 10, 20)):
        services.resume_posting(reload(posting), by=employer)
    assert spans(posting) == [
        (D(2026, 10, 8), D(2026, 10, 12), False),
        (D(2026, 10, 20), D(2026, 11, 7), True),
    ]


def test_renewing_an_open_posting_extends_its_interval(employer):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 10, 15))
    with on(D(2026, 10, 14)):
        services.renew_posting(reload(posting), by=employer)
    assert spans(posting) == [(D(2026, 10, 8), D(2026, 11, 13), True)]


def test_renewing_a_paused_posting_opens_nothing_until_it_is_resumed(employer):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 10, 15))
        services.pause_posting(reload(posting), by=employer)
    with on(D(2026, 10, 14)):
        services.renew_posting(reload(posting), by=employer)
        assert spans(posting) == [(D(2026, 10, 8), D(2026, 10, 8), False)]
    with on(D(2026, 10, 16)):
        services.resume_posting(reload(posting), by=employer)
    assert spans(posting)[-1] == (D(2026, 10, 16), D(2026, 11, 13), True)


def test_expiry_stops_it_on_its_closing_date_and_renewal_starts_on_the_day(employer):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 10, 15))
    with on(D(2026, 10, 16)):
        assert services.expire_postings() == 1
    with on(D(2026, 12, 3)):
        services.renew_posting(reload(posting), by=employer)
    assert spans(posting) == [
        (D(2026, 10, 8), D(2026, 10, 15), False),
        (D(2026, 12, 3), D(2027, 1, 2), True),
    ]


def test_a_lapsed_posting_not_yet_expired_is_renewed_from_the_day(employer):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 10, 15))
    with on(D(2026, 10, 20)):  # before the nightly expiry ran
        services.renew_posting(reload(posting), by=employer)
    assert spans(posting) == [
        (D(2026, 10, 8), D(2026, 10, 15), False),
        (D(2026, 10, 20), D(2026, 11, 19), True),
    ]


def test_an_edit_stops_the_posting_until_it_is_approved_again(employer, caseworker):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 11, 7))
    with on(D(2026, 10, 12)):
        posting = reload(posting)
        posting.headcount = 9
        services.save_posting(posting, by=employer)
    with on(D(2026, 10, 14)):
        services.approve_posting(reload(posting), by=caseworker)
    assert spans(posting) == [
        (D(2026, 10, 8), D(2026, 10, 12), False),
        (D(2026, 10, 14), D(2026, 11, 7), True),
    ]
    old, new = posting.intervals.order_by("starts_on")
    assert (old.headcount, new.headcount) == (1, 9)


def test_closing_stops_it_and_nothing_opens_it_again(employer):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 11, 7))
    with on(D(2026, 10, 9)):
        services.close_posting(reload(posting), by=employer)
    assert spans(posting) == [(D(2026, 10, 8), D(2026, 10, 9), False)]


def test_a_resume_counts_until_the_end_of_the_month_after_next(seeker):
    with on(D(2026, 10, 31)):
        resume = factories.make_resume(seeker, expected_salary_min=4500)
    [interval] = resume.intervals.all()
    assert (interval.starts_on, interval.ends_on, interval.is_current) == (
        D(2026, 10, 31),
        D(2026, 12, 31),
        True,
    )
    assert (interval.person, interval.org_unit) == (
        seeker.person,
        seeker.person.residence,
    )
    assert (interval.occupation_group, interval.occupations) == ("2", "会计 出纳")
    assert interval.expected_salary_min == 4500
    assert [history.resume_ends_on(D(2026, month, 15)) for month in (11, 12)] == [
        D(2027, 1, 31),
        D(2027, 2, 28),
    ]


def test_an_unchanged_resume_saved_again_extends_its_interval(seeker):
    with on(D(2026, 10, 5)):
        resume = factories.make_resume(seeker)
    with on(D(2026, 11, 20)):
        resume.self_introduction = "踏实肯干"
        services.save_resume(resume, by=seeker)
    assert spans(resume) == [(D(2026, 10, 5), D(2027, 1, 31), True)]


def test_a_changed_resume_ends_its_interval_yesterday_and_starts_a_new_one(seeker):
    with on(D(2026, 10, 5)):
        resume = factories.make_resume(seeker)
    with on(D(2026, 11, 20)):
        resume.intended_occupation_groups = ["6"]
        services.save_resume(resume, by=seeker)
    assert spans(resume) == [
        (D(2026, 10, 5), D(2026, 11, 19), False),
        (D(2026, 11, 20), D(2027, 1, 31), True),
    ]
    assert [i.occupation_group for i in resume.intervals.order_by("starts_on")] == [
        "2",
        "6",
    ]


def test_a_resume_changed_on_the_day_it_was_saved_keeps_one_interval(seeker):
    with on(D(2026, 10, 5)):
        resume = factories.make_resume(seeker)
        resume.expected_salary_min = 7000
        services.save_resume(resume, by=seeker)
    [interval] = resume.intervals.all()
    assert (interval.starts_on, interval.expected_salary_min) == (D(2026, 10, 5), 7000)


def test_a_lapsed_resume_saved_again_starts_a_new_interval(seeker):
    with on(D(2026, 10, 5)):
        resume = factories.make_resume(seeker)
    with on(D(2027, 2, 10)):
        services.save_resume(resume, by=seeker)
    assert spans(resume) == [
        (D(2026, 10, 5), D(2026, 12, 31), False),
        (D(2027, 2, 10), D(2027, 4, 30), True),
    ]


def test_a_move_counts_in_the_new_residence_from_the_next_save(seeker, foshan):
    with on(D(2026, 10, 5)):
        resume = factories.make_resume(seeker)
    Person.objects.filter(pk=seeker.person.pk).update(residence=foshan["nanhai_street"])
    with on(D(2026, 11, 2)):
        resume.person.refresh_from_db()
        services.save_resume(resume, by=seeker)
    old, new = resume.intervals.order_by("starts_on")
    assert (old.org_unit, new.org_unit) == (
        foshan["chancheng_community"],
        foshan["nanhai_street"],
    )


def _days() -> dict:
    """Which intervals (and their attributes) cover each day."""
    covered = {}
    for model, attribute in [
        (PostingInterval, "headcount"),
        (ResumeInterval, "occupation_group"),
    ]:
        for interval in model.objects.all():
            day = interval.starts_on
            while day <= interval.ends_on:
                covered.setdefault(day, set()).add(
                    (model.__name__, interval.pk, getattr(interval, attribute),
                     interval.org_unit_id)
                )  # fmt: skip
                day += datetime.timedelta(days=1)
    return covered


def test_no_service_rewrites_a_day_that_has_passed(
    employer, caseworker, seeker, foshan
):
    """Random actions day after day; after each one, every day before today is
    covered by the same intervals with the same attributes."""
    chance = random.Random(15)
    day = D(2026, 9, 1)
    with on(day):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 9, 20))
        resume = factories.make_resume(seeker)
    actions = {"edit": 1, "approve": 3, "pause": 2, "resume": 3, "renew": 2,
               "close": 1, "expire": 2, "update_resume": 2}  # fmt: skip
    done = Counter()
    for _step in range(100):
        day += datetime.timedelta(days=chance.choice([0, 0, 1, 1, 2, 5]))
        before = _days()
        [action] = chance.choices(list(actions), weights=list(actions.values()))
        with on(day):
            posting = reload(posting)
            try:
                if action == "edit":
                    posting.headcount = chance.randint(1, 9)
                    posting.valid_until = day + datetime.timedelta(days=10)
                    services.save_posting(posting, by=employer)
                elif action == "expire":
                    if not services.expire_postings():
                        raise services.JobError("nothing to expire")
                elif action == "approve":
                    services.approve_posting(posting, by=caseworker)
                elif action == "update_resume":
                    resume.intended_occupation_groups = [chance.choice("2346")]
                    services.save_resume(resume, by=seeker)
                else:
                    getattr(services, f"{action}_posting")(posting, by=employer)
                done[action] += 1
            except services.JobError:
                pass
            if reload(posting).status == JobPosting.Status.CLOSED:
                posting = factories.make_posting(
                    employer.employer, valid_until=day + datetime.timedelta(days=7)
                )
        after = _days()
        settled = day - datetime.timedelta(days=1)
        assert {d: v for d, v in before.items() if d <= settled} == {
            d: v for d, v in after.items() if d <= settled
        }, (day, action)
        # A public posting has one running interval, to its closing date; a
        # resume one, to the end of the month after next after its last save.
        [running] = resume.intervals.filter(is_current=True)
        assert running.occupation_group == resume.intended_occupation_groups[0]
        for each in JobPosting.objects.all():
            running = [i.ends_on for i in each.intervals.filter(is_current=True)]
            if each.status != JobPosting.Status.PUBLISHED:
                assert running == [], (day, action)
            elif each.valid_until >= day:
                assert running == [each.valid_until], (day, action)
    assert set(done) == set(actions), done  # every action happened


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("action", ["approve", "renew"])
def test_two_concurrent_calls_leave_one_running_interval(action, monkeypatch):
    foshan = factories.make_org_tree()
    company = factories.make_employer(org_unit=foshan["chancheng_street"])
    caseworker = factories.make_staff("caseworker", org_unit=foshan["city"])
    soon = timezone.localdate() + datetime.timedelta(days=3)
    posting = factories.make_posting(company, publish=action != "approve",
                                     valid_until=soon)  # fmt: skip
    opened = history.open_posting

    def slowly(posting):
        time.sleep(0.3)  # the other call has read the posting by now
        opened(posting)

    monkeypatch.setattr(history, "open_posting", slowly)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            call = getattr(services, f"{action}_posting")
            call(JobPosting.objects.get(pk=posting.pk), by=caseworker)
            outcomes.append("ok")
        except services.JobError:
            outcomes.append("refused")
        except Exception as error:  # an IntegrityError, say: reported below
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    [running] = PostingInterval.objects.filter(posting=posting, is_current=True)
    assert running.ends_on == JobPosting.objects.get(pk=posting.pk).valid_until


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_resume_saves_leave_one_running_interval(monkeypatch):
    foshan = factories.make_org_tree()
    seeker = factories.make_seeker(residence=foshan["chancheng_street"])
    resume = factories.make_resume(seeker)
    ResumeInterval.objects.update(starts_on=D(2026, 1, 1))
    saved = history.save_resume_interval

    def slowly(resume):
        time.sleep(0.3)
        saved(resume)

    monkeypatch.setattr(history, "save_resume_interval", slowly)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(group):
        try:
            barrier.wait()
            mine = type(resume).objects.get(pk=resume.pk)
            mine.intended_occupation_groups = [group]
            services.save_resume(mine, by=seeker)
            outcomes.append("ok")
        except Exception as error:  # an IntegrityError, say: reported below
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(g,)) for g in ("4", "6")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["ok", "ok"]
    assert ResumeInterval.objects.filter(is_current=True).count() == 1


def test_the_backfill_gives_earlier_rows_the_intervals_their_dates_imply(
    employer, seeker
):
    backfill = importlib.import_module("jobs.migrations.0010_backfill_intervals")
    company = employer.employer
    with on(D(2026, 10, 8)):
        published = factories.make_posting(
            company, headcount=3, valid_until=D(2026, 11, 7)
        )
        paused, closed = (
            factories.make_posting(company, valid_until=D(2026, 11, 7))
            for _ in range(2)
        )
        expired = factories.make_posting(company, valid_until=D(2026, 10, 20))
        pending = factories.make_posting(company, publish=False)
        resume = factories.make_resume(seeker)
    with on(D(2026, 10, 12)):
        services.pause_posting(reload(paused), by=employer)
        services.close_posting(reload(closed), by=employer)
    with on(D(2026, 10, 21)):
        services.expire_postings()
    with on(D(2026, 11, 20)):
        services.save_resume(resume, by=seeker)
    PostingInterval.objects.all().delete()
    ResumeInterval.objects.all().delete()
    schema_editor = SimpleNamespace(connection=connection)
    with on(D(2026, 12, 7)):
        backfill.backfill(apps, schema_editor)
    assert [spans(posting) for posting in (published, paused, closed, expired)] == [
        [(D(2026, 10, 8), D(2026, 11, 7), True)],
        [(D(2026, 10, 8), D(2026, 10, 12), False)],
        [(D(2026, 10, 8), D(2026, 10, 12), False)],
        [(D(2026, 10, 8), D(2026, 10, 20), False)],
    ]
    assert spans(pending) == []
    assert spans(resume) == [(D(2026, 10, 8), D(2027, 1, 31), True)]
    interval = published.intervals.get()
    assert (interval.headcount, interval.employer, interval.industry) == (
        3,
        company,
        company.industry,
    )
    assert resume.intervals.get().org_unit == seeker.person.residence
    with on(D(2026, 12, 7)):
        backfill.backfill(apps, schema_editor)  # again: nothing twice
    assert PostingInterval.objects.count() == 4
    backfill.delete(apps, schema_editor)
    assert not PostingInterval.objects.exists()
    assert not ResumeInterval.objects.exists()


def test_the_back_office_shows_a_postings_intervals_read_only(
    client, employer, caseworker
):
    with on(D(2026, 10, 8)):
        posting = factories.make_posting(employer.employer, valid_until=D(2026, 11, 7))
    with on(D(2026, 10, 12)):
        services.pause_posting(reload(posting), by=employer)
    client.force_login(caseworker)
    page = client.get(reverse("admin:jobs_jobposting_change", args=[posting.pk]))
    assert page.status_code == 200
    assert "2026年10月8日" in page.text and "2026年10月12日" in page.text
    assert 'name="intervals-0-ends_on"' not in page.text  # nothing to edit
