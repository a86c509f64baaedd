"""Issue 18's done-when: two real headless Chromiums with fake cameras and
microphones go from the invitation to a connected call with video both ways and
the outcome; a third user is refused. Needs Debian's chromium (`make
check-browser` installs it); about 20 s."""

import contextlib
import datetime
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.utils import timezone

from jobs import services
from jobs.models import Application, InterviewInvitation, VideoRoom
from tests import factories
from tests.chromium import CHROMIUM, needs_chromium, session_for, wait_for

# `make test` unpacks coturn's turnserver under var/tools (Makefile, test-tools).
UNPACKED = Path(__file__).resolve().parents[2] / "var/tools/coturn/usr/bin/turnserver"
TURNSERVER = str(UNPACKED) if UNPACKED.exists() else shutil.which("turnserver")
needs_turnserver = pytest.mark.skipif(
    TURNSERVER is None, reason="needs coturn's turnserver (Debian package coturn)"
)
pytestmark = needs_chromium


def document_status(browser) -> int:
    responses = [
        event["params"]["response"]["status"]
        for event in browser.events
        if event.get("method") == "Network.responseReceived"
        and event["params"]["type"] == "Document"
    ]
    return responses[-1]


CONNECTED_WITH_FRAMES = """
window.videoRoom && videoRoom.report().then(function (reports) {
  return reports.length > 0 && reports.every(function (r) {
    return r.state === "connected" && r.framesDecoded > 0;
  }) && reports;
})
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_browsers_meet_by_video_and_a_third_user_is_refused(
    live_server, settings, employer, seeker, other_seeker
):
    from bench.csp_pages import Browser

    posting = factories.make_posting(employer.employer, title="仓库管理员")
    resume = factories.make_resume(seeker)
    services.apply_to_posting(posting, person=seeker.person)
    # The browsers resolve no name (bench/csp_pages.py): the address itself.
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    browsers = []
    try:
        hr, candidate = Browser(CHROMIUM), Browser(CHROMIUM)
        browsers += [hr, candidate]
        hr.log_in_as(base, session_for(employer))
        candidate.log_in_as(base, session_for(seeker))

        # The employer invites to a video interview in five minutes.
        soon = timezone.localtime() + datetime.timedelta(minutes=5)
        hr.open(f"{base}/jobs/resumes/{resume.code}/invite/?posting={posting.pk}")
        hr.evaluate(
            f"""document.getElementById("id_scheduled_at").value =
                "{soon:%Y-%m-%dT%H:%M}";
            document.getElementById("id_portal_video").checked = true;
            document.querySelector("form.form").requestSubmit(); true"""
        )
        hr.wait_for_load(0.5)
        invitation = InterviewInvitation.objects.get()
        assert invitation.portal_video

        # The seeker accepts; the invitation now leads to the room.
        candidate.open(f"{base}{invitation.get_absolute_url()}")
        candidate.evaluate(
            'document.querySelector("form[action$=\\"/accept/\\"] button").click();'
            " true"
        )
        candidate.wait_for_load(0.5)
        invitation.refresh_from_db()
        assert invitation.status == "accepted"
        room = VideoRoom.objects.get(invitation=invitation)
        room_link = candidate.evaluate(
            f'!!document.querySelector("a[href=\\"{room.get_absolute_url()}\\"]")'
        )
        assert room_link

        # Both test their devices and join, the seeker on a phone's screen.
        candidate.call(
            "Emulation.setDeviceMetricsOverride",
            width=390,
            height=844,
            deviceScaleFactor=3,
            mobile=True,
        )
        for browser in (hr, candidate):
            browser.open(f"{base}{room.get_absolute_url()}")
            wait_for(browser, '!document.getElementById("video-join").disabled')
            browser.evaluate('document.getElementById("video-join").click(); true')
        hr_reports = wait_for(hr, CONNECTED_WITH_FRAMES)
        candidate_reports = wait_for(candidate, CONNECTED_WITH_FRAMES)
        assert [r["peer"] for r in hr_reports] == [seeker.pk]
        assert [r["peer"] for r in candidate_reports] == [employer.pk]
        assert all(r["framesDecoded"] > 0 for r in hr_reports + candidate_reports)
        # One camera each: no switch-camera button.
        assert candidate.evaluate('document.getElementById("video-switch").hidden')
        room.refresh_from_db()
        assert room.held_at is not None
        # The phone's page fits its width: nothing to scroll sideways.
        assert candidate.evaluate("document.documentElement.scrollWidth") <= 390
        assert (
            candidate.evaluate(
                'document.getElementById("video-hangup").getBoundingClientRect().right'
            )
            <= 390
        )

        # The employer records the outcome on the same page.
        hr.evaluate(
            """document.querySelector("input[name=outcome-outcome][value=hire]")
                .checked = true;
            document.getElementById("id_outcome-note").value = "欢迎加入";
            document.querySelector("form[action$='/outcome/']").requestSubmit();
            true"""
        )
        hr.wait_for_load(0.5)
        room.refresh_from_db()
        assert room.outcome == VideoRoom.Outcome.HIRE
        assert Application.objects.get().status == Application.Status.HIRED

        # A third user, logged in, gets page-not-found and no hint of the room.
        candidate.log_in_as(base, session_for(other_seeker))
        candidate.open(f"{base}{room.get_absolute_url()}", settle=0.2)
        assert document_status(candidate) == 404
        text = candidate.evaluate("document.body.innerText")
        assert seeker.person.name not in text
        assert employer.employer.name not in text
    finally:
        for browser in browsers:
            browser.close()


def frames_above(count: int) -> str:
    return f"""
    videoRoom.report().then(function (reports) {{
      return reports.length > 0 && reports.every(function (r) {{
        return r.state === "connected" && r.framesDecoded > {count};
      }}) && reports;
    }})"""


def frames_flow(browser, seconds=30) -> list:
    """Connected, and more frames decoded than a moment ago: the picture moves."""
    now = browser.evaluate(
        "videoRoom.report().then(function (r) { return r[0].framesDecoded; })"
    )
    return wait_for(browser, frames_above(now or 0), seconds)


def start_call(live_server, settings, employer, seeker, browsers, flags=()):
    """An accepted video invitation due in five minutes and both sides in its room,
    each in a Chromium of its own (added to `browsers`), connected with frames."""
    from bench.csp_pages import Browser

    posting = factories.make_posting(employer.employer, title="仓库管理员")
    resume = factories.make_resume(seeker)
    services.apply_to_posting(posting, person=seeker.person)
    invitation = services.invite_to_interview(
        resume,
        posting=posting,
        by=employer,
        scheduled_at=timezone.now() + datetime.timedelta(minutes=5),
        portal_video=True,
    )
    services.accept_invitation(invitation, by=seeker)
    room = VideoRoom.objects.get(invitation=invitation)
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    for user in (employer, seeker):
        browser = Browser(CHROMIUM, flags)
        browsers.append(browser)
        browser.log_in_as(base, session_for(user))
        browser.open(f"{base}{room.get_absolute_url()}")
        wait_for(browser, '!document.getElementById("video-join").disabled')
        browser.evaluate('document.getElementById("video-join").click(); true')
    for browser in browsers:
        wait_for(browser, CONNECTED_WITH_FRAMES)
    return room


def network_process(browser) -> int:
    """Chromium's network service: it carries the page's requests and its WebRTC
    packets, so stopping it is the browser's network going down."""
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"NetworkService" in command and browser.profile.encode() in command:
            return int(entry.name)
    raise AssertionError("Chromium's network service not found")


