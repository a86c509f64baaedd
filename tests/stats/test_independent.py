"""Every supply–demand figure the reports print, recomputed independently in
Python from the registry rows and compared with the stored facts."""

import datetime
from collections import Counter

import time_machine
from django.utils import timezone

from jobs.models import JobPosting, Resume
from stats import services, tasks
from stats.models import Fact
from stats.periods import Period
from tests import factories

EDUCATION = {"none": "junior_or_below", "primary": "junior_or_below",
             "junior": "junior_or_below", "senior": "senior", "vocational": "senior",
             "college": "college", "bachelor": "bachelor",
             "master": "master_or_above", "doctorate": "master_or_above"}  # fmt: skip


def sector(industry):
    if not industry:
        return "unknown"
    return "1" if industry == "A" else "2" if industry in "BCDE" else "3"


def salary(low):
    if low is None:
        return "negotiable"
    return ("below_3000" if low < 3000 else "3000_4999" if low < 5000
            else "5000_7999" if low < 8000 else "8000_plus")  # fmt: skip


def age_band(person, day):
    age = person.age(day)
    return ("16-24" if age < 25 else "25-34" if age < 35
            else "35-44" if age < 45 else "45+")  # fmt: skip


def test_every_city_figure_equals_a_recount_in_python(foshan, employer, other_employer):
    factories.make_posting(
        employer.employer,
        headcount=3,
        education="bachelor",
        industry="C",
        salary_min=2500,
        salary_max=2800,
    )
    factories.make_posting(
        employer.employer,
        headcount=2,
        occupation_group="6",
        industry="A",
        salary_min=9000,
        salary_max=12000,
    )
    factories.make_posting(other_employer.employer, headcount=4, salary_min=None,
                           salary_max=None, education="senior")  # fmt: skip
    people = [
        factories.make_seeker(residence=foshan["chancheng_community"],
                              id_number=factories.id_number(birth=birth))
        for birth in ("20040301", "19900715", "19781120", "19650101")
    ]  # fmt: skip
    for user, groups in zip(people, (["2"], ["6"], [], ["4"]), strict=True):
        factories.make_resume(
            user,
            intended_occupation_groups=groups,
            expected_salary_min=None if not groups else 4000,
        )
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)

    expected = Counter()
    for posting in JobPosting.objects.filter(published_at__isnull=False):
        industry = posting.industry or posting.employer.industry
        keys = {"": "", "sector": sector(industry), "industry": industry or "unknown",
                "ownership": posting.employer.ownership or "unknown",
                "occupation": posting.occupation_group, "sex": "any", "age": "any",
                "education": EDUCATION.get(posting.education, "any"), "skill": "any",
                "salary": salary(posting.salary_min),
                "occupation_name": posting.occupation_name}  # fmt: skip
        for dimension, category in keys.items():
            expected[("demand", dimension, category)] += posting.headcount
    for resume in Resume.objects.select_related("person"):
        person = resume.person
        groups = resume.intended_occupation_groups
        keys = {"": "", "occupation": groups[0] if groups else "none",
                # None registered, employed or studying, all local urban:
                # retired or other unemployed (docs/statistics.md).
                "seeker_category": "retired"
                if person.retirement_date <= period.end else "other_unemployed",
                "sex": person.sex, "age": age_band(person, period.end),
                "education": EDUCATION.get(person.education, "unknown"),
                "skill": "none",
                "salary": salary(resume.expected_salary_min)}  # fmt: skip
        for dimension, category in keys.items():
            expected[("seekers", dimension, category)] += 1
        for name in resume.intended_occupations.split():
            expected[("seekers", "occupation_name", name)] += 1
    stored = {
        (fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(period).filter(
            org_unit=foshan["city"], indicator__in=["demand", "seekers"]
        )
    }
    # Empty categories are stored as 0 (tests/stats/test_zeros.py).
    assert {key: value for key, value in stored.items() if value} == dict(expected)


def test_the_hourly_refresh_leaves_finished_periods_alone(foshan, settings):
    settings.STATS_LATE_DAYS = 15
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10)):
        tasks.refresh_recent_facts()
    periods = set(Fact.objects.values_list("period_kind", "period_start"))
    assert periods == {
        ("month", datetime.date(2026, 11, 1)),
        ("quarter", datetime.date(2026, 10, 1)),
        ("year", datetime.date(2026, 1, 1)),
    }
    with time_machine.travel(datetime.datetime(2026, 11, 10, 10)):
        tasks.refresh_recent_facts()
    assert Fact.objects.filter(period_kind="month", period_start="2026-10-01").exists()
