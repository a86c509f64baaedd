import pytest
from django.urls import reverse

from jobs import matching, services
from jobs.models import MatchNotice
from portal.models import Notification
from tests import factories


@pytest.fixture
def home(foshan):
    street = foshan["chancheng_street"]
    street.latitude, street.longitude = 23.0200, 113.1200
    street.save(update_fields=["latitude", "longitude"])
    return street


@pytest.fixture
def resume(seeker, home):
    person = seeker.person
    person.residence = home
    person.education = "college"
    person.save(update_fields=["residence", "education"])
    return factories.make_resume(
        seeker,
        intended_occupations="会计",
        intended_occupation_groups=["2"],
        expected_salary_min=6000,
        expected_salary_max=9000,
        experience_years=3,
    )


@pytest.fixture
def postings(employer, other_employer):
    return {
        "best": factories.make_posting(
            employer.employer,
            title="财务会计",
            occupation_group="2",
            occupation_name="会计",
            salary_min=7000,
            salary_max=9000,
            education="college",
            experience_years=2,
            latitude=23.0350,
            longitude=113.1200,
        ),
        "far": factories.make_posting(
            other_employer.employer,
            title="会计",
            occupation_group="2",
            occupation_name="会计",
            salary_min=7000,
            salary_max=9000,
            latitude=23.2500,
            longitude=113.1200,
        ),
        "low_pay": factories.make_posting(
            employer.employer,
            title="出纳兼会计",
            occupation_group="3",
            occupation_name="出纳",
            salary_min=3000,
            salary_max=4000,
            latitude=23.0210,
            longitude=113.1210,
        ),
        "needs_master": factories.make_posting(
            employer.employer,
            title="高级会计师",
            occupation_group="2",
            occupation_name="会计",
            education="master",
        ),
        "unrelated": factories.make_posting(
            employer.employer,
            title="叉车司机",
            occupation_group="6",
            occupation_name="叉车司机",
        ),
    }


def test_best_match_comes_first_with_reasons_in_words(resume, postings):
    results = list(matching.postings_for(resume))
    assert results[0] == postings["best"]
    why = matching.reasons(results[0])
    assert why.score == 100
    assert any("1.7" in word for word in why.words)  # 1.7 km from home
    assert postings["unrelated"] not in results
    assert postings["needs_master"] not in results  # education required is higher


def test_scores_order_the_rest(resume, postings):
    scores = {p.title: p.score for p in matching.postings_for(resume)}
    assert scores["财务会计"] > scores["会计"] > scores["出纳兼会计"]


def test_candidates_for_a_posting(resume, postings, employer):
    resume.is_public = True
    resume.save(update_fields=["is_public"])
    candidates = list(matching.resumes_for(postings["best"]))
    assert candidates == [resume]
    assert matching.reasons(candidates[0]).score >= matching.GOOD_MATCH


def test_jobs_for_me_page(client, seeker, resume, postings):
    client.force_login(seeker)
    response = client.get(reverse("jobs:jobs_for_me"))
    assert response.status_code == 200
    assert postings["best"].title in response.text


def test_candidates_page_is_for_the_postings_employer_only(
    client, resume, postings, employer, other_employer
):
    url = reverse("jobs:posting_candidates", args=[postings["best"].pk])
    client.force_login(other_employer)
    assert client.get(url).status_code == 404
    client.force_login(employer)
    assert client.get(url).status_code == 200


def test_daily_push_sends_each_match_once(resume, postings, seeker, employer):
    resume.is_public = True
    resume.save(update_fields=["is_public"])
    assert services.push_new_matches() >= 2
    seeker_notes = Notification.objects.filter(recipient=seeker).count()
    employer_notes = Notification.objects.filter(recipient=employer).count()
    assert MatchNotice.objects.filter(side="seeker", posting=postings["best"]).exists()
    assert services.push_new_matches() == 0
    assert Notification.objects.filter(recipient=seeker).count() == seeker_notes
    assert Notification.objects.filter(recipient=employer).count() == employer_notes


def test_jobs_already_applied_for_are_not_recommended_again(seeker, resume, postings):
    services.apply_to_posting(postings["best"], person=seeker.person)
    assert postings["best"] not in matching.postings_for(resume)


def test_matches_whose_message_died_with_the_worker_are_sent_by_the_retry(
    resume, postings, seeker, monkeypatch
):
    def worker_killed(*args, **kwargs):
        raise SystemExit

    monkeypatch.setattr("jobs.services.matches.notify_many", worker_killed)
    with pytest.raises(SystemExit):
        services.push_new_matches()
    monkeypatch.undo()
    assert services.push_new_matches() >= 1
    assert Notification.objects.filter(recipient=seeker).exists()


