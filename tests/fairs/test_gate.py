import datetime
import re
import threading
import time
import uuid

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from fairs import services
from fairs.models import BoothBooking, PointsEntry, Scan, SeekerPass
from fairs.services import gate
from fairs.services.points import booking_block
from portal.models import AuditEntry, User
from tests import factories


@pytest.fixture
def fair(foshan):
    return factories.make_fair(foshan["chancheng"], seeker_capacity=2)


@pytest.fixture
def steward(foshan):
    from portal.models import User

    return User.objects.create_user(
        username="gate1", password="x", role="steward", org_unit=foshan["chancheng"]
    )


@pytest.fixture
def booking(fair, employer):
    return services.book_booth(
        fair, fair.booths.get(number="A01"), employer=employer.employer, postings=[],
        by=employer,
    )  # fmt: skip


def at(fair, hour, minute=0):
    moment = datetime.datetime.combine(fair.date, datetime.time(hour, minute))
    return time_machine.travel(timezone.make_aware(moment), tick=False)


def test_seekers_register_until_the_fair_is_full(fair, seeker, other_seeker, foshan):
    first = gate.register_to_attend(fair, person=seeker.person)
    assert gate.register_to_attend(fair, person=seeker.person) == first  # once
    gate.register_to_attend(fair, person=other_seeker.person)
    third = factories.make_person(residence=foshan["chancheng_community"])
    with pytest.raises(services.FairError):
        gate.register_to_attend(fair, person=third)


def test_scans_answer_in_clear_words(fair, seeker, steward, booking, foshan):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    with at(fair, 8, 0):
        assert gate.scan(fair, seeker_pass.pass_token, by=steward).result == "not_open"
    with at(fair, 8, 45):
        assert gate.scan(fair, seeker_pass.pass_token, by=steward).result == "entered"
        again = gate.scan(fair, seeker_pass.short_code.lower(), by=steward)
        assert again.result == "already" and "08:45" in gate.scan_message(again)
        assert gate.scan(fair, booking.pass_token, by=steward).result == "signed_in"
        out = gate.scan(fair, booking.short_code, by=steward, direction="out")
        assert out.result == "signed_out"
        assert gate.scan(fair, "not a code", by=steward).result == "unknown"
        forged = booking.pass_token[:-2] + "xx"
        assert gate.scan(fair, forged, by=steward).result == "unknown"
        other = factories.make_fair(foshan["chancheng"], name="另一场")
        assert (
            gate.scan(other, seeker_pass.pass_token, by=steward).result == "wrong_fair"
        )
    assert Scan.objects.count() == 8  # failures are stored too


def test_a_cancelled_booking_is_refused_at_the_gate(fair, booking, employer, steward):
    services.cancel_booking(booking, by=employer)
    with at(fair, 9):
        assert gate.scan(fair, booking.pass_token, by=steward).result == "revoked"


def test_the_same_nonce_is_one_scan(fair, seeker, steward):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    nonce = uuid.uuid4()
    with at(fair, 9):
        first = gate.scan(fair, seeker_pass.pass_token, by=steward, nonce=nonce)
        second = gate.scan(fair, seeker_pass.pass_token, by=steward, nonce=nonce)
    assert first == second and first.result == "entered"
    assert Scan.objects.count() == 1


def test_a_nonce_used_at_another_fair_does_not_replay_that_fairs_answer(
    fair, seeker, steward, foshan
):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    other = factories.make_fair(foshan["chancheng"], name="另一场")
    nonce = uuid.uuid4()
    with at(fair, 9):
        gate.scan(fair, seeker_pass.pass_token, by=steward, nonce=nonce)
        with pytest.raises(services.FairError):
            gate.scan(other, "not a code", by=steward, nonce=nonce)
    assert Scan.objects.get().fair == fair
    assert AuditEntry.objects.filter(action="fairs.scan.nonce_reused").exists()


def test_a_nonce_used_by_another_steward_does_not_replay_that_stewards_answer(
    client, fair, seeker, steward, foshan
):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    colleague = User.objects.create_user(
        username="gate3", password="x", role="steward", org_unit=foshan["chancheng"]
    )
    nonce = str(uuid.uuid4())
    url = reverse("fairs:gate_scanner", args=[fair.pk])
    with at(fair, 9):
        client.force_login(steward)
        first = client.post(
            url, {"raw": seeker_pass.short_code, "nonce": nonce},
            HTTP_ACCEPT="application/json",
        )  # fmt: skip
        client.force_login(colleague)
        second = client.post(
            url, {"raw": "not a code", "nonce": nonce}, HTTP_ACCEPT="application/json"
        )
        page = client.post(url, {"raw": "not a code", "nonce": nonce})
    assert first.json()["detail"] == seeker.person.masked_name
    assert second.status_code == 409 and second.json()["result"] == "refused"
    assert seeker.person.masked_name not in second.json()["detail"]
    assert "已在别处使用" in second.json()["detail"]
    assert "已在别处使用" in page.text and "已入场" not in page.text
    assert Scan.objects.get().scanned_by == steward


