"""Look-alike applications and objections as queues of their own on the to-do
home, each settled on its case page through the service (subsidies/admin.py)."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry
from subsidies import services
from subsidies.errors import SubsidyError
from subsidies.models import Application, DuplicateSuspect, SubsidyType
from subsidies.services import chain, duplicates
from tests import factories


def start_up(seeker):
    factories.make_graduate(seeker.person)
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="start-up"), person=seeker.person
        ),
        by=seeker,
    )


def page_url(task) -> str:
    name = task._meta.model_name
    return reverse(f"admin:subsidies_{name}_change", args=[task.pk])


def decide_url(task, decision) -> str:
    name = task._meta.model_name
    return reverse(f"admin:subsidies_{name}_decide", args=[task.pk, decision])


def todo_rows(client) -> dict:
    page = client.get(reverse("admin:index"))
    return {
        f"{row.model_admin.model._meta.model_name}.{row.queue.name}": row
        for row in page.context["todo"]
    }


def seen(client, task) -> str:
    return client.get(page_url(task)).context["case"]["seen"]


@pytest.fixture
def twins(foshan):
    """Two people in 禅城 with the same name and birth date under two ID numbers:
    the second application is flagged as looking like the first."""
    first = factories.make_seeker(
        residence=foshan["chancheng_community"],
        name="陈家明",
        phone="13800000001",
        id_number=factories.id_number(birth="19950305", sequence=11),
    )
    second = factories.make_seeker(
        residence=foshan["chancheng_community"],
        name="陈家明",
        phone="13800000002",
        id_number=factories.id_number(birth="19950305", sequence=23),
    )
    earlier = start_up(first)
    later = start_up(second)
    return earlier, later


@pytest.fixture
def suspect(twins):
    earlier, later = twins
    return DuplicateSuspect.objects.get(application=later, other_application=earlier)


@pytest.fixture
def reviewers(foshan, caseworker, city_caseworker):
    street = factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])
    return {"street": street, "district": caseworker, "city": city_caseworker}


@pytest.fixture
def on_notice(seeker, reviewers):
    application = start_up(seeker)
    chain.accept_application(application, by=reviewers["street"])
    for level in ("street", "district", "city"):
        chain.pass_step(application, by=reviewers[level])
    application.refresh_from_db()
    assert application.status == "on_notice"
    return application


def test_a_look_alike_waits_in_its_own_queue_in_the_area_and_not_elsewhere(
    client, caseworker, outsider_caseworker, suspect
):
    client.force_login(caseworker)
    row = todo_rows(client)["duplicatesuspect.duplicates"]
    assert (row.mine, row.area, row.read_only) == (1, 1, False)
    assert row.first_url == page_url(suspect)
    client.force_login(outsider_caseworker)
    row = todo_rows(client)["duplicatesuspect.duplicates"]
    assert (row.mine, row.area) == (0, 0)
    assert client.get(page_url(suspect)).status_code == 302  # not found: to the home
    answer = client.post(
        decide_url(suspect, "release"), {"seen": "", "release-resolution": "x"}
    )
    assert answer.status_code == 404
    suspect.refresh_from_db()
    assert suspect.is_duplicate is None


def test_the_look_alikes_page_shows_the_other_application_masked(
    english, caseworker, suspect
):
    english.force_login(caseworker)
    page = english.get(page_url(suspect))
    other = suspect.other_application
    [section] = page.context["case"]["sections"]
    assert section.title == "The similar application"
    assert other.person.masked_id_number in page.text
    assert other.person.id_number not in page.text
    assert suspect.application.person.id_number not in page.text
    assert reverse("admin:subsidies_application_change", args=[other.pk]) in page.text
    checks = {check.label: check.detail for check in page.context["case"]["checks"]}
    assert checks["Name"] == checks["Birth date"] == "the same"
    assert checks["ID number"] == checks["Mobile phone"] == "differs"
    decisions = {item["decision"].name for item in page.context["case"]["decisions"]}
    assert decisions == {"release", "confirm"}


def test_releasing_a_look_alike_goes_through_the_service_with_the_finding(
    client, caseworker, suspect
):
    client.force_login(caseworker)
    answer = client.post(
        decide_url(suspect, "release"),
        {"seen": seen(client, suspect), "release-resolution": "二人为同名同生日"},
    )
    suspect.refresh_from_db()
    assert (suspect.is_duplicate, suspect.resolved_by) == (False, caseworker)
    entry = AuditEntry.objects.get(action="subsidies.duplicate.resolved")
    assert (entry.actor, entry.data) == (
        caseworker,
        {"duplicate": False, "note": "二人为同名同生日"},
    )
    assert not services.is_held(suspect.application)
    assert answer.url == reverse("admin:index")  # the queue is empty
    assert todo_rows(client)["duplicatesuspect.duplicates"].mine == 0
    # The same page posted again settles nothing twice.
    client.post(
        decide_url(suspect, "confirm"),
        {"seen": "False:old", "confirm-resolution": "x"},
    )
    suspect.refresh_from_db()
    assert suspect.is_duplicate is False
    assert AuditEntry.objects.filter(action="subsidies.duplicate.resolved").count() == 1


def test_a_look_alike_on_a_refused_application_leaves_the_queue(
    client, caseworker, reviewers, suspect
):
    application = suspect.application
    chain.accept_application(application, by=reviewers["street"])
    chain.refuse_application(application, "不符合条件", by=reviewers["street"])
    client.force_login(caseworker)
    assert todo_rows(client)["duplicatesuspect.duplicates"].area == 0


def test_the_applicant_who_is_staff_cannot_settle_their_own_look_alike(
    client, foshan, suspect
):
    person = suspect.application.person
    own = factories.make_staff("caseworker", org_unit=foshan["chancheng"])
    person.user = own
    person.save(update_fields=["user"])
    client.force_login(own)
    page = client.get(page_url(suspect))
    assert page.context["case"]["decisions"] == []
    assert page.context["case"]["next_step"].refusal
    client.post(
        decide_url(suspect, "release"),
        {"seen": page.context["case"]["seen"], "release-resolution": "x"},
    )
    suspect.refresh_from_db()
    assert suspect.is_duplicate is None


def test_an_objection_waits_in_its_own_queue_overdue_once_the_notice_is_over(
    client, caseworker, on_notice
):
    objection = chain.raise_objection(on_notice, text="申请人实际未经营该店铺")
    client.force_login(caseworker)
    row = todo_rows(client)["objection.objections"]
    assert (row.mine, row.area, row.overdue) == (1, 1, 0)
    assert row.first_url == page_url(objection)
    after = timezone.make_aware(
        datetime.datetime.combine(on_notice.notice_ends, datetime.time(12))
    ) + datetime.timedelta(days=2)
    with time_machine.travel(after):
        page = client.get(reverse("admin:index"))
        row = {
            f"{r.model_admin.model._meta.model_name}.{r.queue.name}": r
            for r in page.context["todo"]
        }["objection.objections"]
        assert (row.mine, row.overdue) == (1, 1)
        assert page.context["todo"][0] is row  # overdue first


def test_an_upheld_objection_refuses_the_application_from_its_page(
    english, foshan, on_notice
):
    objection = chain.raise_objection(on_notice, text="申请人实际未经营该店铺")
    # Those who decided a review step do not settle objections.
    resolver = factories.make_staff("caseworker", org_unit=foshan["city"])
    english.force_login(resolver)
    page = english.get(page_url(objection))
    assert "申请人实际未经营该店铺" in page.text
    decisions = {item["decision"].name for item in page.context["case"]["decisions"]}
    assert decisions == {"dismiss", "uphold"}
    answer = english.post(
        decide_url(objection, "uphold"),
        {"seen": page.context["case"]["seen"], "uphold-resolution": "经核实属实"},
    )
    objection.refresh_from_db()
    on_notice.refresh_from_db()
    assert (objection.upheld, objection.resolution) == (True, "经核实属实")
    assert on_notice.status == "refused"
    entry = AuditEntry.objects.get(action="subsidies.objection.resolved")
    assert (entry.actor, entry.data["note"]) == (resolver, "经核实属实")
    assert answer.url == reverse("admin:index")


def test_a_dismissed_objection_lets_the_approval_go_on(client, foshan, on_notice):
    objection = chain.raise_objection(on_notice, text="怀疑材料造假")
    resolver = factories.make_staff("caseworker", org_unit=foshan["city"])
    client.force_login(resolver)
    client.post(
        decide_url(objection, "dismiss"),
        {"seen": seen(client, objection), "dismiss-resolution": "材料核实无误"},
    )
    objection.refresh_from_db()
    on_notice.refresh_from_db()
    assert (objection.upheld, on_notice.status) == (False, "on_notice")
    assert todo_rows(client)["objection.objections"].area == 0


def test_a_reviewer_of_the_application_is_told_another_official_settles_it(
    english, reviewers, on_notice
):
    objection = chain.raise_objection(on_notice, text="怀疑材料造假")
    english.force_login(reviewers["district"])
    page = english.get(page_url(objection))
    assert page.context["case"]["decisions"] == []
    assert "you decided another step" in page.context["case"]["next_step"].refusal
    english.post(
        decide_url(objection, "dismiss"),
        {"seen": page.context["case"]["seen"], "dismiss-resolution": "x"},
    )
    objection.refresh_from_db()
    assert objection.upheld is None


def test_leaders_see_both_queues_totals_without_links(
    client, foshan, suspect, on_notice
):
    chain.raise_objection(on_notice, text="怀疑材料造假")
    leader = factories.make_staff("leader", org_unit=foshan["chancheng"])
    client.force_login(leader)
    found = todo_rows(client)
    for name in ("duplicatesuspect.duplicates", "objection.objections"):
        assert (found[name].read_only, found[name].area) == (True, 1)
        assert found[name].first_url == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_caseworkers_settling_one_look_alike_at_once_settle_it_once():
    foshan = factories.make_org_tree()
    twins = [
        factories.make_seeker(
            residence=foshan["chancheng_community"],
            name="陈家明",
            phone=f"1380000000{n}",
            id_number=factories.id_number(birth="19950305", sequence=n),
        )
        for n in (1, 2)
    ]
    for twin in twins:
        start_up(twin)
    suspect = DuplicateSuspect.objects.get()
    deciders = iter(
        [
            (factories.make_staff("caseworker", org_unit=foshan["chancheng"]), True),
            (factories.make_staff("caseworker", org_unit=foshan["city"]), False),
        ]
    )
    lock = threading.Lock()
    barrier = threading.Barrier(2)
    outcomes = []

    def settle():
        with lock:
            by, duplicate = next(deciders)
        try:
            barrier.wait()
            duplicates.resolve_suspect(suspect, duplicate=duplicate, by=by)
            outcomes.append("ok")
        except SubsidyError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=settle) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert AuditEntry.objects.filter(action="subsidies.duplicate.resolved").count() == 1
