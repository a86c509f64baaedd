"""The smart recruiting hall: device tokens, the kiosk, the employer desk, the
screen and the hall's figures (docs/recruiting-hall.md)."""

import datetime
import json
import threading
import time

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fairs import services
from fairs.errors import FairError
from fairs.models import (
    DeskContact,
    Hall,
    HallCheckIn,
    HallFigures,
    KioskSession,
    Terminal,
)
from jobs.models import InterviewInvitation, Resume
from portal.models import AuditEntry, SmsMessage
from stats import services as stats_services
from stats.models import Fact
from stats.periods import Period
from tests import factories

COOKIE = settings.HALL_TERMINAL_COOKIE


@pytest.fixture
def hall(foshan):
    return Hall.objects.create(
        name="禅城区智慧招聘大厅",
        org_unit=foshan["chancheng"],
        address="禅城区岭南大道北1号",
        opening_hours="周一至周五 9:00–17:00",
    )


def make_terminal(hall, kind, name, booth=""):
    return Terminal.objects.create(hall=hall, kind=kind, name=name, booth=booth)


@pytest.fixture
def kiosk(hall, caseworker):
    terminal = make_terminal(hall, "kiosk", "1号自助机")
    return terminal, services.enrol_terminal(terminal, by=caseworker)


@pytest.fixture
def desk(hall, caseworker):
    terminal = make_terminal(hall, "desk", "64号桌面机", booth="64")
    return terminal, services.enrol_terminal(terminal, by=caseworker)


@pytest.fixture
def kiosk_client(client, kiosk):
    client.cookies[COOKIE] = kiosk[1]
    return client


@pytest.fixture
def registered(foshan):
    """Someone in the registry (no account), with a phone and education on record."""
    return factories.make_person(
        residence=foshan["chancheng_community"],
        name="王建国",
        phone="13600136000",
        education="senior",
        id_number=factories.id_number(area="440604"),
    )


def identify(client, person, *, name=None):
    client.post(reverse("fairs:kiosk_card"), {"id_number": person.id_number})
    return client.post(reverse("fairs:kiosk_verify"), {"name": name or person.name})


def test_terminal_pages_refuse_a_browser_without_a_device_token(client, seeker, hall):
    client.force_login(seeker)
    for name in ("fairs:kiosk_home", "fairs:desk_home"):
        response = client.get(reverse(name))
        assert response.status_code == 403
    client.cookies[COOKIE] = "made-up-token"
    assert client.get(reverse("fairs:kiosk_home")).status_code == 403


def test_a_kiosk_token_does_not_open_the_desk(kiosk_client):
    assert kiosk_client.get(reverse("fairs:kiosk_home")).status_code == 200
    assert kiosk_client.get(reverse("fairs:desk_home")).status_code == 403


def test_enrolment_sets_an_httponly_cookie_logs_the_caseworker_out_and_is_audited(
    client, hall, caseworker
):
    terminal = make_terminal(hall, "kiosk", "2号自助机")
    client.force_login(caseworker)
    response = client.post(reverse("fairs:terminal_enrol", args=[terminal.pk]))
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["max-age"] > 365 * 86400
    terminal.refresh_from_db()
    assert terminal.token_digest and cookie.value not in terminal.token_digest
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="fairs.terminal.enrolled").count() == 1
    assert client.get(reverse("fairs:kiosk_home")).status_code == 200


def test_another_districts_caseworker_cannot_enrol_the_halls_terminal(
    client, hall, outsider_caseworker
):
    terminal = make_terminal(hall, "kiosk", "3号自助机")
    client.force_login(outsider_caseworker)
    response = client.post(reverse("fairs:terminal_enrol", args=[terminal.pk]))
    assert response.status_code == 404
    terminal.refresh_from_db()
    assert not terminal.is_enrolled


def test_a_stolen_token_is_revoked_in_one_click_from_the_back_office(
    client, kiosk, caseworker
):
    terminal, secret = kiosk
    client.force_login(caseworker)
    changelist = client.get(reverse("admin:fairs_terminal_changelist"))
    revoke_url = reverse("admin:fairs_terminal_revoke", args=[terminal.pk])
    assert revoke_url in changelist.content.decode()
    client.post(revoke_url)
    client.logout()
    client.cookies[COOKIE] = secret
    assert client.get(reverse("fairs:kiosk_home")).status_code == 403
    assert AuditEntry.objects.filter(action="fairs.terminal.revoked").count() == 1


