from django.urls import reverse

from portal.models import AuditEntry
from portal.privacy import mask_id_number, mask_phone


def test_masks_keep_only_prefix_and_last_four():
    assert mask_id_number("440604199001011234") == "4406**********1234"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_id_number("") == ""


def test_admin_lists_and_forms_show_masked_numbers(client, seeker, caseworker):
    person = seeker.person
    client.force_login(caseworker)
    pages = [
        client.get(reverse("admin:portal_person_changelist")),
        client.get(reverse("admin:portal_person_change", args=[person.pk])),
    ]
    for page in pages:
        assert person.masked_id_number in page.text
        assert person.id_number not in page.text
        assert person.phone not in page.text


def test_full_identity_view_is_logged(client, seeker, caseworker):
    client.force_login(caseworker)
    url = reverse("admin:portal_person_reveal", args=[seeker.person.pk])
    response = client.get(url)
    assert seeker.person.id_number in response.text
    entry = AuditEntry.objects.get(action="portal.person.identity_viewed")
    assert entry.actor == caseworker
    assert entry.object_id == str(seeker.person.pk)


def test_leader_may_not_see_full_identity(client, seeker, leader):
    client.force_login(leader)
    url = reverse("admin:portal_person_reveal", args=[seeker.person.pk])
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(
        action="portal.person.identity_viewed"
    ).exists()


def test_seekers_are_listed_without_their_id_number_in_the_user_admin(
    client, seeker, administrator
):
    client.force_login(administrator)
    response = client.get(reverse("admin:portal_user_changelist"))
    assert seeker.person.masked_id_number in response.text
    assert seeker.username not in response.text


def test_caseworker_finds_a_person_by_the_masked_number_shown_in_lists(
    client, seeker, caseworker
):
    client.force_login(caseworker)
    response = client.get(
        reverse("admin:portal_person_changelist"), {"q": seeker.person.masked_id_number}
    )
    assert list(response.context["cl"].result_list) == [seeker.person]


def test_leader_sees_employer_contact_phone_masked(client, employer, leader):
    client.force_login(leader)
    url = reverse("admin:portal_employer_change", args=[employer.employer.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "137****7000" in response.text
    assert "13700137000" not in response.text


def test_caseworker_edits_employer_contact_phone(client, employer, caseworker):
    client.force_login(caseworker)
    url = reverse("admin:portal_employer_change", args=[employer.employer.pk])
    assert 'value="13700137000"' in client.get(url).text
