"""Accessibility and valid markup of every page, in headless Chromium: the gate
`make check-browser` runs.

    .venv/bin/python browser/check_pages.py [--port N] [--running]
        [--pgdata var/browser-check/pgdata] [--chromium /usr/bin/chromium]
        [--languages zh-hans,en] [--phone-languages zh-hans]
        [--only TEXT] [--keep DIR] [--settle 0.3]

Starts `make run` on its own embedded PostgreSQL (seeded the first time, as
bench/serve.py does), then opens every page of browser/pages.py as its persona, in
Chinese and in English at 1280 × 800, then again on a phone (390 × 844, mobile
emulation: touch, a phone's user agent, three device pixels per CSS pixel), in
Chinese by default. On each page it notes the HTTP errors (the page's status
when not the one expected, our own files that failed to load), the browser
console's errors, and the serious and critical violations axe-core finds for WCAG
2.1 A and AA; the HTML as served is then read by the Nu HTML Checker (vnu.jar). On
the phone it also notes a page wider than the screen: the whole page scrolls
sideways (a wide table or chart scrolls inside its own box, with a hint, instead),
naming the outermost elements that stick out. It prints one line per page, the
problems under it, and a summary; the exit status is 1 when anything was found or
a page of the portal was left out. The tools come from browser/package.json (`npm
ci` in `make check-browser`).
"""

import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.csp_pages import Browser, session_of  # noqa: E402
from bench.serve import (  # noqa: E402
    setup_django,
    start_server,
    stop_server,
    wait_until_up,
)

TOOLS = ROOT / "browser" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
RUN_AXE = (
    f"axe.run(document, {json.dumps(AXE_OPTIONS)}).then(function (result) {{"
    "  return result.violations.map(function (v) {"
    "    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map("
    "      function (node) { return node.target.join(' '); })};"
    "  });"
    "})"
)

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
)
# The page wider than the screen: the outermost elements that reach past its
# right edge outside any box that clips or scrolls them (fixed ones, an
# off-screen menu, do not widen the page). An absolutely positioned element is
# clipped only by boxes from its containing block (the nearest positioned
# ancestor) up: a hidden label in a scrolling table whose box is not positioned
# widens the page.
PAGE_TOO_WIDE = """(function () {
  var root = document.documentElement, width = root.clientWidth;
  if (root.scrollWidth <= width + 1) { return null; }
  function inBox(el) {
    var absolute = getComputedStyle(el).position === "absolute";
    for (var node = el.parentElement; node && node !== document.body;
         node = node.parentElement) {
      var style = getComputedStyle(node);
      if (absolute && style.position === "static") { continue; }
      if (style.overflowX !== "visible") { return true; }
      absolute = style.position === "absolute";
    }
    return false;
  }
  function name(el) {
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      Array.prototype.map.call(el.classList, function (c) { return "." + c; }).join("");
  }
  var outer = [];
  document.querySelectorAll("body *").forEach(function (el) {
    var box = el.getBoundingClientRect();
    if (box.right <= width + 1 || !box.width) { return; }
    if (getComputedStyle(el).position === "fixed" || inBox(el)) { return; }
    if (outer.some(function (o) { return o.contains(el); })) { return; }
    outer.push(el);
  });
  return root.scrollWidth + " px wide on a " + width + " px screen: " +
    outer.slice(0, 4).map(function (el) {
      return name(el) + " (to " + Math.round(el.getBoundingClientRect().right) + " px)";
    }).join(", ") + (outer.length > 4 ? " +" + (outer.length - 4) : "");
})()"""

# Nu messages that are wrong about valid HTML, with the reason; none so far.
NU_FALSE_POSITIVES: list[tuple[re.Pattern, str]] = []


