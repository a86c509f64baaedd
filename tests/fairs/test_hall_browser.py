"""Issue 19's done-when, in three real headless Chromiums (the kiosk, an employer's
desk and the hall's screen): a person puts the ID card on the reader (its
keystrokes), confirms the name, makes the resume, checks in and taps “done”,
leaving nothing on the screen or in the browser, also after Back; the employer at
the desk sees them (masked) and invites them, and the SMS names the company and
booth; the screen counts the check-in within 10 s. Needs Debian's chromium (`make
check-browser` installs it); about 20 s."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from fairs import services
from fairs.models import Hall, HallCheckIn, KioskSession, Terminal
from jobs.models import InterviewInvitation
from portal.models import SmsMessage
from tests import factories
from tests.chromium import CHROMIUM, needs_chromium, session_for, wait_for

pytestmark = needs_chromium


def keystrokes(browser, text: str) -> None:
    """What an ID card reader sends to the field with the focus: one key per
    character, then Enter."""
    for char in text:
        for kind in ("rawKeyDown", "char", "keyUp"):
            params = {"type": kind, "key": char}
            if kind == "char":
                params["text"] = char
            browser.call("Input.dispatchKeyEvent", **params)
    browser.events.clear()
    for kind in ("rawKeyDown", "char", "keyUp"):
        params = {"type": kind, "key": "Enter", "code": "Enter"}
        params["windowsVirtualKeyCode"] = 13
        if kind == "char":
            params["text"] = "\r"
        browser.call("Input.dispatchKeyEvent", **params)
    assert browser.wait_for_load(settle=0.2), "Enter after the number loaded no page"


def click(browser, selector: str) -> None:
    """Click and wait for the page it leads to."""
    browser.events.clear()
    found = browser.evaluate(
        f"(function () {{ var el = document.querySelector({selector!r});"
        " if (!el) { return false; } el.click(); return true; })()"
    )
    assert found, f"nothing matches {selector}"
    assert browser.wait_for_load(settle=0.2), f"clicking {selector} loaded no page"


def text(browser) -> str:
    return browser.evaluate("document.body.innerText")


def enrolled(browser, base: str, secret: str) -> None:
    browser.call(
        "Network.setCookie",
        name=django_settings.HALL_TERMINAL_COOKIE,
        value=secret,
        url=base,
        httpOnly=True,
    )


def screen_figure(browser, field: str) -> str:
    return browser.evaluate(
        f"document.querySelector('[data-field=\"{field}\"]').textContent.trim()"
    )


def seekers_are(count: str) -> str:
    return (
        "document.querySelector('[data-field=\"hall.seekers\"]')"
        f".textContent.trim() === {count!r}"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_seeker_at_the_kiosk_is_seen_and_invited_at_the_desk_and_counted_on_screen(
    live_server, settings, foshan, employer, caseworker
):
    from bench.csp_pages import Browser

    hall = Hall.objects.create(
        name="禅城区智慧招聘大厅",
        org_unit=foshan["chancheng"],
        address="禅城区岭南大道北1号",
        opening_hours="周一至周六 9:00–17:00",
    )
    kiosk = Terminal.objects.create(hall=hall, kind="kiosk", name="1号自助机")
    desk = Terminal.objects.create(hall=hall, kind="desk", name="64号", booth="64")
    kiosk_secret = services.enrol_terminal(kiosk, by=caseworker)
    desk_secret = services.enrol_terminal(desk, by=caseworker)
    services.refresh_all_hall_figures()
    posting = factories.make_posting(
        employer.employer,
        title="包装普工",
        occupation_group="6",
        occupation_name="普工",
    )
    person = factories.make_person(
        residence=foshan["chancheng_community"],
        name="王建国",
        phone="13600136000",
        education="senior",
        id_number=factories.id_number(area="440604"),
    )
    # The browsers resolve no name (bench/csp_pages.py): the address itself.
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    browsers = []
    try:
        screen, at_desk, at_kiosk = (
            Browser(CHROMIUM),
            Browser(CHROMIUM),
            Browser(CHROMIUM),
        )
        browsers += [screen, at_desk, at_kiosk]

        # The screen, before anyone checks in.
        screen.open(f"{base}{reverse('fairs:hall_screen', args=[hall.pk])}", 0.2)
        wait_for(screen, seekers_are("0"), seconds=5)

        # The employer signs in on the enrolled desk and starts at booth 64.
        at_desk.log_in_as(base, session_for(employer))
        enrolled(at_desk, base, desk_secret)
        at_desk.open(f"{base}{reverse('fairs:desk_home')}", 0.2)
        click(at_desk, f"form[action='{reverse('fairs:desk_take')}'] button")
        assert Terminal.objects.get(pk=desk.pk).employer_id == employer.employer_id

        # The kiosk: the card reader types the number and Enter.
        enrolled(at_kiosk, base, kiosk_secret)
        at_kiosk.open(f"{base}{reverse('fairs:kiosk_home')}", 0.2)
        keystrokes(at_kiosk, person.id_number)
        page = text(at_kiosk)
        assert person.masked_phone in page  # where the code would go
        assert person.name not in page and person.masked_name not in page
        at_kiosk.evaluate(f"document.getElementById('name').value = {person.name!r}")
        click(at_kiosk, "form[action$='/verify/'] input[name=name] ~ button")
        assert person.masked_name in text(at_kiosk)
        click(at_kiosk, f"a[href='{reverse('fairs:kiosk_resume')}']")
        at_kiosk.evaluate(
            "document.querySelector('input[name=occupation][value=\"普工\"]').click()"
        )
        click(at_kiosk, "form[action$='/resume/'] button[type=submit]")
        page = text(at_kiosk)
        assert person.name in page and "普工" in page  # the resume, from the registry
        click(at_kiosk, "form[action$='/check-in/'] button[type=submit]")
        checked_in = time.monotonic()
        page = text(at_kiosk)
        assert posting.title in page and "64" in page  # the job, at its booth
        assert HallCheckIn.objects.filter(person=person, hall=hall).exists()

        # “Done”: the start page, nothing of the person, also after Back.
        click(at_kiosk, "#kiosk-done button")
        leftovers = [person.name, person.masked_name, posting.title, person.id_number]
        for _step in ("done", "back"):
            page = text(at_kiosk)
            assert not [left for left in leftovers if left in page], _step
            assert at_kiosk.evaluate("document.getElementById('id_number') !== null")
            assert at_kiosk.evaluate("localStorage.length + sessionStorage.length") == 0
            at_kiosk.events.clear()
            at_kiosk.evaluate("history.back(); true")
            at_kiosk.wait_for_load(settle=0.3)
        assert KioskSession.objects.get().ended_at is not None

        # The screen counts the check-in within 10 s, without reloading.
        wait_for(screen, seekers_are("1"), seconds=10)
        assert time.monotonic() - checked_in < 10
        assert screen_figure(screen, "hall.resumes") == "1"

        # The desk sees the person, masked, and invites them to the booth now.
        at_desk.open(f"{base}{reverse('fairs:desk_home')}", 0.2)
        page = text(at_desk)
        assert person.masked_name in page and person.name not in page
        check_in = HallCheckIn.objects.get(person=person)
        click(at_desk, f"form[action$='/desk/{check_in.pk}/invite/'] button")
        invitation = InterviewInvitation.objects.get()
        assert invitation.person == person and invitation.posting == posting
        message = SmsMessage.objects.get(template="hall_invitation")
        assert message.phone == person.phone
        assert message.params["employer"] == employer.employer.name
        assert message.params["booth"] == "64"
    finally:
        for browser in browsers:
            browser.close()
