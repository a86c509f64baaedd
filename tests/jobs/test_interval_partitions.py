"""The intervals' tables are partitioned by the month they end
(jobs/migrations/0019_partition_intervals.py): one running interval per posting and
per resume is kept by a trigger across the partitions, not by a unique index."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from jobs.models import PostingInterval, ResumeInterval
from tests import factories


def a_copy(interval, **changes):
    fields = {
        field.attname: getattr(interval, field.attname)
        for field in type(interval)._meta.concrete_fields
        if field.attname != "id"
    }
    return type(interval)(**{**fields, **changes})


def test_a_second_running_interval_is_refused_whatever_month_it_ends_in(
    employer, seeker
):
    posting = factories.make_posting(employer.employer)
    resume = factories.make_resume(seeker)
    for running in (posting.intervals.get(), resume.intervals.get()):
        later = running.ends_on + datetime.timedelta(days=365)
        with pytest.raises(IntegrityError), transaction.atomic():
            a_copy(running, ends_on=later).save()
        a_copy(running, ends_on=later, is_current=False).save()  # a past one may
        with pytest.raises(IntegrityError), transaction.atomic():
            type(running).objects.filter(is_current=False).update(is_current=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("model", [PostingInterval, ResumeInterval])
def test_two_writers_at_once_leave_one_running_interval(model):
    foshan = factories.make_org_tree()
    if model is PostingInterval:
        company = factories.make_employer(org_unit=foshan["chancheng_street"])
        owner = factories.make_posting(company)
    else:
        owner = factories.make_resume(
            factories.make_seeker(residence=foshan["chancheng_street"])
        )
    running = owner.intervals.get()
    model.objects.filter(pk=running.pk).update(is_current=False)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(years):
        # No row lock on the owner here, unlike the services: only the database
        # stands between the two.
        try:
            with transaction.atomic():
                barrier.wait()
                # One in this month's partition, one in another (or the default).
                ends_on = running.ends_on + datetime.timedelta(days=365 * years)
                a_copy(running, ends_on=ends_on, is_current=True).save()
                time.sleep(0.3)  # the other writer inserts meanwhile
            outcomes.append("ok")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert model.objects.filter(is_current=True).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("model", [PostingInterval, ResumeInterval])
def test_only_an_interval_becoming_running_takes_the_owners_lock(
    model,
):
    foshan = factories.make_org_tree()
    if model is PostingInterval:
        company = factories.make_employer(org_unit=foshan["chancheng_street"])
        owner = factories.make_posting(company)
    else:
        owner = factories.make_resume(
            factories.make_seeker(residence=foshan["chancheng_street"])
        )
    running = owner.intervals.get()
    day = datetime.timedelta(days=-1 if running.ends_on.day > 1 else 1)
    rows = model.objects.filter(pk=running.pk)

    def locks_taken_by(change) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            rows.update(**change)
            cursor.execute(
                "SELECT count(*) FROM pg_locks "
                "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            )
            return cursor.fetchone()[0]

    assert locks_taken_by({"ends_on": running.ends_on + day}) == 0  # same month
    assert locks_taken_by({"is_current": False}) == 0
    assert locks_taken_by({"is_current": True}) == 1


def test_a_running_interval_moved_to_an_owner_with_one_running_is_refused(employer):
    first = factories.make_posting(employer.employer).intervals.get()
    second = factories.make_posting(employer.employer).intervals.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PostingInterval.objects.filter(pk=first.pk).update(posting=second.posting)