TITLES = [  # (title, group, occupation)
    ("财务会计", "2", "会计"),
    ("出纳兼会计", "3", "出纳"),
    ("维修电工", "6", "电工"),
    ("氩弧焊工", "6", "焊工"),
    ("普工（长白班）", "6", "普通操作工"),
    ("软件测试工程师", "2", "测试工程师"),
]


@pytest.fixture
def many_postings(employer, other_employer, foshan, home):
    """Postings differing in every part of the score, published over a month, some
    at the same moment (ties go to the higher id)."""
    import datetime
    import random

    from django.utils import timezone

    from jobs.models import JobPosting

    rng = random.Random(17)
    nanhai = foshan["nanhai_street"]
    nanhai.latitude, nanhai.longitude = 23.0500, 113.1400
    nanhai.save(update_fields=["latitude", "longitude"])
    now = timezone.now()
    made = []
    for index in range(48):
        title, group, occupation = TITLES[index % len(TITLES)]
        low = rng.choice([None, 3000, 5000, 7000, 9000])
        owner = employer if index % 3 else other_employer
        posting = factories.make_posting(
            owner.employer,
            title=title,
            occupation_group=group,
            occupation_name=occupation,
            salary_min=low,
            salary_max=None if low is None else low + rng.choice([1000, 3000]),
            education=rng.choice(["", "", "senior", "college", "bachelor", "master"]),
            experience_years=rng.choice([0, 1, 3, 5]),
            latitude=23.02 + rng.choice([0.0, 0.01, 0.05, 0.12, 0.3]),
            longitude=113.12 + rng.choice([0.0, 0.02, 0.08]),
        )
        made.append(posting)
        published = now - datetime.timedelta(hours=rng.randrange(0, 720, 6))
        JobPosting.objects.filter(pk=posting.pk).update(published_at=published)
    return made


def _resumes(seeker, foshan, home):
    """Seekers wanting different things from different places."""
    community = foshan["chancheng_community"]
    community.latitude, community.longitude = 23.0210, 113.1210
    community.save(update_fields=["latitude", "longitude"])
    wishes = [
        dict(intended_occupations="会计", intended_occupation_groups=["2"],
             expected_salary_min=6000, expected_salary_max=9000, experience_years=3),
        dict(intended_occupations="", intended_occupation_groups=["6"],
             expected_salary_min=None, expected_salary_max=None),
        dict(intended_occupations="电工 焊工", intended_occupation_groups=[],
             expected_salary_min=8000, expected_salary_max=None, experience_years=5),
        dict(intended_occupations="会计 测试", intended_occupation_groups=["2", "6"],
             expected_salary_min=3000, expected_salary_max=4000, experience_years=10),
        dict(intended_occupations="焊", intended_occupation_groups=["3"],
             expected_salary_min=5000, expected_salary_max=6000),
    ]  # fmt: skip
    places = [
        (home, "college", []),
        (foshan["nanhai_street"], "", ["nanhai"]),
        (community, "senior", ["chancheng", "nanhai"]),
        (None, "master", []),
        (foshan["nanhai_community"], "junior", ["chancheng"]),
    ]
    users = [seeker] + [
        factories.make_seeker(residence=community) for _ in range(1, len(wishes))
    ]
    for user, wish, (residence, education, districts) in zip(
        users, wishes, places, strict=True
    ):
        person = user.person
        person.residence, person.education = residence, education
        person.save(update_fields=["residence", "education"])
        resume = factories.make_resume(user, **wish)
        resume.intended_districts.set([foshan[key] for key in districts])
        yield resume


@pytest.mark.parametrize("window", [1, 3, 10])
def test_the_narrowed_matching_gives_the_top_of_the_full_ranking(
    seeker, foshan, home, many_postings, monkeypatch, window
):
    monkeypatch.setattr(matching, "WINDOW", window)
    for resume in _resumes(seeker, foshan, home):
        for limit in (1, 5, 8):
            full = list(matching.ranked_postings(resume)[:limit])
            narrowed = matching.postings_for(resume, limit=limit)
            assert [(p.pk, p.score) for p in narrowed] == [
                (p.pk, p.score) for p in full
            ], (resume.intended_occupations, limit)


def test_jobs_named_like_the_group_and_education_lexemes_of_the_index_find_no_more(
    seeker, home, many_postings
):
    person = seeker.person
    person.residence, person.education = home, "senior"
    person.save(update_fields=["residence", "education"])
    resume = factories.make_resume(
        seeker,
        intended_occupations="group education ~group:6 ~education:",
        intended_occupation_groups=["2"],
    )
    full = list(matching.ranked_postings(resume)[:50])
    narrowed = matching.postings_for(resume, limit=50)
    assert [(p.pk, p.score) for p in narrowed] == [(p.pk, p.score) for p in full]


