import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from subsidies import services
from subsidies.models import Application, Decision, SubsidyType
from subsidies.services import chain
from tests import factories


@pytest.fixture
def reviewers(foshan, caseworker, city_caseworker):
    street = factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])
    return {"street": street, "district": caseworker, "city": city_caseworker}


@pytest.fixture
def application(seeker):
    factories.make_graduate(seeker.person)
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="start-up"), person=seeker.person
        ),
        by=seeker,
    )


def run_reviews(application, reviewers):
    chain.accept_application(application, by=reviewers["street"])
    for level in ("street", "district", "city"):
        chain.pass_step(application, by=reviewers[level])
    application.refresh_from_db()
    return application


def test_the_whole_chain_to_approval(application, reviewers, foshan, client):
    approver = factories.make_staff("caseworker", org_unit=foshan["city"])
    application = run_reviews(application, reviewers)
    assert application.status == "on_notice"
    page = client.get(reverse("subsidies:notice_list"))
    assert application.person.masked_id_number in page.text
    assert application.person.id_number not in page.text
    with pytest.raises(services.SubsidyError):  # the notice still runs
        chain.approve_application(application, by=approver)
    after = timezone.make_aware(
        datetime.datetime.combine(application.notice_ends, datetime.time(12))
    ) + datetime.timedelta(days=1)
    with time_machine.travel(after):
        chain.approve_application(application, by=approver)
    application.refresh_from_db()
    assert application.status == "approved"
    kinds = list(Decision.objects.values_list("kind", flat=True))
    assert kinds == ["accepted", "passed", "passed", "passed", "approved"]


def test_one_person_cannot_decide_two_steps(application, reviewers, foshan):
    chain.accept_application(application, by=reviewers["street"])
    chain.pass_step(application, by=reviewers["street"])  # same step: allowed
    other_street = factories.make_staff(
        "caseworker", org_unit=foshan["chancheng_street"]
    )
    with pytest.raises(services.SubsidyError):  # district step, street level
        chain.pass_step(application, by=other_street)
    chain.pass_step(application, by=reviewers["district"])
    with pytest.raises(services.SubsidyError, match="another step|其他环节"):
        # the city caseworker is fine, but someone who decided before is not
        application.refresh_from_db()
        reviewers["district"].org_unit = foshan["city"]
        chain.pass_step(application, by=reviewers["district"])


def test_outsiders_and_applicants_do_not_decide(
    application, outsider_caseworker, seeker
):
    with pytest.raises(services.SubsidyError):
        chain.accept_application(application, by=outsider_caseworker)
    seeker.is_staff = True
    with pytest.raises(services.SubsidyError):
        chain.accept_application(application, by=seeker)


def test_an_upheld_objection_refuses_the_application(application, reviewers, foshan):
    application = run_reviews(application, reviewers)
    objection = chain.raise_objection(application, text="该人员并未实际经营")
    resolver = factories.make_staff("caseworker", org_unit=foshan["city"])
    chain.resolve_objection(objection, upheld=True, resolution="核实属实", by=resolver)
    application.refresh_from_db()
    assert application.status == "refused"


def test_a_returned_application_starts_over_and_decisions_are_append_only(
    application, reviewers, seeker
):
    from django.db import ProgrammingError, transaction

    chain.return_application(application, "请补充营业执照", by=reviewers["street"])
    application.refresh_from_db()
    services.resubmit_application(application, by=seeker)
    application.refresh_from_db()
    assert (application.status, application.step) == ("submitted", 0)
    decision = Decision.objects.get()
    with pytest.raises(ProgrammingError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(reason="改写")


def test_overdue_steps_are_flagged(application, reviewers):
    chain.accept_application(application, by=reviewers["street"])
    application.refresh_from_db()
    with time_machine.travel(application.step_due + datetime.timedelta(days=1)):
        assert application.is_overdue


def test_caseworkers_see_what_waits_at_their_level(client, application, reviewers):
    url = reverse("admin:subsidies_application_changelist") + "?waiting=me"
    client.force_login(reviewers["street"])
    assert application.person.masked_id_number in client.get(url).text or (
        application.person.name in client.get(url).text
    )
    client.force_login(reviewers["city"])
    assert application.person.name not in client.get(url).text


def test_nobody_decides_a_declared_relatives_application(
    application, reviewers, foshan, client
):
    from portal.models import Recusal

    street = reviewers["street"]
    client.force_login(street)
    response = client.post(
        reverse("admin:portal_recusal_add"),
        {"id_number": application.person.id_number, "relation": "表妹"},
    )
    assert response.status_code == 302
    assert Recusal.objects.get().user == street
    with pytest.raises(services.SubsidyError, match="relative|亲属"):
        chain.accept_application(application, by=street)
    colleague = factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])
    chain.accept_application(application, by=colleague)