def test_the_database_keeps_a_nonce_to_one_scan_per_fair_and_steward(
    fair, steward, foshan
):
    nonce = uuid.uuid4()
    with at(fair, 9):
        first = gate.scan(fair, "not a code", by=steward, nonce=nonce)
    other = factories.make_fair(foshan["chancheng"], name="另一场")
    Scan.objects.create(
        fair=other, raw="x", nonce=nonce, result="unknown", scanned_by=steward
    )  # a row of another fair may hold the nonce
    with pytest.raises(IntegrityError), transaction.atomic():
        Scan.objects.create(
            fair=fair, raw="x", nonce=nonce, result="unknown", scanned_by=steward
        )
    assert gate.scan(fair, "not a code", by=steward, nonce=nonce) == first


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_submit_at_the_same_moment_is_one_scan():
    foshan = factories.make_org_tree()
    fair = factories.make_fair(foshan["chancheng"])
    seeker = factories.make_seeker(residence=foshan["chancheng_community"])
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    steward = User.objects.create_user(
        username="gate1", password="x", role="steward", org_unit=foshan["chancheng"]
    )
    nonce = uuid.uuid4()
    answers = []

    def attempt():
        try:
            record = gate.scan(fair, seeker_pass.pass_token, by=steward, nonce=nonce)
            answers.append((record.pk, record.result))
        finally:
            connection.close()

    def waiting_for_a_lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            return cursor.fetchone()[0]

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    with at(fair, 9):
        # Holding the pass lets both submits find no earlier scan and then wait
        # for each other at the pass, so both reach the insert.
        with transaction.atomic():
            SeekerPass.objects.select_for_update().get(pk=seeker_pass.pk)
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 10
            while waiting_for_a_lock() < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        for thread in threads:
            thread.join()
    assert len(answers) == 2 and answers[0] == answers[1]
    assert answers[0][1] == "entered"
    assert Scan.objects.count() == 1


def test_annulling_a_scan_undoes_its_entry(fair, seeker, steward, caseworker):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    with at(fair, 9):
        record = gate.scan(fair, seeker_pass.pass_token, by=steward)
        gate.annul_scan(record, by=caseworker)
        assert gate.scan(fair, seeker_pass.pass_token, by=steward).result == "entered"


def test_no_shows_are_released_and_block_booking(foshan, employer, steward):
    fairs = [
        factories.make_fair(foshan["chancheng"], name=f"招聘会{i}") for i in range(3)
    ]
    for fair in fairs[:2]:
        services.book_booth(
            fair, fair.booths.first(), employer=employer.employer, postings=[],
            by=employer,
        )  # fmt: skip
    with at(fairs[0], 9, 29):
        assert gate.release_no_shows() == 0
    with at(fairs[0], 9, 31):
        assert gate.release_no_shows() == 2  # both fairs are on the same day
    assert BoothBooking.objects.filter(status="released").count() == 2
    assert PointsEntry.objects.filter(reason="no_show").count() == 2
    assert booking_block(employer.employer) is not None
    with pytest.raises(services.FairError):
        services.book_booth(
            fairs[2], fairs[2].booths.first(), employer=employer.employer, postings=[],
            by=employer,
        )  # fmt: skip


def test_attending_earns_points_shown_to_the_employer(
    client, fair, booking, steward, employer
):
    with at(fair, 9):
        gate.scan(fair, booking.pass_token, by=steward)
    client.force_login(employer)
    page = client.get(reverse("fairs:points_history"))
    assert "+5" in page.text


def test_steward_scanner_page_answers_json_and_lists_nobody(
    client, fair, seeker, steward
):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    client.force_login(steward)
    url = reverse("fairs:gate_scanner", args=[fair.pk])
    page = client.get(url)
    assert page.status_code == 200 and seeker.person.name not in page.text
    with at(fair, 9):
        response = client.post(
            url,
            {"raw": seeker_pass.short_code, "nonce": str(uuid.uuid4())},
            HTTP_ACCEPT="application/json",
        )
    assert response.json()["result"] == "entered"


def test_another_fairs_pass_gets_the_same_answer_typed_as_scanned(
    client, fair, seeker, steward, booking, foshan
):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    other = factories.make_fair(foshan["chancheng"], name="另一场")
    client.force_login(steward)
    url = reverse("fairs:gate_scanner", args=[other.pk])
    answers = []
    with at(other, 9):
        for raw in (
            seeker_pass.pass_token,
            seeker_pass.short_code,
            booking.pass_token,
            booking.short_code.lower(),
        ):
            response = client.post(
                url,
                {"raw": raw, "nonce": str(uuid.uuid4())},
                HTTP_ACCEPT="application/json",
            )
            answers.append(response.json()["result"])
    assert answers == ["wrong_fair"] * 4
    assert SeekerPass.objects.get(pk=seeker_pass.pk).entered_at is None