def test_a_chunk_whose_worker_died_is_taken_up_after_its_last_committed_seeker(
    resume, postings, seeker, other_seeker, monkeypatch
):
    from jobs.models import MatchPushEntry, Resume
    from jobs.services import matches

    factories.make_resume(
        other_seeker, intended_occupations="会计", intended_occupation_groups=["2"]
    )
    monkeypatch.setattr(matches, "SEEKER_CHUNK_SIZE", 10)
    push = services.plan_match_push()
    chunk = push.chunks.get(side="seeker")
    assert (chunk.first_id, chunk.last_id) == (1, 2)
    first_told = Resume.objects.get(
        pk=MatchPushEntry.objects.get(push=push, side="seeker", position=1).item_id
    )
    sent_to = []

    def dies_at_the_second(template, messages):
        if sent_to:
            raise SystemExit  # the worker is killed
        sent_to.extend(user for user, _context, _url in messages)
        return real_notify_many(template, messages)

    real_notify_many = matches.notify_many
    monkeypatch.setattr(matches, "notify_many", dies_at_the_second)
    with pytest.raises(SystemExit):
        services.push_match_chunk(chunk)
    monkeypatch.setattr(matches, "notify_many", real_notify_many)
    chunk.refresh_from_db()
    assert sent_to == [first_told.person.user]
    assert chunk.done_up_to == 1 and chunk.finished_at is None
    assert services.resume_match_pushes() == push.chunks.count()  # queued again

    for queued in push.chunks.all():
        services.push_match_chunk(queued)
    assert Notification.objects.filter(recipient=seeker).count() == 1
    assert Notification.objects.filter(recipient=other_seeker).count() == 1
    push.refresh_from_db()
    assert push.finished_at is not None
    assert not MatchPushEntry.objects.filter(push=push).exists()
    assert services.push_match_chunk(chunk) == 0  # finished chunks send nothing


def test_the_push_is_cut_into_chunks_covering_every_active_seeker_once(
    resume, postings, other_seeker, monkeypatch
):
    from jobs.models import MatchPushEntry
    from jobs.services import matches

    other = factories.make_resume(other_seeker)
    closed = factories.make_resume(
        factories.make_seeker(residence=resume.person.residence)
    )
    closed.person.user.is_active = False
    closed.person.user.save(update_fields=["is_active"])
    monkeypatch.setattr(matches, "SEEKER_CHUNK_SIZE", 1)
    monkeypatch.setattr(matches, "CHUNK_SIZE", 1)
    push = services.plan_match_push()
    ranges = list(push.chunks.filter(side="seeker").values_list("first_id", "last_id"))
    assert ranges == [(1, 1), (2, 2)]
    numbered = MatchPushEntry.objects.filter(push=push, side="seeker").values_list(
        "item_id", flat=True
    )
    assert sorted(numbered) == sorted([resume.pk, other.pk])
    assert push.chunks.filter(side="employer").count() == len(postings)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chunk_delivered_twice_runs_in_one_worker_only(
    resume, postings, seeker, monkeypatch
):
    import threading

    from django.db import connection

    from jobs.models import MatchPushChunk

    chunk_id = services.plan_match_push().chunks.get(side="seeker").pk
    ranking, second_tried = threading.Event(), threading.Event()
    real_postings_for = matching.postings_for

    def slow_in_the_first(*args, **kwargs):
        if threading.current_thread().name == "first":
            ranking.set()
            second_tried.wait(timeout=30)
        return real_postings_for(*args, **kwargs)

    monkeypatch.setattr(matching, "postings_for", slow_in_the_first)
    results = {}

    def worker(name):
        try:
            chunk = MatchPushChunk.objects.get(pk=chunk_id)
            results[name] = services.push_match_chunk(chunk)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=["first"], name="first")
    first.start()
    assert ranking.wait(timeout=30)
    worker("second")  # while the first holds the chunk
    second_tried.set()
    first.join(timeout=60)
    assert results == {"first": 1, "second": 0}
    assert Notification.objects.filter(recipient=seeker).count() == 1


