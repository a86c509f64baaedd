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


def test_saving_an_edit_writes_only_the_changed_columns_and_lists_old_and_new(
    caseworker, employer
):
    from portal.audit import save_with_audit
    from portal.models import Employer

    record = Employer.objects.get(pk=employer.employer_id)
    old_phone = record.contact_phone
    record.contact_phone = "13900001111"
    # Someone else changed another column meanwhile: it must survive the save.
    Employer.objects.filter(pk=record.pk).update(address="新地址1号")
    save_with_audit(
        record,
        by=caseworker,
        fields=["contact_phone", "no_such_field"],
        action="portal.employer",
    )
    record.refresh_from_db()
    assert (record.contact_phone, record.address) == ("13900001111", "新地址1号")
    entry = AuditEntry.objects.get(action="portal.employer.changed")
    assert entry.data == {"changes": {"contact_phone": [old_phone, "13900001111"]}}
    assert entry.actor == caseworker


def test_saving_a_new_row_audits_its_creation(caseworker, foshan):
    from portal.audit import save_with_audit
    from portal.models import OrgUnit

    unit = OrgUnit(
        code="440604001099",
        name="试点社区",
        level=OrgUnit.Level.COMMUNITY,
        parent=foshan["chancheng_street"],
    )
    save_with_audit(unit, by=caseworker, fields=["name"], action="portal.org_unit")
    assert OrgUnit.objects.filter(code="440604001099").exists()
    entry = AuditEntry.objects.get(action="portal.org_unit.created")
    assert entry.object_id == str(unit.pk)
