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


def test_only_city_staff_file_for_the_talent_centre(
    client, caseworker, city_caseworker, other_seeker
):
    from graduates.models import ReceivingApplication

    factories.make_graduate(other_seeker.person)
    url = reverse("admin:graduates_receiving_talent_centre")
    listing = reverse("admin:graduates_receivingapplication_changelist")
    data = {
        "name": "别人",
        "id_number": other_seeker.person.id_number,
        "graduation_year": 2026,
        "kind": "archive",
        "reason": "人才引进",
    }
    client.force_login(caseworker)  # of 禅城; the graduate lives in 南海
    assert url not in client.get(listing).text
    answers = [client.get(url), client.post(url, data)]  # the name is never checked
    assert [(a.status_code, a.get("Location")) for a in answers] == [(302, listing)] * 2
    client.force_login(city_caseworker)
    assert url in client.get(listing).text
    client.post(url, {**data, "name": other_seeker.person.name})
    assert ReceivingApplication.objects.get().employer is None
