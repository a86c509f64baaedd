import datetime
import re
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from config.management.commands.setup_schedules import SCHEDULES
from fairs.models import Scan
from jobs.models import PostingInterval, ResumeInterval
from portal.audit import audit
from portal.models import AuditEntry, Notification
from portal.partitioning import partition_table, unpartition_table
from portal.services import maintain_partitions
from portal.services.partitions import month_partitions
from registration.models import EmployedChange
from registration.queries import employed_by_street
from stats.models import ClosedPeriod, Fact, FrozenFact
from stats.periods import Period

D = datetime.date
UTC = datetime.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def run_on(day: D) -> dict:
    """The upkeep as it runs at noon in Shanghai on `day`."""
    noon = datetime.datetime.combine(day, datetime.time(12), SHANGHAI)
    with time_machine.travel(noon, tick=False):
        return maintain_partitions()


def home(model, pk) -> str:
    """The partition a row is stored in."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {model._meta.db_table} "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def partitions_read(queryset) -> set[str]:
    table = queryset.model._meta.db_table
    return set(re.findall(rf"{table}_(?:p\d{{4,6}}|default)", queryset.explain()))


def months(model) -> set[D]:
    with connection.cursor() as cursor:
        return month_partitions(cursor, model._meta.db_table)


def test_a_moment_goes_into_the_partition_of_its_month_in_shanghai(db):
    run_on(D(2030, 12, 1))
    with time_machine.travel(datetime.datetime(2030, 12, 31, 15, 59, 59, 999999, UTC)):
        last = audit(None, "test.last_moment_of_december")  # 23:59:59.999999 +08
    with time_machine.travel(datetime.datetime(2030, 12, 31, 16, 0, tzinfo=UTC)):
        first = audit(None, "test.first_moment_of_january")  # 00:00 +08, 16:00 UTC
    assert home(AuditEntry, last.pk) == "portal_auditentry_p203012"
    assert home(AuditEntry, first.pk) == "portal_auditentry_p203101"


def test_an_interval_moves_to_the_partition_of_the_month_it_now_ends(employer):
    from tests import factories

    run_on(D(2030, 12, 1))
    posting = factories.make_posting(employer.employer)
    interval = posting.intervals.get()
    interval.ends_on = D(2030, 12, 31)
    interval.save(update_fields=["ends_on"])
    assert home(PostingInterval, interval.pk) == "jobs_postinginterval_p203012"
    interval.ends_on = D(2031, 1, 1)
    interval.save(update_fields=["ends_on"])
    assert home(PostingInterval, interval.pk) == "jobs_postinginterval_p203101"
    assert PostingInterval.objects.get(pk=interval.pk).is_current


def test_a_row_no_months_partition_holds_is_kept_and_given_its_month_later(seeker):
    with time_machine.travel(datetime.datetime(2040, 6, 15, 8, tzinfo=UTC)):
        far = Notification.objects.create(recipient=seeker, subject="s", body="b")
        entry = audit(seeker, "test.from_the_future", data={"n": 1})
    with time_machine.travel(datetime.datetime(2099, 1, 15, 8, tzinfo=UTC)):
        too_far = Notification.objects.create(recipient=seeker, subject="s", body="b")
    assert home(Notification, far.pk) == "portal_notification_default"
    assert home(AuditEntry, entry.pk) == "portal_auditentry_default"

    run_on(D(2039, 1, 10))  # June 2040 is within two years; 2099 is not

    assert home(Notification, far.pk) == "portal_notification_p204006"
    assert home(AuditEntry, entry.pk) == "portal_auditentry_p204006"
    assert home(Notification, too_far.pk) == "portal_notification_default"
    assert D(2099, 1, 1) not in months(Notification)
    moved = AuditEntry.objects.get(pk=entry.pk)
    assert (moved.actor, moved.action, moved.data) == (seeker, entry.action, {"n": 1})
    assert moved.created_at == entry.created_at
    created = AuditEntry.objects.filter(
        action="portal.partition.created", data__partition="portal_notification_p204006"
    ).get()
    assert created.data["rows_moved_from_default"] == 1
    for model, left in ((AuditEntry, 0), (Notification, 1)):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {model._meta.db_table}_default")
            assert cursor.fetchone()[0] == left
    # The next insert after the default was rebuilt lands as before.
    assert audit(None, "test.after").pk > entry.pk


def test_the_task_creates_this_month_and_three_ahead_and_a_second_run_does_nothing(
    db,
):
    first = run_on(D(2032, 5, 20))
    ahead = [D(2032, 5, 1), D(2032, 6, 1), D(2032, 7, 1), D(2032, 8, 1)]
    assert {table: done["created"] for table, done in first.items()} == {
        "portal_auditentry": ahead,
        "portal_notification": ahead,
        "fairs_scan": ahead,
        "jobs_postinginterval": ahead,
        "jobs_resumeinterval": ahead,
        # By year: August is still in 2032.
        "registration_employedchange": [D(2032, 1, 1)],
        "stats_fact": [D(2032, 1, 1)],
        "stats_frozenfact": [D(2032, 1, 1)],
    }
    created = AuditEntry.objects.filter(action="portal.partition.created")
    assert created.count() == 5 * 4 + 3
    assert created.filter(data__partition="stats_fact_p2032").exists()
    entries = AuditEntry.objects.count()

    second = run_on(D(2032, 5, 21))

    assert all(done == {"created": [], "dropped": []} for done in second.values())
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    "model, keep",
    [
        (AuditEntry, 36),
        (Notification, 12),
        (Scan, 24),
        (PostingInterval, 36),
        (ResumeInterval, 36),
    ],
)
def test_a_months_partition_is_dropped_once_its_retention_has_passed(db, model, keep):
    assert model.partitioning.keep_months == keep
    run_on(D(2031, 3, 1))
    march = D(2031, 3, 1)
    year, month = divmod(2031 * 12 + 2 + keep, 12)
    kept_until = D(year, month + 1, 1)  # March 2031 plus `keep` months

    run_on(kept_until)
    assert march in months(model)
    assert min(months(model)) == march  # every older month is gone

    run_on(kept_until + datetime.timedelta(days=31))
    assert march not in months(model)
    dropped = AuditEntry.objects.filter(
        action="portal.partition.dropped",
        data__partition=f"{model._meta.db_table}_p203103",
    ).get()
    assert dropped.data["kept_months"] == keep


def test_dropping_a_notifications_month_removes_its_rows_and_says_how_many(seeker):
    run_on(D(2031, 3, 1))
    with time_machine.travel(datetime.datetime(2031, 3, 10, 8, tzinfo=UTC)):
        old = Notification.objects.create(recipient=seeker, subject="s", body="b")
    run_on(D(2032, 4, 1))
    assert not Notification.objects.filter(pk=old.pk).exists()
    dropped = AuditEntry.objects.get(
        action="portal.partition.dropped",
        data__partition="portal_notification_p203103",
    )
    assert dropped.data["rows"] == 1
    assert dropped.actor is None


def test_the_audit_trail_stays_append_only_after_partitioning(db):
    from django.db import DatabaseError, transaction

    run_on(D(2031, 3, 1))
    with time_machine.travel(datetime.datetime(2031, 3, 10, 8, tzinfo=UTC)):
        entry = audit(None, "test.kept")
    for change in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(action="x"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()


def test_a_months_query_reads_only_that_months_partition(db):
    run_on(D(2031, 1, 1))
    start = datetime.datetime(2031, 2, 1, tzinfo=datetime.timezone(
        datetime.timedelta(hours=8)))  # fmt: skip
    end = datetime.datetime(2031, 3, 1, tzinfo=start.tzinfo)
    for model, column in [
        (AuditEntry, "created_at"),
        (Notification, "created_at"),
        (Scan, "scanned_at"),
    ]:
        month = model.objects.filter(**{f"{column}__gte": start, f"{column}__lt": end})
        assert partitions_read(month) == {f"{model._meta.db_table}_p203102"}


def test_a_periods_intervals_are_read_from_the_months_it_can_end_in(db):
    run_on(D(2031, 1, 1))
    for model in (PostingInterval, ResumeInterval):
        table = model._meta.db_table
        # The overlap the figures ask for (stats/supply_demand.py).
        february = model.objects.filter(
            starts_on__lte=D(2031, 2, 28), ends_on__gte=D(2031, 2, 1)
        )
        read = partitions_read(february)
        assert f"{table}_p203102" in read and f"{table}_p203101" not in read
        assert all(
            name == f"{table}_default" or name >= f"{table}_p203102" for name in read
        )
        assert len(read) < len(months(model)) + 1


def test_converting_a_table_keeps_its_rows_ids_indexes_and_constraints(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TABLE scratch_history (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                at timestamptz NOT NULL,
                actor_id bigint REFERENCES portal_user (id)
                    DEFERRABLE INITIALLY DEFERRED,
                note varchar(20) NOT NULL CHECK (note <> ''));
            CREATE INDEX scratch_note ON scratch_history (note);
            INSERT INTO scratch_history (at, note) VALUES
                ('2020-05-31 23:30+08', 'may'), ('2020-05-31 16:30+00', 'june'),
                (now(), 'now');
            """
        )
        partition_table(cursor, "scratch_history", "at")
        cursor.execute(
            "SELECT note, tableoid::regclass::text FROM scratch_history ORDER BY id"
        )
        assert cursor.fetchall() == [
            ("may", "scratch_history_p202005"),
            ("june", "scratch_history_p202006"),
            ("now", f"scratch_history_p{timezone.localdate():%Y%m}"),
        ]
        cursor.execute(
            "INSERT INTO scratch_history (at, note) VALUES (now(), 'next') RETURNING id"
        )
        assert cursor.fetchone()[0] == 4
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = "
            "'scratch_history'::regclass AND contype IN ('c', 'f', 'p') ORDER BY 1"
        )
        kinds = [name for (name,) in cursor.fetchall()]
        assert kinds == [
            "scratch_history_actor_id_fkey",
            "scratch_history_note_check",
            "scratch_history_pkey",
        ]
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = 'scratch_note'"
        )
        assert cursor.fetchone() == ("scratch_note",)

        unpartition_table(cursor, "scratch_history")
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'scratch_history'")
        assert cursor.fetchone() == ("r",)
        cursor.execute("SELECT count(*), max(id) FROM scratch_history")
        assert cursor.fetchone() == (4, 4)


