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
    ],
)
def test_employers_and_staff_do_not_apply_as_people(client, employer, caseworker, url):
    for user in (employer, caseworker):
        client.force_login(user)
        assert client.get(url).status_code == 403


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