def test_an_unknown_id_number_offers_registration_and_nobody_elses_data(
    kiosk_client, registered
):
    number = factories.id_number(area="440605")
    response = kiosk_client.post(reverse("fairs:kiosk_card"), {"id_number": number})
    page = response.content.decode()
    assert reverse("signup_seeker") in page or "<svg" in page
    assert registered.name not in page and registered.masked_phone not in page
    assert not KioskSession.objects.exists()


def test_nothing_personal_shows_before_the_second_factor(kiosk_client, registered):
    kiosk_client.post(reverse("fairs:kiosk_card"), {"id_number": registered.id_number})
    page = kiosk_client.get(reverse("fairs:kiosk_home")).content.decode()
    assert registered.name not in page and registered.name[0] + "*" not in page
    assert kiosk_client.get(reverse("fairs:kiosk_review")).status_code == 302


def test_three_wrong_names_end_the_session(kiosk_client, registered):
    kiosk_client.post(reverse("fairs:kiosk_card"), {"id_number": registered.id_number})
    for _ in range(3):
        kiosk_client.post(reverse("fairs:kiosk_verify"), {"name": "张三"})
    session = KioskSession.objects.get()
    assert session.ended_at is not None and session.verified_at is None


def test_the_sms_code_goes_to_the_phone_on_record_and_opens_the_session(
    kiosk_client, registered
):
    kiosk_client.post(reverse("fairs:kiosk_card"), {"id_number": registered.id_number})
    kiosk_client.post(reverse("fairs:kiosk_send_code"))
    message = SmsMessage.objects.get(template="hall_code")
    assert message.phone == registered.phone
    kiosk_client.post(reverse("fairs:kiosk_verify"), {"code": "000000x"})
    assert KioskSession.objects.get().verified_at is None
    kiosk_client.post(reverse("fairs:kiosk_verify"), {"code": message.params["code"]})
    assert KioskSession.objects.get().factor == "sms"


def test_kiosk_pages_are_never_stored_and_done_leaves_nothing(kiosk_client, registered):
    identify(kiosk_client, registered)
    response = kiosk_client.get(reverse("fairs:kiosk_home"))
    assert "no-store" in response["Cache-Control"]
    assert registered.masked_name in response.content.decode()
    kiosk_client.post(reverse("fairs:kiosk_done"))
    for name in ("fairs:kiosk_home", "fairs:kiosk_resume", "fairs:kiosk_jobs"):
        page = kiosk_client.get(reverse(name), follow=True).content.decode()
        assert registered.masked_name not in page


def test_sixty_seconds_idle_ends_the_session(kiosk_client, registered):
    identify(kiosk_client, registered)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        page = kiosk_client.get(reverse("fairs:kiosk_home")).content.decode()
    assert registered.masked_name not in page
    assert KioskSession.objects.get().ended_at is not None


def test_a_resume_made_at_the_kiosk_and_a_check_in_reach_the_screen(
    kiosk_client, registered, hall, django_capture_on_commit_callbacks
):
    identify(kiosk_client, registered)
    kiosk_client.post(
        reverse("fairs:kiosk_resume"), {"groups": ["6"], "occupation": ["普工"]}
    )
    resume = registered.resume
    assert resume.intended_occupation_groups == ["6"]
    review = kiosk_client.get(reverse("fairs:kiosk_review")).content.decode()
    assert registered.name in review
    with django_capture_on_commit_callbacks(execute=True):
        kiosk_client.post(reverse("fairs:kiosk_check_in"), {"share": "yes"})
    check_in = HallCheckIn.objects.get()
    assert check_in.shares_resume and check_in.day == timezone.localdate()
    data = kiosk_client.get(reverse("fairs:hall_screen_data", args=[hall.pk])).json()
    assert data["hall"]["seekers"] == 1 and data["hall"]["resumes"] == 1
    assert data["origins"] == [{"label": "佛山", "value": 1}]
    text = json.dumps(data, ensure_ascii=False)
    assert registered.name not in text and registered.id_number not in text


