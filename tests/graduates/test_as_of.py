"""Graduate figures as they stood at the end of a period's last day: what happened
after it does not change that period's figures (docs/statistics.md, "Graduates")."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from graduates import services
from graduates.queries import leaver_rates, reported
from stats import services as stats_services
from stats.models import Fact
from stats.periods import Period
from tests import factories

THIRD_QUARTER = Period.containing("quarter", datetime.date(2026, 8, 1))


def at(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(10))
    return time_machine.travel(timezone.make_aware(moment), tick=False)


def figure(unit, period, indicator):
    return Fact.objects.for_period(period).get(org_unit=unit, indicator=indicator).value


@pytest.fixture
def leaver(seeker):
    """Reported on 10 August 2026 and registered for follow-up the same day."""
    with at(datetime.date(2026, 8, 10)):
        graduate = factories.make_graduate(seeker.person)
        return services.register_leaver(
            graduate, by=seeker, job_wishes="仓库管理", service_needs=[]
        )


def test_a_contact_made_after_a_quarter_ended_does_not_raise_that_quarters_contact_rate(
    foshan, leaver, caseworker
):
    fourth = Period.containing("quarter", datetime.date(2026, 10, 1))
    with at(datetime.date(2026, 11, 20)):
        services.log_contact(
            leaver,
            by=caseworker,
            contacted_on=datetime.date(2026, 10, 12),
            channel="phone",
            services=["guidance"],
        )
        for period in (THIRD_QUARTER, fourth):
            stats_services.refresh_facts(period)
    assert figure(foshan["chancheng"], THIRD_QUARTER, "leavers_registered") == 1
    assert figure(foshan["chancheng"], THIRD_QUARTER, "leavers_contacted") == 0
    assert figure(foshan["chancheng"], THIRD_QUARTER, "leavers_contact_rate") == 0
    assert figure(foshan["chancheng"], fourth, "leavers_contact_rate") == 100


def test_reports_registrations_and_jobs_count_from_the_day_they_happened(
    foshan, leaver, employer
):
    end_of_september = THIRD_QUARTER.end
    later = factories.make_seeker(residence=foshan["chancheng_community"])
    with at(datetime.date(2026, 10, 3)):
        second = services.register_leaver(
            factories.make_graduate(later.person),
            by=later,
            job_wishes="",
            service_needs=[],
        )
        services.set_leaver_status(leaver, "employed", by=leaver.registered_by)
    with at(datetime.date(2026, 10, 20)):
        factories.file_hire(employer, later.person, datetime.date(2026, 10, 20))
    assert second.graduate.reported_at.date() == datetime.date(2026, 10, 3)
    chancheng = foshan["chancheng"]
    assert reported(2026, chancheng, end_of_september).count() == 1
    assert reported(2026, chancheng, datetime.date(2026, 10, 31)).count() == 2
    then = leaver_rates(2026, chancheng, on=end_of_september)
    assert (then["registered"], then["employed"], then["employment_rate"]) == (1, 0, 0)
    now = leaver_rates(2026, chancheng, on=datetime.date(2026, 10, 31))
    assert (now["registered"], now["employed"], now["employment_rate"]) == (2, 2, 100)
