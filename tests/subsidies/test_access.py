import pytest
from django.urls import reverse

from subsidies import services
from subsidies.models import Application, SubsidyType
from tests import factories


@pytest.mark.parametrize(
    "url",
    [
        reverse("subsidies:application_list"),
        reverse("subsidies:application_new", args=["job-search"]),
        reverse("subsidies:application_new", args=["internship"]),
    ],
)
def test_staff_do_not_apply(client, caseworker, url):
    client.force_login(caseworker)
    assert client.get(url).status_code == 403


def test_employers_apply_only_for_employer_subsidies(client, employer, seeker):
    client.force_login(employer)
    person_subsidy = reverse("subsidies:application_new", args=["job-search"])
    assert client.get(person_subsidy).status_code == 404
    refund = reverse("subsidies:application_new", args=["job-stabilisation"])
    assert client.get(refund).status_code == 404  # computed, never applied for
    client.force_login(seeker)
    internship = reverse("subsidies:application_new", args=["internship"])
    assert client.get(internship).status_code == 404


def test_another_seeker_cannot_withdraw_or_resubmit(client, seeker, other_seeker):
    factories.make_graduate(seeker.person)
    application = services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="job-search"),
            person=seeker.person,
        ),
        by=seeker,
    )
    client.force_login(other_seeker)
    for name in ("subsidies:application_withdraw", "subsidies:application_resubmit"):
        assert client.post(reverse(name, args=[application.code])).status_code == 404
    client.force_login(seeker)
    withdraw = reverse("subsidies:application_withdraw", args=[application.code])
    assert client.get(withdraw).status_code == 405
    application.refresh_from_db()
    assert application.status == "submitted"


def test_only_the_applicant_rates_their_finished_application(
    client, seeker, other_seeker, employer
):
    factories.make_graduate(seeker.person)
    application = services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="job-search"),
            person=seeker.person,
        ),
        by=seeker,
    )
    Application.objects.filter(pk=application.pk).update(status="refused")
    rate = reverse("subsidies:application_rate", args=[application.code])
    for user in (other_seeker, employer):
        client.force_login(user)
        assert client.post(rate, {"rating": 1}).status_code == 404
    client.force_login(seeker)
    client.post(rate, {"rating": 4})
    application.refresh_from_db()
    assert application.rating == 4
