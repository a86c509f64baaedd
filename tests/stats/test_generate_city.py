"""The benchmark's data set (manage.py generate_city) writes the history the figures
read, consistent with its postings and resumes, in the proportions of a public
employment office. A tiny scale (a few thousand people) keeps it to seconds."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from jobs.models import JobPosting, PostingInterval, Resume, ResumeInterval
from portal.models import OrgUnit
from registration.models import UnemploymentRegistration
from stats.models import EmployedPopulation
from stats.periods import MONTH, Period
from tests import factories

SCALE = 0.001


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Generated once for the module, in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        factories.make_org_tree()
        factories.make_staff("admin")
        output = io.StringIO()
        call_command("generate_city", scale=SCALE, stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def city(generated, db):
    return generated


def _last_day_of_month_after_next(day: datetime.date) -> datetime.date:
    in_it = day.replace(day=1) + datetime.timedelta(days=62)
    return Period.containing(MONTH, in_it).end


def _months() -> list[Period]:
    return Period.containing(MONTH, timezone.localdate()).previous().trend(12)


def _ratio(period: Period) -> float:
    first, last = period.start, period.end
    open_postings = (
        PostingInterval.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .order_by("posting_id", "-starts_on")
        .distinct("posting_id")
    )
    vacancies = sum(open_postings.values_list("headcount", flat=True))
    with_resume = ResumeInterval.objects.filter(starts_on__lte=last, ends_on__gte=first)
    registered = UnemploymentRegistration.objects.filter(
        registered_on__lte=last
    ).filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=first))
    seekers = set(with_resume.values_list("person_id", flat=True))
    seekers |= set(registered.values_list("person_id", flat=True))
    return vacancies / len(seekers)


def test_every_published_posting_has_intervals_within_its_dates_and_runs_once(city):
    today = timezone.localdate()
    opened = JobPosting.objects.exclude(status__in=["pending", "rejected"])
    spans = opened.annotate(
        interval_count=Count("intervals"),
        running=Count("intervals", filter=Q(intervals__is_current=True)),
        first_day=Min("intervals__starts_on"),
        last_day=Max("intervals__ends_on"),
    )
    assert spans.count() == JobPosting.objects.count() >= 500
    for posting in spans:
        published = timezone.localdate(posting.published_at)
        assert posting.interval_count >= 1
        assert posting.first_day == published
        assert posting.last_day <= posting.valid_until
        running = posting.status == JobPosting.Status.PUBLISHED
        assert posting.running == (1 if running else 0)
    assert not PostingInterval.objects.filter(ends_on__lt=F("starts_on")).exists()
    assert not PostingInterval.objects.filter(is_current=True, ends_on__lt=today)
    renewed = spans.filter(interval_count=2)
    assert renewed.exists()
    assert spans.filter(status=JobPosting.Status.CLOSED).exists()


def test_every_resume_counts_until_the_end_of_the_month_after_next(city):
    today = timezone.localdate()
    resumes = Resume.objects.annotate(interval_count=Count("intervals"))
    assert resumes.count() >= 500
    for resume in resumes.prefetch_related("intervals"):
        intervals = sorted(resume.intervals.all(), key=lambda each: each.starts_on)
        assert intervals[0].starts_on == timezone.localdate(resume.created_at)
        for before, after in zip(intervals, intervals[1:], strict=False):
            assert after.starts_on == before.ends_on + datetime.timedelta(days=1)
        updated = timezone.localdate(resume.updated_at)
        assert intervals[-1].ends_on == _last_day_of_month_after_next(updated)
        assert [each.is_current for each in intervals] == [False] * (
            len(intervals) - 1
        ) + [intervals[-1].ends_on >= today]
        assert intervals[-1].expected_salary_min == resume.expected_salary_min
        assert all(each.person_id == resume.person_id for each in intervals)
    assert resumes.filter(interval_count__gt=1).exists()


def test_the_ratio_of_every_recent_month_is_an_employment_offices(city):
    ratios = [_ratio(period) for period in _months()]
    assert all(0.5 <= ratio <= 3 for ratio in ratios), ratios


def test_the_unemployment_rate_divides_by_a_generated_employed_population(city):
    today = timezone.localdate()
    city_unit = OrgUnit.objects.get(level="city")
    figures = EmployedPopulation.objects.filter(year=today.year)
    employed = figures.get(org_unit=city_unit).employed
    districts = figures.filter(org_unit__level="district")
    assert sum(districts.values_list("employed", flat=True)) == employed
    assert set(
        EmployedPopulation.objects.filter(org_unit=city_unit).values_list(
            "year", flat=True
        )
    ) == {today.year - 2, today.year - 1, today.year}
    assert "生成数据" in figures.get(org_unit=city_unit).source
    last = _months()[-1].end
    unemployed = UnemploymentRegistration.objects.registered_on(last).count()
    assert 0.01 <= unemployed / (employed + unemployed) <= 0.06


def test_the_command_ends_with_the_last_twelve_months(city):
    lines = city.splitlines()
    months = [f"{period.start:%Y-%m}" for period in _months()]
    assert [line.split()[0] for line in lines[-12:]] == months


def test_every_reference_written_points_at_a_row(city):
    """The command skips the foreign-key checks, so they are made here."""
    dangling = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not field.many_to_one or not model._base_manager.exists():
                continue
            targets = field.related_model._base_manager.values("pk")
            rows = model._base_manager.exclude(**{f"{field.attname}__isnull": True})
            if rows.exclude(**{f"{field.attname}__in": targets}).exists():
                dangling.append(f"{model._meta.label}.{field.name}")
    assert dangling == []


def test_every_retirement_date_is_the_portals_rule_and_its_function_is_back(city):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE retirement_date IS DISTINCT FROM"
            " portal_retirement_date(id_number, retirement_track)) FROM portal_person"
        )
        people, different = cursor.fetchone()
        cursor.execute(
            "SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
            " WHERE p.proname = 'portal_retirement_date'"
        )
        languages = [row[0] for row in cursor.fetchall()]
    assert people >= 5000
    assert different == 0
    assert languages == ["sql"]
