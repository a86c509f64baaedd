import datetime

import pytest
import time_machine

from portal.models import DifficultyCategory
from registration import services
from registration.models import DifficultyRecognition
from tests import factories


@pytest.fixture
def street_caseworker(foshan):
    return factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])


def apply(seeker, code="disabled"):
    return services.apply_for_recognition(
        DifficultyRecognition(
            person=seeker.person,
            category=DifficultyCategory.objects.get(code=code),
            statement="女，45岁，失业一年，有残疾证复印件",
        ),
        by=seeker,
    )


def test_recognition_goes_through_review_notice_and_district_approval(
    seeker, street_caseworker, caseworker
):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0)):
        recognition = apply(seeker)
        services.start_recognition_notice(recognition, by=street_caseworker)
        recognition.refresh_from_db()
        assert recognition.notice_ends == datetime.date(2026, 11, 6)  # 5 days
        with pytest.raises(services.RegistrationError, match="公示"):
            services.approve_recognition(recognition, by=caseworker)
    with time_machine.travel(datetime.datetime(2026, 11, 7, 9, 0)):
        services.approve_recognition(recognition, by=caseworker)
    recognition.refresh_from_db()
    assert recognition.status == "approved"
    assert recognition.category in seeker.person.difficulty_categories.all()
    services.exit_recognition(recognition, by=caseworker, reason="employed")
    assert recognition.category not in seeker.person.difficulty_categories.all()


def test_a_street_caseworker_cannot_decide(seeker, street_caseworker, caseworker):
    recognition = apply(seeker)
    services.start_recognition_notice(recognition, by=caseworker)
    with time_machine.travel(datetime.date.today() + datetime.timedelta(days=10)):
        with pytest.raises(services.RegistrationError, match="区级"):
            services.approve_recognition(recognition, by=street_caseworker)


def test_the_first_reviewer_cannot_also_decide(seeker, caseworker):
    recognition = apply(seeker)
    services.start_recognition_notice(recognition, by=caseworker)
    with time_machine.travel(datetime.date.today() + datetime.timedelta(days=10)):
        with pytest.raises(services.RegistrationError, match="初审人"):
            services.approve_recognition(recognition, by=caseworker)


def test_one_active_application_per_category(seeker):
    apply(seeker)
    with pytest.raises(services.RegistrationError):
        apply(seeker)
    apply(seeker, code="minimum-living")  # another category is fine


def test_returned_application_can_be_corrected(seeker, street_caseworker):
    recognition = apply(seeker)
    services.return_recognition(recognition, "请补充残疾证", by=street_caseworker)
    recognition.refresh_from_db()
    recognition.statement += "；已补充残疾证"
    services.resubmit_recognition(recognition, by=seeker)
    recognition.refresh_from_db()
    assert recognition.status == "submitted"


def test_registry_conditions_of_a_category_are_checked(foshan, caseworker):
    young = factories.make_seeker(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(birth="19990101", sequence=2),
    )
    with pytest.raises(services.RegistrationError, match="40"):
        apply(young, code="older-workers")
    with pytest.raises(services.RegistrationError, match="12"):
        apply(young, code="long-term-unemployed")
    with time_machine.travel(datetime.datetime(2025, 10, 1, 9, 0)):
        factories.make_unemployment(young.person, by=caseworker)
    apply(young, code="long-term-unemployed")
