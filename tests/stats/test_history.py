"""A month's supply and demand is what the postings and resumes were in that month:
recomputed after they were edited, renewed, closed, paused, moderated again or
updated, every figure of the month is the same (docs/statistics.md, "Supply and
demand")."""

import datetime
import zoneinfo

import time_machine

from jobs import services as jobs
from jobs.models import JobPosting, Resume
from portal import services as portal
from stats import services
from stats.models import Fact
from stats.periods import Period
from stats.supply_demand import supply_and_demand
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
OCTOBER = Period("month", D(2026, 10, 1))


def on(day: datetime.date):
    """The clock at noon of `day` in the portal's time zone."""
    moment = datetime.datetime.combine(day, datetime.time(12), SHANGHAI)
    return time_machine.travel(moment, tick=False)


def figures(period: Period) -> dict:
    return {
        (fact.org_unit.code, fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(period)
        .filter(indicator__in=["demand", "seekers"])
        .select_related("org_unit")
    }


def fresh(row):
    return type(row).objects.get(pk=row.pk)


def test_octobers_figures_stay_when_postings_and_resumes_change_afterwards(
    foshan, employer, other_employer, city_caseworker
):
    """October is recomputed (not closed, so the computation really runs) after
    every kind of change in November and December."""
    company, other = employer.employer, other_employer.employer
    with on(D(2026, 10, 8)):
        edited = factories.make_posting(
            company, headcount=3, education="bachelor", valid_until=D(2026, 11, 20)
        )
        renewed = factories.make_posting(
            company, headcount=2, occupation_group="6", valid_until=D(2026, 10, 25)
        )
        paused = factories.make_posting(
            other, headcount=4, salary_min=None, salary_max=None,
            valid_until=D(2026, 11, 30),
        )  # fmt: skip
        closed = factories.make_posting(other, headcount=7, valid_until=D(2026, 12, 31))
        early = factories.make_posting(other, headcount=5, valid_until=D(2026, 11, 30))
        seekers = [
            factories.make_seeker(residence=foshan["chancheng_community"]),
            factories.make_seeker(residence=foshan["chancheng_community"]),
            factories.make_seeker(residence=foshan["nanhai_community"]),
        ]
        factories.make_resume(seekers[0])
        factories.make_resume(
            seekers[1], intended_occupations="电工", intended_occupation_groups=["6"]
        )
        factories.make_unemployment(seekers[2].person, by=city_caseworker)
    with on(D(2026, 10, 15)):
        jobs.close_posting(fresh(early), by=other_employer)
        jobs.pause_posting(fresh(paused), by=other_employer)
    with on(D(2026, 10, 20)):
        jobs.resume_posting(fresh(paused), by=other_employer)
    with on(D(2026, 10, 26)):
        assert jobs.expire_postings() == 1  # `renewed`
    with on(D(2026, 11, 2)):
        services.refresh_facts(OCTOBER)
    before = figures(OCTOBER)
    city, nanhai = "440600000000", "440605000000"
    assert before[(city, "demand", "", "")] == 3 + 2 + 4 + 7 + 5
    assert before[(nanhai, "demand", "", "")] == 4 + 7 + 5
    assert before[(city, "demand", "occupation", "6")] == 2
    assert before[(city, "seekers", "", "")] == 3
    assert before[(nanhai, "seekers", "", "")] == 1
    assert before[(city, "seekers", "occupation_name", "电工")] == 1

    with on(D(2026, 11, 3)):
        posting = fresh(edited)
        posting.headcount, posting.occupation_group, posting.education = 30, "2", ""
        posting.org_unit = foshan["nanhai_street"]
        jobs.save_posting(posting, by=employer)
        jobs.approve_posting(fresh(edited), by=city_caseworker)
        jobs.renew_posting(fresh(renewed), by=employer)
        jobs.pause_posting(fresh(paused), by=other_employer)
        jobs.resume_posting(fresh(paused), by=other_employer)
        jobs.renew_posting(fresh(paused), by=other_employer)
        jobs.close_posting(fresh(closed), by=other_employer)
        company.ownership, company.industry = "foreign", "I"
        portal.save_employer(
            company, by=city_caseworker, changed_fields=["ownership", "industry"]
        )
        resume = Resume.objects.get(person=seekers[0].person)
        resume.intended_occupation_groups = ["4"]
        resume.intended_occupations = "保安"
        resume.expected_salary_min, resume.expected_salary_max = 9000, 12000
        jobs.save_resume(resume, by=seekers[0])
        jobs.save_resume(Resume.objects.get(person=seekers[1].person), by=seekers[1])
    with on(D(2026, 12, 5)):
        person = seekers[0].person
        person.residence = foshan["nanhai_community"]
        portal.save_person(person, by=city_caseworker, changed_fields=["residence"])
        jobs.save_resume(Resume.objects.get(person=person), by=seekers[0])
        unemployed = seekers[2].person  # registered, no resume
        unemployed.residence = foshan["chancheng_community"]
        portal.save_person(unemployed, by=city_caseworker, changed_fields=["residence"])
        posting = fresh(edited)
        posting.headcount = 1
        jobs.save_posting(posting, by=employer)
        jobs.reject_posting(fresh(edited), by=city_caseworker, reason="请写明工资")
        jobs.renew_posting(fresh(renewed), by=employer)
        jobs.expire_postings()
        services.refresh_facts(OCTOBER)
    assert JobPosting.objects.filter(status="closed").count() == 2
    assert figures(OCTOBER) == before


def test_a_posting_renewed_after_it_expired_counts_again_only_from_the_renewal_day(
    foshan, employer
):
    with on(D(2026, 9, 20)):
        posting = factories.make_posting(
            employer.employer, headcount=6, valid_until=D(2026, 10, 10)
        )
    with on(D(2026, 10, 11)):
        jobs.expire_postings()
    with on(D(2026, 12, 3)):
        jobs.renew_posting(fresh(posting), by=employer)
        demand = {
            period.slug: supply_and_demand(period)["demand"].get(("4406", "", ""), 0)
            for period in [
                *(Period("month", D(2026, month, 1)) for month in (9, 10, 11, 12)),
                Period("quarter", D(2026, 10, 1)),
            ]
        }
    assert demand == {
        "2026-09": 6,
        "2026-10": 6,
        "2026-11": 0,
        "2026-12": 6,
        "2026-Q4": 6,  # once, though open twice
    }
