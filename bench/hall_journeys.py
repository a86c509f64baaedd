"""The recruiting hall's journeys in headless Chromium, a screenshot at each step.

The done-when journeys run in the suite (tests/fairs/test_hall_browser.py, on a
small database of their own); this script walks them on the demo data, enrols the
devices through the login form as a caseworker would and records an outcome, and
keeps a screenshot of every step for the documentation and reviews.

    .venv/bin/python bench/hall_journeys.py [--port 8795]
        [--pgdata var/hall-journeys/pgdata] [--shots var/hall-journeys/screenshots]
        [--language zh-hans|en] [--reuse] [--chromium /usr/bin/chromium]

Starts `make run` on PORT with an embedded PostgreSQL of its own under PGDATA, made
anew and seeded with the demo data (kept with --reuse). Three browsers, as three
devices of the demo hall:

1. The screen shows the hall's live figures.
2. At the employer desk, the district caseworker enrols the browser (logged in with
   the login form, logged out by the enrolment); the employer signs in with the form
   and starts at the desk.
3. At the kiosk, the caseworker enrols the browser. A person from the registry puts
   the ID card on the reader (the reader's keystrokes: the digits, then Enter),
   confirms the name, picks the work wanted on big buttons, reviews the resume built
   from the registry, checks in and sees the employer's job with the booth number,
   then taps “done”: nothing of them is left on the screen, and Back does not bring
   it back.
4. The screen counts the check-in within 10 s.
5. The employer sees the person (masked name) at the desk, invites them to the
   booth now; the SMS is recorded with the company and the booth. The employer
   records a preliminary intention; the screen counts it.

Prints each step with its time; exits 1 at the first failure, with failed.png.
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.journeys import (  # noqa: E402
    Journey,
    JourneyBrowser,
    JourneyFailed,
    reverse,
    squeeze,
)
from bench.serve import (  # noqa: E402
    BASE_DIR,
    DEMO_PASSWORD,
    setup_django,
    start_server,
    stop_server,
    wait_until_up,
)

CASEWORKER = "cw_chancheng"


def cast():
    """The demo hall, its kiosk and a desk; an employer with an open job among the
    most wanted, and a person of the registry (no check-in today) who wants it."""
    from django.utils import timezone

    from fairs.models import Hall, HallCheckIn, Terminal
    from fairs.queries import popular_occupations
    from jobs.models import JobPosting
    from portal.models import Person

    hall = Hall.objects.get()
    kiosk = hall.terminals.get(kind=Terminal.Kind.KIOSK)
    desk = hall.terminals.filter(kind=Terminal.Kind.DESK).order_by("-booth").first()
    popular = popular_occupations()
    # The newest of its kind, so that it comes first among equal matches.
    posting = (
        JobPosting.objects.published()
        .filter(occupation_name__in=popular, education="", experience_years=0)
        .select_related("employer", "org_unit")
        .order_by("-published_at", "-id")
        .first()
    )
    if posting is None:
        raise JourneyFailed("no open job among the most wanted occupations")
    present = HallCheckIn.objects.filter(hall=hall, day=timezone.localdate())
    person = (
        Person.objects.filter(
            phone__gt="",
            resume__isnull=True,
            residence__code__startswith=posting.org_unit.code[:6],
        )
        .exclude(pk__in=present.values("person_id"))
        .order_by("pk")
        .first()
    )
    if person is None:
        raise JourneyFailed("no person of the registry without a resume to come in")
    staff = posting.employer.staff.filter(is_active=True).first()
    return hall, kiosk, desk, posting, person, staff


class HallJourney(Journey):
    def log_in(self, username: str, next_path: str) -> None:
        """With the login form, as on the device."""
        self.open(reverse("login") + "?next=" + next_path)
        self.browser.fill({"#id_username": username, "#id_password": DEMO_PASSWORD})
        self.browser.click("main button[type=submit]")

    def enrol(self, terminal) -> None:
        self.log_in(CASEWORKER, reverse("fairs:terminal_enrol", args=[terminal.pk]))
        self.expect(terminal.name)
        self.browser.click("main button[type=submit]")
        self.expect(self.t("Device enrolled"))

    def keystrokes(self, text: str) -> None:
        """What an ID card reader sends: one key per character, then Enter."""
        for char in text:
            for kind in ("rawKeyDown", "char", "keyUp"):
                params = {"type": kind, "key": char}
                if kind == "char":
                    params["text"] = char
                self.browser.call("Input.dispatchKeyEvent", **params)
        self.browser.events.clear()
        for kind in ("rawKeyDown", "char", "keyUp"):
            params = {
                "type": kind,
                "key": "Enter",
                "code": "Enter",
                "windowsVirtualKeyCode": 13,
            }
            if kind == "char":
                params["text"] = "\r"
            self.browser.call("Input.dispatchKeyEvent", **params)
        if not self.browser.wait_for_load(settle=0.5):
            raise JourneyFailed("Enter after the card's number loaded no page")


def screen_number(browser, field: str) -> str:
    return squeeze(
        browser.evaluate(
            f"(document.querySelector('[data-field=\"{field}\"]') || {{}}).textContent"
        )
        or ""
    )


def wait_for_screen(journey, screen, field: str, before: str, seconds=10.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        now = screen_number(screen, field)
        if now not in ("", "–", before):
            return time.monotonic() - started
        time.sleep(0.25)
    raise JourneyFailed(f"the screen's {field} stayed at {before} for {seconds:g} s")


def run(args, shots: Path) -> None:
    base = f"http://127.0.0.1:{args.port}"
    pgdata = args.pgdata.resolve()
    downloads = shots.parent / "downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir(parents=True)
    server = start_server("run", args.port, pgdata)
    browsers = []
    journey = None
    try:
        wait_until_up(base, server)
        setup_django(pgdata)
        from django.utils import timezone

        from fairs.models import HallCheckIn
        from portal.models import SmsMessage

        hall, kiosk, desk, posting, person, staff = cast()
        print(f"{base}: {hall.name}; {person.masked_name} wants {posting.title}")

        screen = JourneyBrowser(args.chromium, downloads)
        browsers.append(screen)
        screen.call(  # the hall's screen
            "Emulation.setDeviceMetricsOverride",
            width=1920,
            height=1080,
            deviceScaleFactor=1,
            mobile=False,
        )
        watcher = HallJourney(screen, base, shots, args.language)
        watcher.as_user(None)
        watcher.open(reverse("fairs:hall_screen", args=[hall.pk]))
        time.sleep(1.5)
        seekers_before = screen_number(screen, "hall.seekers")
        watcher.expect(watcher.t("In the hall today"))
        watcher.step("screen", f"the screen: {seekers_before} checked in")

        desk_browser = JourneyBrowser(args.chromium, downloads)
        browsers.append(desk_browser)
        at_desk = HallJourney(desk_browser, base, shots, args.language)
        at_desk.number = watcher.number
        at_desk.as_user(None)
        at_desk.enrol(desk)
        at_desk.step("desk-enrolled", f"the caseworker enrols {desk.name}")
        at_desk.log_in(staff.username, reverse("fairs:desk_home"))
        start = at_desk.t("Start at this desk")
        if start in at_desk.browser.text():  # not seated yet today
            at_desk.browser.click("main form button[type=submit]", start)
        at_desk.expect(posting.employer.name)
        at_desk.step("desk-seated", f"{posting.employer.name} starts at the desk")

        kiosk_browser = JourneyBrowser(args.chromium, downloads)
        browsers.append(kiosk_browser)
        journey = HallJourney(kiosk_browser, base, shots, args.language)
        journey.number = at_desk.number
        journey.as_user(None)
        journey.enrol(kiosk)
        journey.step("kiosk-enrolled", f"the caseworker enrols {kiosk.name}")
        journey.open(reverse("fairs:kiosk_home"))
        journey.expect(
            journey.t("Put your ID card on the reader, or type the number below.")
        )
        journey.keystrokes(person.id_number)
        journey.expect(journey.t("Is it you?"))
        journey.expect_none(person.name, person.masked_name)
        journey.step("kiosk-card", "the card is read: nothing personal before proof")
        journey.browser.fill({"#name": person.name})
        journey.browser.click("form[action$='/verify/'] button", journey.t("Confirm"))
        journey.expect(journey.t("Hello, %(name)s", name=person.masked_name))
        journey.browser.click("a.kiosk-button", journey.t("Make my resume"))
        journey.browser.click(".kiosk-toggle", posting.occupation_name, loads=False)
        journey.browser.click("main button[type=submit]", journey.t("Make my resume"))
        journey.expect(journey.t("My resume"), person.name, posting.occupation_name)
        journey.step("kiosk-resume", "the resume built from the registry")
        journey.browser.click("main button[type=submit]", journey.t("Check in"))
        journey.expect(
            journey.t("Jobs in the hall for you now"),
            journey.t("Booth %(booth)s", booth=desk.booth),
            posting.title,
        )
        checked_in = time.monotonic()
        journey.step("kiosk-jobs", f"checked in: {posting.title} at booth {desk.booth}")
        journey.browser.click("#kiosk-done button")
        journey.expect(journey.t("Your resume in one minute"))
        journey.expect_none(person.name, person.masked_name, posting.title)
        journey.browser.events.clear()
        journey.browser.evaluate("history.back()")
        journey.browser.wait_for_load(settle=0.5)
        journey.expect_none(person.name, person.masked_name, posting.title)
        journey.step("kiosk-done", "done: the start page, also after Back")
        check_in = HallCheckIn.objects.get(person=person, day=timezone.localdate())

        waited = wait_for_screen(watcher, screen, "hall.seekers", seekers_before)
        watcher.number = journey.number
        watcher.step(
            "screen-updated",
            f"the screen counts the check-in {time.monotonic() - checked_in:.1f} s "
            f"after it (seen {waited:.1f} s after looking)",
        )

        at_desk.number = watcher.number
        at_desk.open(reverse("fairs:desk_home"))
        at_desk.expect(person.masked_name)
        at_desk.expect_none(person.name)
        invitations_before = screen_number(screen, "hall.invitations")
        sent = SmsMessage.objects.filter(template="hall_invitation").count()
        at_desk.browser.click(
            f"form[action='{reverse('fairs:desk_invite', args=[check_in.pk])}'] button",
            at_desk.t("Invite to an interview"),
        )
        at_desk.expect(
            at_desk.t(
                "Invitation sent. The person gets a text message naming your booth."
            )
        )
        message = (
            SmsMessage.objects.filter(template="hall_invitation", phone=person.phone)
            .order_by("-pk")
            .first()
        )
        if SmsMessage.objects.filter(template="hall_invitation").count() != sent + 1:
            raise JourneyFailed("no text message was recorded for the invitation")
        if (
            message.params.get("employer") != posting.employer.name
            or message.params.get("booth") != desk.booth
        ):
            raise JourneyFailed(f"the text message says {message.params}")
        at_desk.step(
            "desk-invited",
            f"invited; SMS to {person.masked_phone}: "
            f"{message.params['employer']}（{message.params['booth']}号展位）",
        )
        at_desk.browser.fill({f"#outcome-{check_in.pk}": "intention"})
        at_desk.browser.click(
            f"form[action='{reverse('fairs:desk_outcome', args=[check_in.pk])}'] button"
        )
        at_desk.expect(at_desk.t("Result recorded."))
        at_desk.step("desk-outcome", "a preliminary intention recorded")
        wait_for_screen(watcher, screen, "hall.invitations", invitations_before)
        watcher.number = at_desk.number
        watcher.step("screen-invited", "the screen counts the invitation")
        print(f"the hall's journeys done: {watcher.number} steps in {shots}")
    except JourneyFailed as failure:
        for index, browser in enumerate(browsers):
            browser.screenshot(shots / f"failed-{index}.png")
        print(f"FAILED: {failure}  [failed-*.png]", flush=True)
        raise SystemExit(1) from failure
    finally:
        for browser in browsers:
            browser.close()
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8795)
    parser.add_argument(
        "--pgdata", type=Path, default=BASE_DIR / "var" / "hall-journeys" / "pgdata"
    )
    parser.add_argument(
        "--shots",
        type=Path,
        default=BASE_DIR / "var" / "hall-journeys" / "screenshots",
    )
    parser.add_argument("--language", choices=["zh-hans", "en"], default="zh-hans")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not args.reuse:
        shutil.rmtree(args.pgdata, ignore_errors=True)
    shots = args.shots.resolve()
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    run(args, shots)


if __name__ == "__main__":
    main()
