"""Declaring a relative (回避申报) in the back office looks nobody up: the answer is
the same for any valid ID number, and no page shows the relative's name."""

from django.urls import reverse

from portal.models import Recusal
from tests import factories

ADD = "admin:portal_recusal_add"


def test_declaring_an_id_number_of_another_district_shows_no_name(
    client, caseworker, other_seeker
):
    relative = other_seeker.person
    client.force_login(caseworker)
    response = client.post(
        reverse(ADD), {"id_number": relative.id_number, "relation": "表弟"}, follow=True
    )
    assert response.status_code == 200
    assert relative.masked_id_number in response.text
    recusal = Recusal.objects.get(user=caseworker)
    page = client.get(reverse("admin:portal_recusal_change", args=[recusal.pk]))
    assert relative.masked_id_number in page.text
    for shown in (response, page):
        assert relative.name not in shown.text
        assert relative.id_number not in shown.text


def test_the_answer_is_the_same_whether_or_not_the_person_is_on_file(
    client, caseworker, other_seeker
):
    on_file = other_seeker.person.id_number
    not_on_file = factories.id_number(area="440605", birth="19880808", sequence=321)
    client.force_login(caseworker)
    answers = [
        client.post(reverse(ADD), {"id_number": number, "relation": "表哥"})
        for number in (on_file, not_on_file)
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].url == answers[1].url
    declared = Recusal.objects.filter(user=caseworker)
    assert set(declared.values_list("id_number", flat=True)) == {on_file, not_on_file}


def test_an_id_number_with_a_wrong_check_digit_is_refused(client, caseworker):
    number = factories.id_number(sequence=123)
    wrong = number[:17] + ("1" if number[17] == "0" else "0")
    client.force_login(caseworker)
    response = client.post(reverse(ADD), {"id_number": wrong, "relation": "表哥"})
    assert response.status_code == 200
    assert not Recusal.objects.exists()