@pytest.fixture
def hall_day(
    kiosk_client, registered, employer, desk, django_capture_on_commit_callbacks
):
    """The registered person checked in (resume not shared); the employer has a
    matching open job."""
    factories.make_posting(employer.employer, occupation_group="6", title="普工")
    identify(kiosk_client, registered)
    kiosk_client.post(reverse("fairs:kiosk_resume"), {"groups": ["6"]})
    with django_capture_on_commit_callbacks(execute=True):
        kiosk_client.post(reverse("fairs:kiosk_check_in"))
    kiosk_client.post(reverse("fairs:kiosk_done"))
    return HallCheckIn.objects.get()


def desk_client(client, desk, user):
    client.cookies[COOKIE] = desk[1]
    client.force_login(user)
    client.post(reverse("fairs:desk_take"))
    return client


def test_the_desk_shows_the_person_masked_and_the_invitation_texts_company_and_booth(
    client,
    hall_day,
    employer,
    desk,
    registered,
    hall,
    django_capture_on_commit_callbacks,
):
    desk_client(client, desk, employer)
    page = client.get(reverse("fairs:desk_home")).content.decode()
    assert registered.masked_name in page and registered.name not in page
    posting = employer.employer.postings.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("fairs:desk_invite", args=[hall_day.pk]),
            {"posting": posting.pk, "when": "now"},
        )
    invitation = InterviewInvitation.objects.get()
    assert invitation.person == registered and "64" in invitation.place
    sms = SmsMessage.objects.get(template="hall_invitation")
    assert sms.phone == registered.phone
    assert sms.params["employer"] == employer.employer.name
    assert sms.params["booth"] == "64"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("fairs:desk_outcome", args=[hall_day.pk]), {"outcome": "hired"}
        )
    data = client.get(reverse("fairs:hall_screen_data", args=[hall.pk])).json()
    assert data["hall"]["invitations"] == 1
    assert data["hall"]["intentions"] == 1 and data["hall"]["hires"] == 1


def test_a_double_invite_sends_one_message(client, hall_day, employer, desk):
    desk_client(client, desk, employer)
    posting = employer.employer.postings.get()
    for _ in range(2):
        client.post(
            reverse("fairs:desk_invite", args=[hall_day.pk]),
            {"posting": posting.pk, "when": "now"},
        )
    assert InterviewInvitation.objects.count() == 1
    assert SmsMessage.objects.filter(template="hall_invitation").count() == 1


def test_an_employer_not_at_the_desk_cannot_act_on_the_people_in_the_hall(
    client, hall_day, other_employer, desk
):
    client.cookies[COOKIE] = desk[1]
    client.force_login(other_employer)  # holds the desk's cookie, never took the desk
    client.post(reverse("fairs:desk_outcome", args=[hall_day.pk]), {"outcome": "hired"})
    page = client.get(reverse("fairs:desk_home")).content.decode()
    assert hall_day.person.masked_name not in page
    assert not DeskContact.objects.exists()


def test_the_desk_of_another_hall_does_not_reach_this_halls_check_ins(
    client, hall_day, employer, foshan, caseworker
):
    other = Hall.objects.create(
        name="南海大厅", org_unit=foshan["chancheng"], address="x", opening_hours="x"
    )
    terminal = make_terminal(other, "desk", "1号桌面机", booth="1")
    secret = services.enrol_terminal(terminal, by=caseworker)
    desk_client(client, (terminal, secret), employer)
    response = client.post(
        reverse("fairs:desk_outcome", args=[hall_day.pk]), {"outcome": "hired"}
    )
    assert response.status_code == 404
    assert not DeskContact.objects.exists()


def test_the_screen_is_public_and_its_endpoint_reads_one_stored_row(
    client, hall, django_assert_max_num_queries
):
    services.refresh_all_hall_figures()
    assert client.get(reverse("fairs:hall_screen", args=[hall.pk])).status_code == 200
    with django_assert_max_num_queries(1):
        started = time.perf_counter()
        response = client.get(reverse("fairs:hall_screen_data", args=[hall.pk]))
        elapsed = time.perf_counter() - started
    assert response.status_code == 200 and elapsed < 0.05
    assert HallFigures.objects.count() == 1


def test_the_hall_figures_reach_the_statistics(hall_day, hall, foshan):
    period = Period.containing("month", timezone.localdate())
    stats_services.refresh_facts(period)
    facts = {
        (fact.indicator, fact.dimension, fact.category): fact.value
        for fact in Fact.objects.for_period(period).filter(org_unit=foshan["city"])
    }
    assert facts[("hall_check_ins", "", "")] == 1
    assert facts[("hall_resumes", "hall", str(hall.pk))] == 1
    assert facts[("hall_invitations", "", "")] == 0


