"""The daily push ranks once per seeker profile and fans the result out: every
seeker must get exactly what ranking their own resume would give them."""

import datetime

import pytest
from django.utils import timezone

from jobs import matching, services
from jobs.models import JobPosting, MatchNotice, MatchPushEntry
from jobs.services import matches
from portal.models import Notification
from tests import factories


@pytest.fixture
def community(foshan):
    community = foshan["chancheng_community"]
    community.latitude, community.longitude = 23.0210, 113.1210
    community.save(update_fields=["latitude", "longitude"])
    return community


@pytest.fixture
def new_postings(employer, other_employer):
    """Accounting jobs published today, one of them yesterday before the push's
    day, and more of them than a seeker is told about."""
    made = []
    for index in range(8):
        made.append(
            factories.make_posting(
                (employer if index % 2 else other_employer).employer,
                title=f"财务会计{index}",
                occupation_group="2",
                occupation_name="会计",
                salary_min=5000 + 500 * index,
                salary_max=9000 + 500 * index,
                experience_years=index % 4,
                latitude=23.0300,
                longitude=113.1200,
            )
        )
    old = made[-1]
    JobPosting.objects.filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=3)
    )
    return made


def _seeker(residence, language="zh-hans", **wish):
    user = factories.make_seeker(residence=residence, language=language)
    fields = {
        "intended_occupations": "会计",
        "intended_occupation_groups": ["2"],
        "expected_salary_min": 6000,
        "expected_salary_max": 9000,
        "experience_years": 3,
        **wish,
    }
    return factories.make_resume(user, **fields)


def _own_ranking(resume, since):
    return [
        posting.pk
        for posting in matching.postings_for(resume, limit=5, since=since)
        if posting.score >= matching.GOOD_MATCH
    ]


def test_every_seeker_of_a_shared_profile_gets_their_own_ranking(
    community, foshan, new_postings, monkeypatch
):
    same = [_seeker(community) for _ in range(4)]
    other = [
        _seeker(community, experience_years=0),
        _seeker(foshan["nanhai_community"]),
        _seeker(community, intended_occupations="出纳 会计"),
    ]
    # One applied to the profile's best new job, one to two of them: they are
    # told of the next ones instead.
    best = _own_ranking(same[0], timezone.now() - datetime.timedelta(days=1))
    services.apply_to_posting(JobPosting.objects.get(pk=best[0]), person=same[1].person)
    for pk in best[:2]:
        services.apply_to_posting(JobPosting.objects.get(pk=pk), person=same[2].person)
    # A match already told is not told again, nor replaced.
    MatchNotice.objects.create(
        resume=same[3], posting_id=best[1], side="seeker", score=90
    )
    push = services.plan_match_push()
    expected = {
        resume.pk: [
            pk
            for pk in _own_ranking(resume, push.since)
            if not (resume == same[3] and pk == best[1])
        ]
        for resume in same + other
    }
    assert len(set(map(tuple, expected.values()))) >= 4  # they differ

    ranked = []
    real_postings_for = matching.postings_for

    def counted(resume, *args, **kwargs):
        ranked.append(resume.pk)
        return real_postings_for(resume, *args, **kwargs)

    monkeypatch.setattr(matching, "postings_for", counted)
    for chunk in push.chunks.filter(side="seeker"):
        services.push_match_chunk(chunk)
    told = {
        resume.pk: list(
            MatchNotice.objects.filter(resume=resume, side="seeker")
            .exclude(resume=same[3], posting_id=best[1])
            .order_by("-score", "-posting__published_at", "-posting_id")
            .values_list("posting_id", flat=True)
        )
        for resume in same + other
    }
    assert told == expected
    assert len(ranked) == 1 + len(other)  # once for the four who share a profile
    for resume in same + other:
        assert Notification.objects.filter(recipient=resume.person.user).count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"intended_occupations": "出纳"},
        {"intended_occupation_groups": ["2", "3"]},
        {"expected_salary_min": 5000},
        {"expected_salary_max": None},
        {"experience_years": 4},
        "education",
        "residence",
        "districts",
    ],
    ids=str,
)
def test_seekers_differing_in_anything_matching_reads_have_different_profiles(
    community, foshan, change
):
    first, second = _seeker(community), _seeker(community)
    if change == "education":
        second.person.education = "master"
        second.person.save(update_fields=["education"])
    elif change == "residence":
        second.person.residence = foshan["chancheng_street"]
        second.person.save(update_fields=["residence"])
    elif change == "districts":
        second.intended_districts.set([foshan["nanhai"]])
    else:
        for field, value in change.items():
            setattr(second, field, value)
        second.save()
    push = services.plan_match_push()
    profiles = dict(
        MatchPushEntry.objects.filter(push=push, side="seeker").values_list(
            "item_id", "profile"
        )
    )
    assert profiles[first.pk] != profiles[second.pk]