def test_each_review_is_due_within_the_versions_working_days(application, reviewers):
    application.version.review_days = 3
    application.version.save()
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10)):  # a Friday
        chain.accept_application(application, by=reviewers["street"])
    application.refresh_from_db()
    assert application.step_due == datetime.date(2026, 12, 2)  # Mon, Tue, Wed


def test_the_applicant_is_told_and_can_rate_the_outcome(application, reviewers, client):
    from portal.models import Notification

    seeker = application.person.user
    chain.accept_application(application, by=reviewers["street"])
    client.force_login(seeker)
    rate = reverse("subsidies:application_rate", args=[application.code])
    client.post(rate, {"rating": 5})
    application.refresh_from_db()
    assert application.rating is None  # not finished yet
    chain.refuse_application(application, "经营未满1年", by=reviewers["street"])
    assert Notification.objects.filter(
        recipient=seeker, body__contains="经营未满1年"
    ).exists()
    assert client.get(application.get_absolute_url()).context["rating_form"]
    client.post(rate, {"rating": 2, "rating_comment": "希望说明更清楚"})
    application.refresh_from_db()
    assert application.rating == 2
    client.post(rate, {"rating": 5})
    application.refresh_from_db()
    assert application.rating == 2  # once


def test_a_declared_relative_cannot_clear_an_objection(application, reviewers, foshan):
    from portal.models import Recusal

    application = run_reviews(application, reviewers)
    objection = chain.raise_objection(application, text="此人已就业")
    city = factories.make_staff("caseworker", org_unit=foshan["city"])
    Recusal.objects.create(
        user=city, id_number=application.person.id_number, relation="表哥"
    )
    with pytest.raises(services.SubsidyError):
        chain.resolve_objection(objection, upheld=False, resolution="核实无误", by=city)
    colleague = factories.make_staff("caseworker", org_unit=foshan["city"])
    chain.resolve_objection(
        objection, upheld=False, resolution="核实无误", by=colleague
    )


def test_applications_are_never_deleted_in_the_back_office(client, application):
    admin = factories.make_staff("admin")
    client.force_login(admin)
    delete = reverse("admin:subsidies_application_delete", args=[application.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Application.objects.filter(pk=application.pk).exists()


def test_caseworker_resolves_objections_in_the_back_office_with_a_finding(
    application, reviewers, foshan, client
):
    application = run_reviews(application, reviewers)
    objection = chain.raise_objection(application, text="该人员并未实际经营")
    resolver = factories.make_staff("caseworker", org_unit=foshan["city"])
    client.force_login(resolver)
    url = reverse("admin:subsidies_objection_changelist")
    selection = {"action": "dismiss_selected", "_selected_action": [objection.pk]}
    page = client.post(url, selection)  # first the form asking for the finding
    assert page.status_code == 200 and 'name="resolution"' in page.text
    objection.refresh_from_db()
    assert objection.upheld is None
    client.post(url, {**selection, "resolution": "核实无误"})
    objection.refresh_from_db()
    application.refresh_from_db()
    assert (objection.upheld, objection.resolution) == (False, "核实无误")
    assert application.status == "on_notice"
