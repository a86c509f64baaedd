import pytest
from django.db import DatabaseError, transaction

from portal.audit import audit
from portal.models import AuditEntry


def test_audit_entries_cannot_be_changed_or_deleted(caseworker, seeker):
    entry = audit(caseworker, "portal.person.identity_viewed", seeker.person)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "portal.person.identity_viewed"


def test_audit_trail_is_read_only_in_the_admin(client, administrator, seeker):
    from django.urls import reverse

    client.force_login(administrator)
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_auditentry_add")).status_code == 403


def test_audit_actions_read_as_words(caseworker, seeker):
    from django.utils import translation

    entry = audit(caseworker, "jobs.posting.approved", seeker.person)
    with translation.override("zh-hans"):
        assert entry.action_label == "岗位审核通过"
    unknown = audit(caseworker, "elsewhere.thing.done", seeker.person)
    assert unknown.action_label == "elsewhere.thing.done"
