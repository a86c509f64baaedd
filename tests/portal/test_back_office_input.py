"""Junk in the back office's query strings and add forms gets the admin's own
answers, not a 500 (portal.admin.CheckedInputMixin, on every admin)."""

import pytest
from django.urls import reverse

from portal.models import AuditEntry, Employer, Person
from registration.models import UnemploymentRegistration


@pytest.mark.parametrize(
    "url, query",
    [
        ("admin:portal_person_changelist", {"created_at__year": "-1"}),
        ("admin:jobs_jobposting_changelist", {"created_at__year": "1" + "0" * 19}),
        # The date hierarchy's own links: Django cannot end the year 9999.
        ("admin:portal_auditentry_changelist", {"created_at__year": "9999"}),
        ("admin:django_q_success_changelist", {"started__year": "10000"}),
    ],
)
def test_a_year_no_date_can_have_is_an_invalid_lookup(
    client, administrator, url, query
):
    client.force_login(administrator)
    response = client.get(reverse(url), query)
    assert response.status_code == 302
    assert response.url == reverse(url) + "?e=1"


@pytest.mark.parametrize(
    "url, field",
    [
        ("admin:portal_person_add", "residence"),
        ("admin:portal_employer_add", "org_unit"),
        ("admin:registration_unemploymentregistration_add", "person"),
    ],
)
def test_a_related_record_that_is_no_id_is_a_form_error(
    client, administrator, url, field
):
    client.force_login(administrator)
    response = client.post(reverse(url), {field: "abc"})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Person.objects.exists()
    assert not Employer.objects.exists()
    assert not UnemploymentRegistration.objects.exists()
    assert not AuditEntry.objects.exists()
