import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.parametrize(
    "persona, name",
    [
        ("employer", "graduates:graduate_home"),
        ("employer", "graduates:graduate_report"),
        ("seeker", "graduates:receiving_list"),
        ("caseworker", "graduates:receiving_list"),
    ],
)
def test_pages_refuse_the_wrong_role(client, foshan, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403


def test_another_seeker_cannot_touch_a_graduates_follow_up(
    client, seeker, other_seeker
):
    graduate = factories.make_graduate(seeker.person)
    client.force_login(other_seeker)
    for name in ("graduates:leaver_register", "graduates:graduate_edit"):
        assert client.get(reverse(name, args=[graduate.code])).status_code == 404
    found = reverse("graduates:leaver_found_work", args=[graduate.code])
    assert client.post(found).status_code == 404