def test_the_camera_button_stays_hidden_until_the_browser_can_read_qr_codes(
    client, fair, steward
):
    client.force_login(steward)
    page = client.get(reverse("fairs:gate_scanner", args=[fair.pk])).text
    assert re.search(r'<button [^>]*id="camera-button"[^>]* hidden>', page)
    # The site's `button { display: inline-block }` beat the attribute's own
    # display: none, so the button showed and did nothing.
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert re.search(r"\[hidden\]\s*\{\s*display:\s*none\s*!important", css)


def test_a_scanned_code_with_a_nul_byte_is_recorded_as_unknown(client, fair, steward):
    client.force_login(steward)
    with at(fair, 9):
        response = client.post(
            reverse("fairs:gate_scanner", args=[fair.pk]),
            {"raw": "ZK7Q\x003MPA", "nonce": str(uuid.uuid4())},
            HTTP_ACCEPT="application/json",
        )
    answer = response.json()
    assert answer["ok"] is False and answer["result"] == "unknown"
    assert "NUL" in answer["detail"]
    scan = Scan.objects.get()
    assert scan.result == "unknown" and scan.raw == "ZK7Q\N{SYMBOL FOR NULL}3MPA"


def test_only_gate_staff_of_the_area_scan(client, fair, seeker, employer, foshan):
    from portal.models import User

    outsider = User.objects.create_user(
        username="gate2", password="x", role="steward", org_unit=foshan["nanhai"]
    )
    url = reverse("fairs:gate_scanner", args=[fair.pk])
    for user, status in ((seeker, 403), (employer, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_seeker_registers_on_the_fair_page_and_gets_a_pass(client, fair, seeker):
    client.force_login(seeker)
    response = client.post(reverse("fairs:pass_register", args=[fair.pk]))
    page = client.get(response.url)
    assert "<svg" in page.text and "private" in page["Cache-Control"]


def test_live_figures_for_caseworkers(
    client, fair, booking, seeker, steward, caseworker
):
    gate.register_to_attend(fair, person=seeker.person)
    with at(fair, 9):
        gate.scan(fair, booking.pass_token, by=steward)
        gate.scan(fair, "nonsense", by=steward)
    client.force_login(caseworker)
    page = client.get(reverse("fairs:fair_figures", args=[fair.pk]))
    assert page.context["present"] == 1 and page.context["registered"] == 1
    assert (
        page.context["failed"] == [("未知代码", 1)] or page.context["failed"][0][1] == 1
    )
    client.force_login(seeker)
    assert client.get(reverse("fairs:fair_figures", args=[fair.pk])).status_code == 403


def test_stewards_find_their_gates_from_the_workspace(client, fair, steward):
    client.force_login(steward)
    workspace = client.get(reverse("workspace"))
    assert reverse("fairs:gate_home") in workspace.text
    gates = client.get(reverse("fairs:gate_home"))
    assert reverse("fairs:gate_scanner", args=[fair.pk]) in gates.text


def test_a_scan_before_check_in_says_when_it_opens(fair, seeker, steward):
    seeker_pass = gate.register_to_attend(fair, person=seeker.person)
    with at(fair, 7):
        record = gate.scan(fair, seeker_pass.pass_token, by=steward)
    assert "08:30" in gate.scan_message(record)


def test_hires_through_the_fair_earn_points_once(fair, employer, seeker, steward):
    from fairs.services import visits
    from fairs.services.points import award_hiring_points
    from jobs import services as job_services
    from jobs.models import Application

    posting = factories.make_posting(employer.employer, title="仓库管理员")
    booking = services.book_booth(
        fair, fair.booths.get(number="A02"), employer=employer.employer,
        postings=[posting], by=employer,
    )  # fmt: skip
    factories.make_resume(seeker)
    with at(fair, 9):
        gate.scan(fair, booking.pass_token, by=steward)
        visits.register_interest(booking, person=seeker.person, postings=[posting])
        application = Application.objects.get()
        for status in ("interview", "hired"):
            job_services.move_application(application, to=status, by=employer)
    with at(fair, 20):
        assert award_hiring_points() == 1
        assert award_hiring_points() == 0
    assert PointsEntry.objects.filter(booking=booking, reason="hired").exists()


def test_city_staff_change_points_rules_with_an_audit_entry(
    client, city_caseworker, caseworker
):
    from fairs.models import PointsRules
    from portal.models import AuditEntry

    rules = PointsRules.current()
    url = reverse("admin:fairs_pointsrules_change", args=[rules.pk])
    form = {
        "attended": 5, "hired": 5, "late_cancel": -3, "no_show": -20,
        "no_show_limit": 2, "no_show_months": 12, "block_days": 180,
    }  # fmt: skip
    client.force_login(caseworker)  # district level: may not
    client.post(url, form)
    assert PointsRules.current().no_show == -10
    client.force_login(city_caseworker)
    client.post(url, form)
    assert PointsRules.current().no_show == -20
    assert AuditEntry.objects.filter(action="fairs.rules.changed").exists()
