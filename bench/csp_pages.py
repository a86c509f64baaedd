"""The portal's pages in headless Chromium under the Content-Security-Policy.

    .venv/bin/python bench/csp_pages.py [--port 8791] [--pgdata /tmp/portal-csp/pgdata]
                                        [--chromium /usr/bin/chromium]

Starts `make run` as bench/serve.py does, opens each page below in Chromium (as the
user named, logged in over HTTP), exercises what its scripts do (the map's tiles
and job pins, the gate scanner's camera and a scan sent with fetch) and prints, per
page, the Content-Security-Policy violations the browser reported. Chromium reaches
no other host: the map's tiles fail to load but are checked against the policy
first. The last line counts the pages with a violation; 0 is the aim.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import (  # noqa: E402
    log_in,
    setup_django,
    start_server,
    stop_server,
    wait_until_up,
)

# Runs before any page script and is not itself subject to the policy.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    (e.sourceFile ? " (" + e.sourceFile + ":" + e.lineNumber + ")" : ""));
});
"""
SCAN = """
new Promise(function (done) {
  var input = document.getElementById("id_raw");
  input.value = "NOSUCHCD";
  document.getElementById("scan-form").requestSubmit();
  setTimeout(function () {
    done(document.getElementById("scan-result").textContent.trim());
  }, 1500);
})
"""
CAMERA = """
navigator.mediaDevices.getUserMedia({video: true}).then(function (stream) {
  var video = document.getElementById("camera");
  video.srcObject = stream;
  video.hidden = false;
  return video.play();
}).then(function () { return "camera playing"; },
        function (error) { return "camera: " + error; })
"""


class WebSocket:
    """The little of RFC 6455 a DevTools connection needs (text frames)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError(head.decode())

    def send(self, text: str) -> None:
        payload = text.encode()
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x81, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, length)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def receive(self) -> str:
        message = b""
        while True:
            first, second = self._exactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._exactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._exactly(8))
            message += self._exactly(length)
            if first & 0x80:
                return message.decode()


class Browser:
    def __init__(self, chromium: str, flags: tuple[str, ...] = ()):
        self.profile = tempfile.mkdtemp(prefix="csp-chromium-")
        self.process = subprocess.Popen(
            [
                chromium,
                *("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"),
                *("--no-first-run", "--disable-background-networking"),
                *("--disable-component-update", "--disable-sync"),
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                # A camera that films a test pattern, allowed without asking.
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                # Nothing but the portal: the map's tile server stays unreached.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                *flags,
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().count("\n") >= 1:
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = WebSocket(page["webSocketDebuggerUrl"])
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Page.addScriptToEvaluateOnNewDocument", source=RECORD_VIOLATIONS)

    def call(self, method: str, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        self.ws.send(json.dumps(message))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression: str):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        return result.get("result", {}).get("value")

    def open(self, url: str, settle: float = 1.5) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for_load(settle)

    def wait_for_load(self, settle: float = 1.5) -> bool:
        """Until the page loaded since self.events was last cleared (at most 30 s),
        then `settle` seconds more; whether it loaded."""
        deadline = time.monotonic() + 30
        loaded = False
        while time.monotonic() < deadline:
            if any(e.get("method") == "Page.loadEventFired" for e in self.events):
                loaded = True
                break
            # Also when no page comes (a script that sent nothing): no endless wait.
            self.ws.sock.settimeout(max(deadline - time.monotonic(), 0.1))
            try:
                self.events.append(json.loads(self.ws.receive()))
            except TimeoutError:
                break
            finally:
                self.ws.sock.settimeout(None)
        time.sleep(settle)
        return loaded

    def log_in_as(self, base: str, session: str | None) -> None:
        self.call("Network.clearBrowserCookies")
        if session:
            self.call("Network.setCookie", name="sessionid", value=session, url=base)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def session_of(base: str, username: str) -> str:
    opener, _token = log_in(base, username)
    jar = next(h for h in opener.handlers if hasattr(h, "cookiejar")).cookiejar
    return next(cookie.value for cookie in jar if cookie.name == "sessionid")


def pages():
    """(title, path, username or None, script to run on the page or None)."""
    from django.utils import timezone

    from fairs.models import JobFair, SeekerPass
    from jobs.models import JobPosting

    fair = (
        JobFair.objects.published()
        .filter(date__gte=timezone.localdate())
        .order_by("date")
        .first()
    )
    seeker_pass = SeekerPass.objects.filter(fair=fair, status="active").first()
    seeker = seeker_pass.person.user.username
    posting = JobPosting.objects.published().first()
    map_query = "lat=23.0215&lng=113.1214&km=10"
    return [
        ("home", "/", None, None),
        ("job list", "/jobs/", None, None),
        ("job map with pins", f"/jobs/map/?{map_query}", None, None),
        ("job posting", posting.get_absolute_url(), None, None),
        ("fair (venue map)", fair.get_absolute_url(), None, None),
        ("fair list", "/fairs/", None, None),
        ("login", "/accounts/login/", None, None),
        ("page not found", "/no-such-page/", None, None),
        ("seeker's pass (QR SVG)", seeker_pass.get_absolute_url(), seeker, None),
        ("seeker's workspace", "/workspace/", seeker, None),
        ("gate scanner: a scan", f"/fairs/{fair.pk}/gate/", "gate", SCAN),
        ("gate scanner: camera", f"/fairs/{fair.pk}/gate/", "gate", CAMERA),
        ("admin index", "/admin/", "admin", None),
        ("admin posting list", "/admin/jobs/jobposting/", "admin", None),
        (
            "admin posting form",
            f"/admin/jobs/jobposting/{posting.pk}/change/",
            "admin",
            None,
        ),  # fmt: skip
        (
            "admin fair form (pin map)",
            f"/admin/fairs/jobfair/{fair.pk}/change/",
            "admin",
            None,
        ),  # fmt: skip
        (
            "admin insurance import",
            "/admin/registration/insuranceimport/add/",
            "admin",
            None,
        ),  # fmt: skip
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--pgdata", type=Path, default=Path("/tmp/portal-csp/pgdata"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    server = start_server("run", args.port, args.pgdata.resolve())
    browser = None
    try:
        wait_until_up(base, server)
        setup_django(args.pgdata.resolve())
        browser = Browser(args.chromium)
        sessions = {}
        failing = 0
        checked = pages()
        for title, path, username, script in checked:
            if username and username not in sessions:
                sessions[username] = session_of(base, username)
            browser.log_in_as(base, sessions.get(username))
            browser.open(base + path)
            outcome = browser.evaluate(script) if script else None
            time.sleep(0.5 if script else 0)
            violations = browser.evaluate("window.__csp") or []
            header = browser.evaluate("document.title")
            failing += bool(violations)
            print(f"{title} ({path}, {username or 'anonymous'}): "
                  f"{len(violations)} violations · {header}"
                  + (f" · {outcome}" if outcome else ""))  # fmt: skip
            for violation in violations:
                print(f"    {violation}")
        print(f"{failing} of {len(checked)} pages with a CSP violation")
    finally:
        if browser is not None:
            browser.close()
        stop_server(server)


if __name__ == "__main__":
    main()
