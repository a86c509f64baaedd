"""Graduate reports processed on the graduate's review page (portal/casework.py
on GraduateAdmin)."""

from django.urls import reverse

from portal.models import AuditEntry
from tests import factories


def url(graduate, what, *args) -> str:
    return reverse(f"admin:graduates_graduate_{what}", args=[graduate.pk, *args])


def test_a_report_is_received_from_its_page(client, seeker, caseworker):
    graduate = factories.make_graduate(seeker.person)
    client.force_login(caseworker)
    page = client.get(url(graduate, "change"))
    assert {item["decision"].name for item in page.context["case"]["decisions"]} == {
        "receive",
        "return",
    }
    answer = client.post(
        url(graduate, "decide", "receive"), {"seen": page.context["case"]["seen"]}
    )
    graduate.refresh_from_db()
    assert graduate.report_status == "received"
    assert AuditEntry.objects.filter(
        action="graduates.graduate.received", object_id=str(graduate.pk)
    ).exists()
    assert answer.url == reverse("admin:index")


def test_another_districts_caseworker_cannot_process_the_report(
    client, seeker, outsider_caseworker
):
    graduate = factories.make_graduate(seeker.person)
    client.force_login(outsider_caseworker)
    answer = client.post(url(graduate, "decide", "receive"), {"seen": ""})
    assert answer.status_code == 404
    graduate.refresh_from_db()
    assert graduate.report_status == "submitted"