class CheckingBrowser(Browser):
    """The CSP benchmark's browser, also listening to the console, knowing the
    page's response and carrying axe-core into every page."""

    def __init__(self, chromium: str):
        super().__init__(chromium)
        self.call("Runtime.enable")
        self.call("Log.enable")
        self.call("Page.addScriptToEvaluateOnNewDocument", source=AXE.read_text())

    def as_phone(self) -> None:
        self.call("Emulation.setDeviceMetricsOverride", **PHONE)
        self.call("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=5)
        self.call("Network.setUserAgentOverride", userAgent=PHONE_USER_AGENT)

    def log_in_as(self, base: str, session: str | None, language: str) -> None:
        super().log_in_as(base, session)
        self.call("Network.setCookie", name="django_language", value=language, url=base)

    def follow(self, script: str, settle: float) -> None:
        """Run a script that leads to another page, and wait for that page."""
        self.events.clear()
        self.call("Runtime.evaluate", expression=script)
        self.wait_for_load(settle)

    def drain(self, seconds: float = 0.2) -> None:
        """Take the events that arrived while the page settled."""
        self.ws.sock.settimeout(seconds)
        try:
            while True:
                self.events.append(json.loads(self.ws.receive()))
        except TimeoutError:
            pass
        finally:
            self.ws.sock.settimeout(None)

    def events_of(self, method: str) -> list[dict]:
        return [e["params"] for e in self.events if e.get("method") == method]

    def document(self) -> dict | None:
        responses = [
            r
            for r in self.events_of("Network.responseReceived")
            if r["type"] == "Document"
        ]
        return responses[-1] if responses else None

    def body(self, request_id: str) -> str:
        result = self.call("Network.getResponseBody", requestId=request_id)
        if result.get("base64Encoded"):
            return base64.b64decode(result["body"]).decode()
        return result["body"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def same_origin(url: str, base: str) -> bool:
    return urlsplit(url).netloc == urlsplit(base).netloc


def http_errors(browser: CheckingBrowser, page, base: str, document) -> list[str]:
    errors = []
    if document is None:
        return ["no page was received"]
    if document["response"]["status"] != page.status:
        errors.append(f"status {document['response']['status']}, not {page.status}")
    final = urlsplit(document["response"]["url"])
    asked = urlsplit(base + page.path)
    if page.then is None and (final.path, final.query) != (asked.path, asked.query):
        errors.append(f"sent on to {final.path}")
    for response in browser.events_of("Network.responseReceived"):
        url, status = response["response"]["url"], response["response"]["status"]
        if response["type"] != "Document" and same_origin(url, base) and status >= 400:
            errors.append(f"{status} {urlsplit(url).path}")
    requests = {
        r["requestId"]: r["request"]["url"]
        for r in browser.events_of("Network.requestWillBeSent")
    }
    for failure in browser.events_of("Network.loadingFailed"):
        url = requests.get(failure["requestId"], "")
        if same_origin(url, base) and not failure.get("canceled"):
            errors.append(f"{failure['errorText']} {urlsplit(url).path}")
    return errors


def console_errors(browser: CheckingBrowser) -> list[str]:
    errors = []
    for thrown in browser.events_of("Runtime.exceptionThrown"):
        details = thrown["exceptionDetails"]
        errors.append(
            details.get("exception", {}).get("description") or details["text"]
        )
    for call in browser.events_of("Runtime.consoleAPICalled"):
        if call["type"] in ("error", "assert"):
            texts = [
                str(a.get("value", a.get("description", ""))) for a in call["args"]
            ]
            errors.append(" ".join(texts))
    for entry in (e["entry"] for e in browser.events_of("Log.entryAdded")):
        # Failed loads are HTTP errors above when ours; other hosts (the map's
        # tiles) are out of reach here by design (bench/csp_pages.py).
        if entry["level"] == "error" and entry["source"] != "network":
            errors.append(entry["text"])
    return errors


def check_page(browser, page, base, language, settle, phone=False) -> dict:
    browser.open(base + page.path, settle=settle)
    for _time in range(page.repeat if page.then else 0):
        browser.follow(page.then, settle=settle)
    browser.drain()
    document = browser.document()
    html = None
    if document is not None:
        try:
            html = browser.body(document["requestId"])
        except RuntimeError:
            html = None
    http, console = http_errors(browser, page, base, document), console_errors(browser)
    too_wide = browser.evaluate(PAGE_TOO_WIDE) if phone else None
    # Last: axe's own probing (it sets styles the policy refuses) is not the page's.
    violations = [
        v for v in browser.evaluate(RUN_AXE) or [] if v["impact"] in AXE_IMPACTS
    ]
    return {
        "page": page,
        "language": language,
        "http": http,
        "console": console,
        "axe": violations,
        "html": html,
        "nu": [],
        "phone": phone,
        "wide": [too_wide] if too_wide else [],
    }


def run_nu(results: list[dict], folder: Path) -> int:
    """Nu's errors, on each result; the number of messages filtered out."""
    files = {}
    for number, result in enumerate(results):
        if result["html"] is not None:
            path = folder / f"page-{number:04d}.html"
            path.write_text(result["html"])
            files[path.name] = result
    if not files:
        return 0
    output = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout",
         "--exit-zero-always", *sorted(str(folder / name) for name in files)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # fmt: skip
    filtered = 0
    for message in json.loads(output)["messages"]:
        text = message.get("message", "")
        if any(pattern.search(text) for pattern, _reason in NU_FALSE_POSITIVES):
            filtered += 1
            continue
        result = files[Path(urlsplit(message["url"]).path).name]
        extract = " ".join(message.get("extract", "").split())[:120]
        result["nu"].append(f"line {message.get('lastLine', '?')}: {text} · {extract}")
    return filtered


def uncovered(pages) -> list[str]:
    """URL names of the portal (outside the back office) that no page opens."""
    from django.urls import Resolver404, get_resolver, resolve

    from browser.pages import NOT_PAGES

    def names(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace != "admin":
                    inner = (
                        f"{namespace}{pattern.namespace}:"
                        if pattern.namespace
                        else namespace
                    )
                    yield from names(pattern, inner)
            elif pattern.name:
                yield namespace + pattern.name

    opened = set()
    for page in pages:
        try:
            opened.add(resolve(urlsplit(page.path).path).view_name)
        except Resolver404:
            pass  # the page-not-found page
    return sorted(set(names(get_resolver())) - opened - set(NOT_PAGES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument(
        "--pgdata", type=Path, default=ROOT / "var" / "browser-check" / "pgdata"
    )
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--languages", default="zh-hans,en", help="at 1280 × 800")
    parser.add_argument(
        "--phone-languages", default="zh-hans", help="at 390 × 844; '' for none"
    )
    parser.add_argument("--only", help="only pages whose persona, title or path has it")
    parser.add_argument("--keep", type=Path, help="keep the pages' HTML in this folder")
    parser.add_argument("--settle", type=float, default=0.3)
    parser.add_argument(
        "--running",
        action="store_true",
        help="use the portal already running on PORT with this PGDATA",
    )
    args = parser.parse_args()
    for tool in (AXE, VNU):
        if not tool.exists():
            sys.exit(f"{tool} is missing: run `make check-browser`")
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    server = None if args.running else start_server("run", port, args.pgdata.resolve())
    browser = None
    results = []
    try:
        if server is not None:
            wait_until_up(base, server)
        # Links signed in this process (a resume's QR link) must verify in the
        # server: the same key as `make run`.
        os.environ.setdefault("SECRET_KEY_FILE", str(ROOT / "var" / "secret-key"))
        setup_django(args.pgdata.resolve())
        from django.conf import settings

        from browser.pages import all_pages

        pages = all_pages()
        missing = uncovered(pages)
        if args.only:
            pages = [p for p in pages if args.only in f"{p.persona} {p.title} {p.path}"]
        browser = CheckingBrowser(args.chromium)
        sessions = {}
        passes = [(language, False) for language in split(args.languages)]
        passes += [(language, True) for language in split(args.phone_languages)]
        total = len(pages) * len(passes)
        for language, phone in passes:
            if phone:
                browser.as_phone()
            for page in pages:
                if page.user and page.user not in sessions:
                    sessions[page.user] = session_of(base, page.user)
                browser.log_in_as(base, sessions.get(page.user), language)
                if page.terminal:
                    browser.call(
                        "Network.setCookie",
                        name=settings.HALL_TERMINAL_COOKIE,
                        value=page.terminal,
                        url=base,
                        httpOnly=True,
                    )
                if page.prepare is not None:
                    page.prepare()
                results.append(
                    check_page(browser, page, base, language, args.settle, phone)
                )
                print(f"\r{len(results)}/{total} pages", end="", file=sys.stderr)
        print(file=sys.stderr)
    finally:
        if browser is not None:
            browser.close()
        if server is not None:
            stop_server(server)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="browser-check-"))
    folder.mkdir(parents=True, exist_ok=True)
    filtered = run_nu(results, folder)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(report(results, missing if not args.only else [], filtered, started))


def split(languages: str) -> list[str]:
    return [language for language in languages.split(",") if language]


KINDS = ("http", "console", "axe", "nu", "wide")


def report(results, missing, filtered, started) -> int:
    counts = Counter()
    rules = Counter()
    failing = 0
    for result in results:
        page = result["page"]
        found = {kind: len(result[kind]) for kind in KINDS}
        counts.update(found)
        rules.update(v["id"] for v in result["axe"])
        failing += any(found.values())
        who = page.persona + (f" {page.user}" if page.user else "")
        status = (
            f"HTTP {found['http']} · console {found['console']} · "
            f"axe {found['axe']} · html {found['nu']}"
            + (f" · too wide {found['wide']}" if result["phone"] else "")
            if any(found.values())
            else "ok"
        )
        where = result["language"] + (" phone" if result["phone"] else "")
        print(f"[{where}] {who} · {page.title} {page.path}: {status}")
        for error in result["http"]:
            print(f"    HTTP: {error}")
        for error in result["console"]:
            print(f"    console: {error}")
        for violation in result["axe"]:
            nodes = violation["nodes"]
            where = ", ".join(nodes[:3]) + (f" +{len(nodes) - 3}" if nodes[3:] else "")
            print(
                f"    axe {violation['impact']} {violation['id']}: {violation['help']}"
                f" ({len(nodes)}: {where})"
            )
        for error in result["nu"]:
            print(f"    html: {error}")
        for error in result["wide"]:
            print(f"    too wide: {error}")
    for name in missing:
        print(f"not opened: {name} (add it to browser/pages.py or NOT_PAGES)")
    languages = Counter(
        result["language"] + (" on a phone" if result["phone"] else "")
        for result in results
    )
    print(
        f"\n{len(results)} pages ("
        + ", ".join(f"{n} in {language}" for language, n in languages.items())
        + f") in {time.monotonic() - started:.0f} s; {failing} with problems"
    )
    print(
        f"HTTP errors {counts['http']} · console errors {counts['console']} · "
        f"axe serious/critical {counts['axe']} · HTML errors {counts['nu']}"
        f" · pages wider than a phone {counts['wide']}"
        f" ({filtered} documented false positives filtered)"
        + (f" · pages not opened {len(missing)}" if missing else "")
    )
    if rules:
        print(
            "axe rules: " + ", ".join(f"{rule} {n}" for rule, n in rules.most_common())
        )
    return 1 if failing or missing else 0


if __name__ == "__main__":
    main()
