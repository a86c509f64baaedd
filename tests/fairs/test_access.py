import pytest
from django.urls import reverse

from fairs import services
from fairs.services import gate
from tests import factories


@pytest.fixture
def fair(foshan):
    return factories.make_fair(foshan["chancheng"])


@pytest.mark.parametrize(
    "persona, name",
    [
        ("seeker", "fairs:booking_list"),
        ("seeker", "fairs:points_history"),
        ("seeker", "fairs:gate_home"),
        ("employer", "fairs:gate_home"),
    ],
)
def test_pages_refuse_the_wrong_role(client, foshan, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403


def test_seekers_cannot_book_and_employers_cannot_register_to_attend(
    client, fair, seeker, employer
):
    client.force_login(seeker)
    book = reverse("fairs:booking_new", args=[fair.pk, fair.booths.first().pk])
    assert client.get(book).status_code == 403
    client.force_login(employer)
    attend = reverse("fairs:pass_register", args=[fair.pk])
    assert client.post(attend).status_code == 403
    assert client.get(attend).status_code == 405


def test_a_pass_is_only_its_holders(client, fair, seeker, other_seeker, employer):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    client.force_login(other_seeker)
    assert client.get(seeker_pass.get_absolute_url()).status_code == 404
    booking = services.book_booth(
        fair, fair.booths.first(), employer=employer.employer, postings=[], by=employer
    )
    client.force_login(seeker)
    assert client.get(booking.get_absolute_url()).status_code == 403