def test_an_older_negotiable_posting_enters_the_top_over_newer_ones_that_pay_less(
    seeker, home, employer, monkeypatch
):
    """Older postings are read from job_match_salary only down to the wish's low end;
    a negotiable one (no salary_min, whatever its salary_max) still scores 8 for the
    salary and must be read too."""
    import datetime

    from django.utils import timezone

    from jobs.models import JobPosting

    monkeypatch.setattr(matching, "WINDOW", 1)
    monkeypatch.setattr(matching, "WINDOWS", 1)  # every older posting by necessary()
    person = seeker.person
    person.residence, person.education = home, "college"
    person.save(update_fields=["residence", "education"])
    resume = factories.make_resume(
        seeker,
        intended_occupations="电工",
        intended_occupation_groups=["6"],
        expected_salary_min=9000,
        expected_salary_max=12000,
        experience_years=5,
    )
    salaries = {  # 25 group + 30 named + 15 near + 10 experience + salary
        "new_1": (3000, 5000),  # 80
        "new_2": (3000, 5000),  # 80
        "new_3": (3000, 5000),  # 80
        "negotiable": (None, None),  # 88
        "up_to_less": (None, 5000),  # 88: negotiable, though up to less
        "from_less": (3000, None),  # 80: no overlap, not negotiable
        "old_low": (3000, 5000),  # 80
    }
    now, made = timezone.now(), {}
    for age, (name, (low, high)) in enumerate(salaries.items()):
        posting = factories.make_posting(
            employer.employer,
            title="维修电工",
            occupation_group="6",
            occupation_name="电工",
            experience_years=0,
        )
        JobPosting.objects.filter(pk=posting.pk).update(
            salary_min=low,
            salary_max=high,
            published_at=now - datetime.timedelta(hours=age),
        )
        made[name] = posting.pk
    narrowed = matching.postings_for(resume, limit=3)
    full = list(matching.ranked_postings(resume)[:3])
    assert [(p.pk, p.score) for p in narrowed] == [(p.pk, p.score) for p in full]
    assert [(p.pk, p.score) for p in narrowed] == [
        (made["negotiable"], 88),
        (made["up_to_less"], 88),
        (made["new_1"], 80),
    ]


def test_a_job_named_in_latin_letters_matches_titles_in_any_case(
    seeker, home, employer
):
    person = seeker.person
    person.residence, person.education = home, "college"
    person.save(update_fields=["residence", "education"])
    resume = factories.make_resume(
        seeker,
        intended_occupations="PHP java工程师 会计",
        intended_occupation_groups=["2"],
        expected_salary_min=None,
        expected_salary_max=None,
    )
    titles = {
        "php开发": 30,
        "高级Php程序员": 30,
        "JAVA工程师": 30,
        "财务会计": 30,
        "会 计": 0,
        "出纳": 0,
    }
    for title in titles:
        factories.make_posting(
            employer.employer,
            title=title,
            occupation_group="2",
            occupation_name="程序员",
        )
    scored = {p.title: p.keyword_points for p in matching.ranked_postings(resume)}
    assert scored == titles
    narrowed = matching.postings_for(resume, limit=10)
    assert {p.title: p.keyword_points for p in narrowed} == titles


def test_a_newer_match_outside_the_groups_wins_a_tie_with_the_last_of_the_top(
    seeker, home, employer, foshan
):
    """The last of the top is an older posting of the groups; a newer posting of
    another group with the job named and the same score ranks above it."""
    import datetime

    from django.utils import timezone

    from jobs.models import JobPosting

    person = seeker.person
    person.residence, person.education = home, "college"
    person.save(update_fields=["residence", "education"])
    resume = factories.make_resume(
        seeker,
        intended_occupations="电工",
        intended_occupation_groups=["6"],
        expected_salary_min=5000,
        expected_salary_max=8000,
        experience_years=1,
    )
    now = timezone.now()
    in_group = factories.make_posting(  # 25 group + 15 near + 20 salary, too new a hand
        employer.employer, title="装配工", occupation_group="6",
        occupation_name="装配工", experience_years=5,
    )  # fmt: skip
    named = factories.make_posting(  # 30 named + 10 experience + 20 salary, in Nanhai
        employer.employer, title="维修电工", occupation_group="3",
        occupation_name="电工", experience_years=0,
    )  # fmt: skip
    far = {"org_unit": foshan["nanhai_street"], "latitude": 23.32}  # 33 km off
    for posting, hours, place in ((in_group, 2, {}), (named, 1, far)):
        JobPosting.objects.filter(pk=posting.pk).update(
            **place,
            salary_min=6000,
            salary_max=7000,
            published_at=now - datetime.timedelta(hours=hours),
        )
    full = [(p.pk, p.score) for p in matching.ranked_postings(resume)]
    assert full == [(named.pk, 60), (in_group.pk, 60)]
    narrowed = matching.postings_for(resume, limit=1)
    assert [(p.pk, p.score) for p in narrowed] == full[:1]