def test_the_order_of_the_jobs_named_and_of_the_groups_makes_no_other_profile(
    community,
):
    first = _seeker(
        community,
        intended_occupations="会计 出纳",
        intended_occupation_groups=["2", "3"],
    )
    second = _seeker(
        community,
        intended_occupations=" 出纳  会计",
        intended_occupation_groups=["3", "2"],
    )
    push = services.plan_match_push()
    profiles = dict(
        MatchPushEntry.objects.filter(push=push, side="seeker").values_list(
            "item_id", "profile"
        )
    )
    assert profiles[first.pk] == profiles[second.pk]


def test_a_profile_written_in_parts_dies_in_the_middle_and_the_rest_follows_once(
    community, new_postings, monkeypatch
):
    seekers = [_seeker(community) for _ in range(3)]
    monkeypatch.setattr(matches, "FANOUT", 1)
    push = services.plan_match_push()
    chunk = push.chunks.get(side="seeker")
    calls = []
    real_notify_many = matches.notify_many

    def dies_at_the_second(template, messages):
        calls.append(messages)
        if len(calls) == 2:
            raise SystemExit  # the worker is killed
        return real_notify_many(template, messages)

    monkeypatch.setattr(matches, "notify_many", dies_at_the_second)
    with pytest.raises(SystemExit):
        services.push_match_chunk(chunk)
    chunk.refresh_from_db()
    assert chunk.done_up_to == 1 and chunk.sent == 1
    monkeypatch.setattr(matches, "notify_many", real_notify_many)
    services.push_match_chunk(chunk)
    for resume in seekers:
        assert Notification.objects.filter(recipient=resume.person.user).count() == 1
    chunk.refresh_from_db()
    assert chunk.sent == 3 and chunk.finished_at is not None


def test_seekers_of_one_profile_are_told_in_their_own_language(community, new_postings):
    chinese, english = _seeker(community), _seeker(community, language="en")
    services.push_new_matches()
    to_chinese = Notification.objects.get(recipient=chinese.person.user)
    to_english = Notification.objects.get(recipient=english.person.user)
    assert "新" in to_chinese.subject
    assert "new job" in to_english.subject
    links = [line for line in to_chinese.body.splitlines() if "/jobs/" in line]
    assert len(links) == 6  # five jobs and the page of all
    assert links == [line for line in to_english.body.splitlines() if "/jobs/" in line]


def test_new_postings_of_one_profile_are_ranked_once_and_each_employer_told(
    community, employer, other_employer, monkeypatch
):
    for years in range(3):
        resume = _seeker(community, experience_years=years)
        resume.is_public = True
        resume.save(update_fields=["is_public"])
    alike = dict(
        title="会计",
        occupation_group="2",
        occupation_name="会计",
        salary_min=7000,
        salary_max=9000,
        experience_years=1,
        org_unit=employer.employer.org_unit,  # the other employer's is elsewhere
    )
    postings = [
        factories.make_posting(employer.employer, **alike),
        factories.make_posting(other_employer.employer, **alike),
        factories.make_posting(employer.employer, **{**alike, "experience_years": 5}),
    ]
    expected = {
        posting.pk: sum(
            resume.score >= matching.GOOD_MATCH
            for resume in matching.resumes_for(posting, limit=5)
        )
        for posting in postings
    }
    assert expected[postings[0].pk] == 3
    ranked = []
    real_resumes_for = matching.resumes_for

    def counted(posting, *args, **kwargs):
        ranked.append(posting.pk)
        return real_resumes_for(posting, *args, **kwargs)

    monkeypatch.setattr(matching, "resumes_for", counted)
    push = services.plan_match_push()
    for chunk in push.chunks.filter(side="employer"):
        services.push_match_chunk(chunk)
    assert len(ranked) == 2
    told = {
        posting.pk: MatchNotice.objects.filter(posting=posting, side="employer").count()
        for posting in postings
    }
    assert told == expected
    for user, posting in [
        (employer, postings[0]),
        (other_employer, postings[1]),
        (employer, postings[2]),
    ]:
        message = Notification.objects.get(
            recipient=user, url__endswith=f"/{posting.pk}/candidates/"
        )
        assert str(expected[posting.pk]) in message.subject + message.body


def test_a_seeker_who_edits_their_resume_after_the_plan_is_ranked_on_their_own(
    community, new_postings
):
    since = timezone.now() - datetime.timedelta(days=1)
    same = [_seeker(community) for _ in range(3)]
    push = services.plan_match_push(since=since)
    # After the plan, the first of them now wants work no new job offers.
    edited = same[0]
    edited.intended_occupations, edited.intended_occupation_groups = "电工", ["6"]
    edited.save(update_fields=["intended_occupations", "intended_occupation_groups"])
    for chunk in push.chunks.filter(side="seeker"):
        services.push_match_chunk(chunk)
    for resume in same:
        told = MatchNotice.objects.filter(resume=resume, side="seeker")
        assert sorted(told.values_list("posting_id", flat=True)) == sorted(
            _own_ranking(resume, since)
        )
    assert not MatchNotice.objects.filter(resume=edited).exists()
    assert MatchNotice.objects.filter(resume=same[1]).exists()