def test_the_home_page_shows_the_halls_live_figures_once_counted(client, hall):
    url = reverse("fairs:hall_screen_data", args=[hall.pk])
    assert url not in client.get(reverse("home")).content.decode()
    services.refresh_all_hall_figures()
    assert url in client.get(reverse("home")).content.decode()


def test_the_resume_link_goes_by_sms_to_the_phone_on_record_only(
    kiosk_client, registered
):
    identify(kiosk_client, registered)
    kiosk_client.post(reverse("fairs:kiosk_resume"), {"groups": ["6"]})
    kiosk_client.post(reverse("fairs:kiosk_send_resume"), {"phone": "13111111111"})
    message = SmsMessage.objects.get(template="hall_resume_link")
    assert message.phone == registered.phone
    token = message.params["link"].rstrip("/").split("/")[-1]
    assert Resume.from_share_token(token) == registered.resume


# Closing time ----------------------------------------------------------------------


def at_local(hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(hour, minute))
    )


def test_after_closing_time_the_desks_are_signed_out_and_kiosk_sessions_end_once(
    hall, desk, kiosk, employer, registered
):
    hall.closes_at = datetime.time(17, 30)
    hall.save()
    at_kiosk = Client()
    at_kiosk.cookies[COOKIE] = kiosk[1]
    with time_machine.travel(at_local(16, 0)):
        employer_at_desk = desk_client(Client(), desk, employer)
        identify(at_kiosk, registered)

    assert services.close_halls(at_local(17, 29)) == {"desks": 0, "kiosk_sessions": 0}
    assert employer_at_desk.get(reverse("fairs:desk_home")).status_code == 200

    assert services.close_halls(at_local(17, 31)) == {"desks": 1, "kiosk_sessions": 1}
    terminal = Terminal.objects.get(pk=desk[0].pk)
    assert terminal.employer is None and terminal.employer_session_key == ""
    assert KioskSession.objects.get().ended_at is not None
    # The employer's login on the desk is gone: the desk asks to sign in again.
    response = employer_at_desk.get(reverse("fairs:desk_home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert (
        registered.masked_name
        not in at_kiosk.get(reverse("fairs:kiosk_home")).content.decode()
    )
    closed = AuditEntry.objects.filter(
        action__in=["fairs.desk.signed_out", "fairs.kiosk.session_closed"]
    )
    assert closed.count() == 2

    assert services.close_halls(at_local(17, 45)) == {"desks": 0, "kiosk_sessions": 0}
    assert closed.count() == 2


def test_closing_time_ends_the_login_made_after_the_desk_was_taken(
    hall, desk, employer
):
    hall.closes_at = datetime.time(17, 30)
    hall.save()
    with time_machine.travel(at_local(16, 0)):
        at_desk = desk_client(Client(), desk, employer)
        at_desk.logout()
        at_desk.cookies[COOKIE] = desk[1]
        at_desk.force_login(employer)  # a new login on the same device
        assert at_desk.get(reverse("fairs:desk_home")).status_code == 200

    assert services.close_halls(at_local(17, 31))["desks"] == 1
    response = at_desk.get(reverse("fairs:desk_home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_kiosk_in_use_after_closing_is_left_to_end_when_idle(hall, kiosk, registered):
    at_kiosk = Client()
    at_kiosk.cookies[COOKIE] = kiosk[1]
    with time_machine.travel(at_local(17, 40)):
        identify(at_kiosk, registered)
    assert services.close_halls(at_local(17, 41))["kiosk_sessions"] == 0
    assert services.close_halls(at_local(8, 0) + datetime.timedelta(days=1)) == {
        "desks": 0,
        "kiosk_sessions": 1,
    }


def test_a_desk_left_signed_in_yesterday_is_signed_out_before_opening(
    hall, desk, employer
):
    desk_client(Client(), desk, employer)
    Terminal.objects.filter(pk=desk[0].pk).update(
        employer_day=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert services.close_halls(at_local(8, 0))["desks"] == 1
    assert Terminal.objects.get(pk=desk[0].pk).employer is None


def test_closing_the_halls_is_scheduled():
    from config.management.commands.setup_schedules import SCHEDULES

    assert "fairs.tasks.close_halls" in [entry["func"] for entry in SCHEDULES]


# Hostile input -----------------------------------------------------------------------

KIOSK_PAGES = ["kiosk_home", "kiosk_resume", "kiosk_review", "kiosk_jobs"]
KIOSK_STEPS = [
    "kiosk_card",
    "kiosk_send_code",
    "kiosk_verify",
    "kiosk_send_resume",
    "kiosk_check_in",
    "kiosk_done",
]


def test_a_kiosk_revoked_mid_session_shows_nothing_and_starts_afresh_when_enrolled(
    kiosk_client, kiosk, registered, caseworker
):
    identify(kiosk_client, registered)
    kiosk_client.post(reverse("fairs:kiosk_resume"), {"groups": ["6"]})
    services.revoke_terminal(kiosk[0], by=caseworker)
    for name in KIOSK_PAGES:
        response = kiosk_client.get(reverse(f"fairs:{name}"))
        assert response.status_code == 403
        assert registered.masked_name not in response.content.decode()
    assert kiosk_client.post(reverse("fairs:kiosk_check_in")).status_code == 403
    assert not HallCheckIn.objects.exists()
    kiosk_client.cookies[COOKIE] = services.enrol_terminal(kiosk[0], by=caseworker)
    for name in KIOSK_PAGES:
        page = kiosk_client.get(reverse(f"fairs:{name}"), follow=True)
        assert registered.masked_name not in page.content.decode()


def test_a_desk_revoked_mid_session_refuses_and_logs_the_employer_out_of_it(
    client, hall_day, desk, employer, caseworker
):
    desk_client(client, desk, employer)
    services.revoke_terminal(desk[0], by=caseworker)
    posting = employer.employer.postings.get()
    response = client.post(
        reverse("fairs:desk_invite", args=[hall_day.pk]),
        {"posting": posting.pk, "when": "now"},
    )
    assert response.status_code == 403
    assert not InterviewInvitation.objects.exists()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_desk_token_opens_no_kiosk_url_and_a_kiosk_token_no_desk_url(
    client, hall_day, desk, kiosk, employer
):
    client.cookies[COOKIE] = desk[1]
    for name in KIOSK_PAGES:
        assert client.get(reverse(f"fairs:{name}")).status_code == 403
    for name in KIOSK_STEPS:
        response = client.post(
            reverse(f"fairs:{name}"), {"id_number": hall_day.person.id_number}
        )
        assert response.status_code == 403
    assert not KioskSession.objects.filter(ended_at__isnull=True).exists()

    client.cookies[COOKIE] = kiosk[1]
    client.force_login(employer)
    assert client.post(reverse("fairs:desk_take")).status_code == 403
    posting = employer.employer.postings.get()
    for name, data in [
        ("desk_favourite", {}),
        ("desk_invite", {"posting": posting.pk, "when": "now"}),
        ("desk_outcome", {"outcome": "hired"}),
    ]:
        response = client.post(reverse(f"fairs:{name}", args=[hall_day.pk]), data)
        assert response.status_code == 403
    assert Terminal.objects.get(pk=desk[0].pk).employer is None
    assert not DeskContact.objects.exists()


def test_a_kiosk_browsers_cookies_replayed_after_done_bring_nothing_back(
    kiosk_client, kiosk, registered
):
    identify(kiosk_client, registered)
    kiosk_client.post(reverse("fairs:kiosk_resume"), {"groups": ["6"]})
    assert (
        registered.name
        in kiosk_client.get(reverse("fairs:kiosk_review")).content.decode()
    )
    replayed = Client()
    replayed.cookies = kiosk_client.cookies.__class__(kiosk_client.cookies)
    kiosk_client.post(reverse("fairs:kiosk_done"))
    for name in KIOSK_PAGES:
        page = replayed.get(reverse(f"fairs:{name}"), follow=True).content.decode()
        assert registered.masked_name not in page and registered.name not in page
    replayed.post(reverse("fairs:kiosk_check_in"), {"share": "yes"})
    replayed.post(reverse("fairs:kiosk_send_resume"))
    replayed.post(reverse("fairs:kiosk_verify"), {"name": registered.name})
    assert not HallCheckIn.objects.exists()
    assert not SmsMessage.objects.filter(template="hall_resume_link").exists()
    assert KioskSession.objects.get().verified_at is not None  # the first only
    assert (
        registered.masked_name
        not in replayed.get(reverse("fairs:kiosk_home")).content.decode()
    )


@pytest.mark.parametrize(
    "typed",
    [
        "44060419900101\x001234",
        "\x00",
        "4" * 200,
        "9" * 18 + "\x00" * 200,
    ],
    ids=["nul-inside", "nul-alone", "200-digits", "nul-tail"],
)
def test_an_id_number_with_a_nul_byte_or_200_digits_is_refused_cleanly(
    kiosk_client, registered, typed
):
    response = kiosk_client.post(
        reverse("fairs:kiosk_card"), {"id_number": typed}, follow=True
    )
    assert response.status_code == 200
    assert not KioskSession.objects.exists()
    # The kiosk's start page again, with the reason, not the site's error page.
    assert reverse("fairs:kiosk_card") in response.content.decode()
    assert list(response.context["messages"])


def test_a_name_or_code_with_a_nul_byte_counts_as_a_wrong_answer(
    kiosk_client, registered
):
    kiosk_client.post(reverse("fairs:kiosk_card"), {"id_number": registered.id_number})
    for data in [{"name": registered.name + "\x00"}, {"code": "\x00" * 6}]:
        response = kiosk_client.post(reverse("fairs:kiosk_verify"), data, follow=True)
        assert response.status_code == 200
    session = KioskSession.objects.get()
    assert session.verified_at is None and session.failed_attempts == 2


@pytest.mark.parametrize("postings", ["one posting", "two postings"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_invitation_submitted_twice_at_once_makes_one_invitation_and_one_sms(
    hall_day, desk, employer, postings
):
    """A double tap, or two staff of the employer at two of its desks inviting the
    same person to two of its jobs at the same moment; the person is a favourite
    already, so both find the employer's contact with them."""
    desk_client(Client(), desk, employer)
    seated = Terminal.objects.get(pk=desk[0].pk)
    services.toggle_favourite(seated, hall_day, by=employer)
    first = employer.employer.postings.get()
    second = (
        factories.make_posting(employer.employer, occupation_group="6", title="包装工")
        if postings == "two postings"
        else first
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(posting):
        try:
            barrier.wait()
            services.invite_from_desk(seated, hall_day, by=employer, posting=posting)
            outcomes.append("sent")
        except FairError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=[p]) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "sent"]
    assert InterviewInvitation.objects.count() == 1
    assert SmsMessage.objects.filter(template="hall_invitation").count() == 1


def test_the_desk_ranks_only_its_employers_postings_for_each_person_present(
    client, kiosk_client, hall_day, foshan, employer, other_employer, desk
):
    """Another employer's job that suits someone present better does not put them
    on this desk, and does not hide them from it."""
    factories.make_posting(other_employer.employer, occupation_group="3")
    factories.make_posting(
        other_employer.employer, occupation_group="6", title="普工", salary_max=9000
    )
    warehouse = factories.make_person(
        residence=foshan["chancheng_community"],
        name="李仓管",
        id_number=factories.id_number(area="440604"),
    )
    identify(kiosk_client, warehouse)
    kiosk_client.post(reverse("fairs:kiosk_resume"), {"groups": ["3"]})
    kiosk_client.post(reverse("fairs:kiosk_check_in"))
    # Someone who picked no kind of work, only the job (the kiosk offers the
    # occupations of the open postings).
    named = factories.make_person(
        residence=foshan["chancheng_community"],
        name="赵普工",
        id_number=factories.id_number(area="440604"),
    )
    identify(kiosk_client, named)
    kiosk_client.post(reverse("fairs:kiosk_resume"), {"occupation": ["仓库管理"]})
    kiosk_client.post(reverse("fairs:kiosk_check_in"))
    desk_client(client, desk, employer)
    page = client.get(reverse("fairs:desk_home"))
    rows = page.context["rows"]
    assert {row["check_in"].person for row in rows} == {hall_day.person, named}
    assert {row["posting"].employer for row in rows} == {employer.employer}


def test_the_kiosk_names_the_other_language_in_itself(kiosk_client):
    from tests.config.test_languages import LANGUAGE_SWITCH

    home = reverse("fairs:kiosk_home")
    assert LANGUAGE_SWITCH.findall(kiosk_client.get(home).text) == [("en", "English")]
    kiosk_client.cookies["django_language"] = "en"
    assert LANGUAGE_SWITCH.findall(kiosk_client.get(home).text) == [
        ("zh-hans", "简体中文")
    ]
