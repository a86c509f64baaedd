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

    monkeypatch.setattr("jobs.services.matches.notify", worker_killed)
    with pytest.raises(SystemExit):
        services.push_new_matches()
    monkeypatch.undo()
    assert services.push_new_matches() >= 1
    assert Notification.objects.filter(recipient=seeker).exists()