def test_the_upkeep_runs_every_night():
    assert "portal.tasks.maintain_partitions" in [each["func"] for each in SCHEDULES]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_running_the_upkeep_at_once_create_each_partition_once():
    from django.db import connections

    from portal.partitioning import add_months, month_start, partition_name
    from portal.services.partitions import partitioned_models

    spans = {
        model._meta.db_table: model.partitioning.span for model in partitioned_models()
    }
    barrier = threading.Barrier(2)
    outcomes, created = [], set()

    def attempt():
        try:
            barrier.wait()
            done = maintain_partitions()
            for table, each in done.items():
                created.update(
                    partition_name(table, month, spans[table])
                    for month in each["created"]
                )
                assert each["dropped"] == []
            outcomes.append(sum(len(each["created"]) for each in done.values()))
        except Exception as error:  # a duplicate table, say: reported below
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    # Half a year on: months past the partitions the migrations made, and none
    # old enough to drop, so the test database is left as it was.
    later = add_months(month_start(timezone.localdate()), 6)
    noon = datetime.datetime.combine(later, datetime.time(12), SHANGHAI)
    try:
        with time_machine.travel(noon, tick=False):
            threads = [threading.Thread(target=attempt) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        # Each table is its own transaction, so either worker may do a table's
        # share; together they create each of the 5 × 4 months (and a year, when
        # the half year reaches into one without a partition) once, without error.
        assert all(isinstance(count, int) for count in outcomes)
        assert sum(outcomes) == len(created) >= 5 * 4
        assert AuditEntry.objects.filter(
            action="portal.partition.created"
        ).count() == len(created)
    finally:
        # DDL outlives a transactional test (a flush empties tables only).
        with connection.cursor() as cursor:
            for name in created:
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')


def a_fact(unit, period: Period, value=1) -> Fact:
    return Fact.objects.create(
        indicator="seekers",
        org_unit=unit,
        period_kind=period.kind,
        period_start=period.start,
        value=value,
    )


def test_a_periods_figures_are_read_from_the_partition_of_its_year(foshan, leader):
    run_on(D(2030, 12, 1))  # 2030 and 2031, as March 2031 is three months on
    february = Period("month", D(2031, 2, 1))
    assert partitions_read(Fact.objects.for_period(february)) == {"stats_fact_p2031"}
    a_fact(foshan["city"], february)
    assert home(Fact, Fact.objects.get().pk) == "stats_fact_p2031"
    # A closed period's report reads the figures frozen with it (stats.queries).
    closed = ClosedPeriod.objects.create(
        period_kind="month", period_start=D(2031, 2, 1), closed_by=leader
    )
    compared = FrozenFact.objects.filter(closed=closed).filter(
        Q(period_kind="month", period_start=D(2030, 12, 1))
        | Q(period_kind="month", period_start=D(2031, 1, 1))
    )
    assert partitions_read(compared) == {
        "stats_frozenfact_p2030",
        "stats_frozenfact_p2031",
    }


def test_a_days_people_in_work_skip_the_years_after_it(foshan):
    run_on(D(2030, 12, 1))
    street = foshan["chancheng_street"].code[:9]
    for day, change in [(D(2030, 5, 1), 3), (D(2031, 6, 1), 2), (D(2045, 3, 1), -5)]:
        EmployedChange.objects.create(street=street, day=day, change=change)
    run_on(D(2030, 12, 2))  # 2045, a retirement day, gets its year
    assert home(EmployedChange, EmployedChange.objects.get(day__year=2045).pk) == (
        "registration_employedchange_p2045"
    )
    assert employed_by_street(D(2031, 6, 30)) == {street: 5}
    assert employed_by_street(D(2045, 3, 1)) == {}
    with connection.cursor() as cursor:
        cursor.execute(  # the statement of registration.queries.employed_by_street
            """EXPLAIN SELECT street, sum(change) FROM registration_employedchange
               WHERE day <= %s GROUP BY street HAVING sum(change) <> 0""",
            [D(2031, 6, 30)],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    read = set(re.findall(r"registration_employedchange_(?:p\d{4}|default)", plan))
    assert "registration_employedchange_p2031" in read
    assert "registration_employedchange_p2045" not in read
    assert all(
        name.endswith("_default") or name <= "registration_employedchange_p2031"
        for name in read
    )


@pytest.mark.parametrize("model", [Fact, FrozenFact, EmployedChange])
def test_stored_figures_and_changes_of_people_in_work_are_never_dropped(foshan, model):
    assert model.partitioning.keep_months is None
    run_on(D(2031, 3, 1))
    a_fact(foshan["city"], Period("month", D(2031, 3, 1)))
    EmployedChange.objects.create(street="440604001", day=D(2031, 3, 1), change=1)

    done = run_on(D(2080, 1, 1))

    assert done[model._meta.db_table]["dropped"] == []
    assert D(2031, 1, 1) in months(model)
    assert Fact.objects.filter(period_start=D(2031, 3, 1)).exists()
    assert EmployedChange.objects.filter(day=D(2031, 3, 1)).exists()


def test_a_years_partition_is_dropped_once_its_years_have_passed(foshan, monkeypatch):
    from portal.partitioning import Yearly

    monkeypatch.setattr(Fact, "partitioning", Yearly("period_start", keep_years=10))
    run_on(D(2031, 3, 1))
    a_fact(foshan["city"], Period("year", D(2031, 1, 1)))

    earlier = run_on(D(2041, 12, 31))["stats_fact"]["dropped"]
    assert earlier and max(earlier) < D(2031, 1, 1)
    assert D(2031, 1, 1) in months(Fact)
    assert run_on(D(2042, 1, 1))["stats_fact"]["dropped"] == [D(2031, 1, 1)]

    assert D(2031, 1, 1) not in months(Fact)
    dropped = AuditEntry.objects.get(
        action="portal.partition.dropped", data__partition="stats_fact_p2031"
    )
    assert (dropped.data["rows"], dropped.data["kept_months"]) == (1, 120)


def test_a_year_the_default_caught_gets_its_partition_within_the_tables_horizon(db):
    run_on(D(2031, 1, 10))
    near = EmployedChange.objects.create(
        street="440604001", day=D(2090, 6, 1), change=1
    )
    far = EmployedChange.objects.create(street="440604001", day=D(2095, 6, 1), change=1)
    for row in (near, far):
        assert home(EmployedChange, row.pk) == "registration_employedchange_default"

    done = run_on(D(2031, 1, 11))  # sixty years on: 2090 is within, 2095 is not

    assert done["registration_employedchange"]["created"] == [D(2090, 1, 1)]
    assert home(EmployedChange, near.pk) == "registration_employedchange_p2090"
    assert home(EmployedChange, far.pk) == "registration_employedchange_default"


def test_converting_a_table_by_year_gives_every_year_of_its_rows_a_partition(db):
    this_year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TABLE scratch_changes (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                day date NOT NULL);
            INSERT INTO scratch_changes (day) VALUES
                ('2019-12-31'), (current_date), ('2070-01-01'), ('2200-01-01');
            """
        )
        partition_table(cursor, "scratch_changes", "day", span=12, ahead=60 * 12)
        cursor.execute(
            "SELECT tableoid::regclass::text FROM scratch_changes ORDER BY id"
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "scratch_changes_p2019",
            f"scratch_changes_p{this_year}",
            "scratch_changes_p2070",
            "scratch_changes_default",  # beyond sixty years: bad data waits
        ]
        assert month_partitions(cursor, "scratch_changes") == {
            D(year, 1, 1) for year in range(2019, 2071)
        }
        # Analyzed: the planner knows the new table (autovacuum never would).
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'scratch_changes' "
            "AND attname = 'day' AND inherited"
        )
        assert cursor.fetchone()[0] == 1