STATUS = 'document.getElementById("video-status").textContent'
TEXT = 'JSON.parse(document.getElementById("video-text").textContent)'


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_call_comes_back_after_a_network_blip_and_switches_camera(
    live_server, settings, employer, seeker
):
    browsers = []
    try:
        # Three cameras each. Chromium's second fake camera films in Y16, a depth
        # format that is not sent as video; the third is an ordinary colour camera.
        room = start_call(
            live_server,
            settings,
            employer,
            seeker,
            browsers,
            flags=("--use-fake-device-for-media-stream=device-count=3",),
        )
        hr, candidate = browsers

        # The seeker turns to another camera (twice, to the third): the employer
        # still sees moving pictures, now from it.
        assert not candidate.evaluate('document.getElementById("video-switch").hidden')
        sending = "videoRoom.report().then(function (r) { return r[0].sending[0]; })"
        assert candidate.evaluate(sending) == "fake_device_0"
        switch = 'document.getElementById("video-switch")'
        for camera in ("fake_device_1", "fake_device_2"):
            # The button is disabled while a camera is being switched.
            wait_for(candidate, f"!{switch}.disabled")
            candidate.evaluate(f"{switch}.click(); true")
            wait_for(
                candidate,
                f"{sending}.then(function (s) {{ return s === {camera!r}; }})",
            )
        frames_flow(hr)

        # The seeker's network drops until the employer's page notices, and 2 s
        # more; then it comes back.
        pid = network_process(candidate)
        os.kill(pid, signal.SIGSTOP)
        try:
            wait_for(
                hr,
                "videoRoom.report().then(function (r) {"
                ' return r[0].state !== "connected"; })',
                20,
            )
            time.sleep(2)
        finally:
            os.kill(pid, signal.SIGCONT)
        for browser in browsers:
            frames_flow(browser)
        # Both pages say so.
        for browser in browsers:
            wait_for(browser, f"{TEXT}.connected === {STATUS}")

        # Only the portal is out of reach for a moment (DevTools' offline mode
        # stops the page's requests, not its WebRTC packets): the call goes on, the
        # page says it is reconnecting, then that it is connected again.
        offline = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        candidate.call("Network.emulateNetworkConditions", offline=True, **offline)
        wait_for(candidate, f"{TEXT}.reconnecting === {STATUS}", 15)
        frames_flow(hr)
        candidate.call("Network.emulateNetworkConditions", offline=False, **offline)
        wait_for(candidate, f"{TEXT}.connected === {STATUS}", 15)
        # Still the same room and the same two members.
        present = sorted(services.poll_video_room(room, by=seeker, after=0)["present"])
        assert present == sorted([seeker.pk, employer.pk])
    finally:
        for browser in browsers:
            browser.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def turn_server(secret: str, max_bps: int | None = None):
    """coturn on the loopback, checking logins as production does (use-auth-secret
    with the portal's VIDEO_TURN_SECRET); its TURN address. Loopback peers are
    allowed here only because both browsers' relayed addresses are on it."""
    port = free_port()
    relay = free_port()
    folder = Path(tempfile.mkdtemp(prefix="portal-turn-"))
    command = [
        TURNSERVER,
        *("-n", "--no-cli", "--no-tls", "--no-dtls", "--simple-log"),
        *("--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1"),
        f"--listening-port={port}",
        f"--min-port={relay}",
        f"--max-port={min(relay + 20, 65535)}",
        "--use-auth-secret",
        f"--static-auth-secret={secret}",
        "--realm=portal.test",
        "--allow-loopback-peers",
        f"--pidfile={folder / 'turnserver.pid'}",
        f"--log-file={folder / 'turn.log'}",
        *([f"--max-bps={max_bps}"] if max_bps else []),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("turnserver did not start")
        yield f"turn:127.0.0.1:{port}?transport=udp", folder
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


RELAYED = """
videoRoom.report().then(function (reports) {
  return reports.length > 0 && reports.every(function (r) {
    return r.local === "relay" && r.remote === "relay";
  }) && reports;
})
"""


@needs_turnserver
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_both_browsers_meet_through_coturn_with_the_logins_the_portal_makes(
    live_server, settings, employer, seeker
):
    secret = secrets.token_urlsafe(24)
    browsers = []
    with turn_server(secret) as (url, _folder):
        settings.VIDEO_STUN_URLS = []
        settings.VIDEO_TURN_URLS = [url]
        settings.VIDEO_TURN_SECRET = secret
        settings.VIDEO_RELAY_ONLY = True
        try:
            start_call(live_server, settings, employer, seeker, browsers)
            for browser in browsers:
                # Relay candidates only: every packet went through coturn.
                reports = wait_for(browser, RELAYED, 10)
                assert all(r["framesDecoded"] > 0 for r in reports)
                frames_flow(browser)
        finally:
            for browser in browsers:
                browser.close()


@needs_turnserver
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_call_too_weak_for_video_goes_on_with_sound_and_video_can_be_tried_again(
    live_server, settings, employer, seeker
):
    secret = secrets.token_urlsafe(24)
    browsers = []
    # The relay lets each side send 10 kB/s (80 kbit/s): sound gets through,
    # 640 × 480 video does not.
    with turn_server(secret, max_bps=10_000) as (url, _folder):
        settings.VIDEO_STUN_URLS = []
        settings.VIDEO_TURN_URLS = [url]
        settings.VIDEO_TURN_SECRET = secret
        settings.VIDEO_RELAY_ONLY = True
        try:
            start_call(live_server, settings, employer, seeker, browsers)
            hr, candidate = browsers
            audio_only = 'document.getElementById("video-audio-only")'
            wait_for(candidate, f"!{audio_only}.hidden", 40)
            said = candidate.evaluate(f"{audio_only}.textContent")
            assert said == candidate.evaluate(
                'JSON.parse(document.getElementById("video-text").textContent)'
                ".audioOnly"
            )
            assert (
                candidate.evaluate(
                    'document.getElementById("video-quality").dataset.quality'
                )
                == "poor"
            )
            sending = "videoRoom.report().then(function (r) { return r[0].sending; })"
            assert candidate.evaluate(sending) == [None]

            candidate.evaluate('document.getElementById("video-retry").click(); true')
            assert candidate.evaluate(f"{audio_only}.hidden")
            assert candidate.evaluate(sending) == ["fake_device_0"]
        finally:
            for browser in browsers:
                browser.close()
