"""The caseworker's journeys in headless Chromium, a screenshot at each step.

    make journeys
    .venv/bin/python bench/journeys.py [--port 8792] [--pgdata var/journeys/pgdata]
        [--shots var/journeys/screenshots] [--language zh-hans|en] [--reuse]
        [--chromium /usr/bin/chromium]

Starts `make run` on PORT with an embedded PostgreSQL of its own under PGDATA, made
anew and seeded with the demo data (kept from the last run with --reuse), and goes
through two journeys as the demo users, in the browser only:

1. A subsidy from the application to a reconciled payment. A seeker applies for the
   vocational training subsidy with three scans and a bank card. The district's
   caseworker accepts it and passes the district review, the city's reviewer passes
   the city review, and the application goes on public notice. The portal is then
   served again as on the day after the notice ends (bench/later_settings.py). The
   city's approver approves; the city caseworker pays it in a disbursement batch,
   downloads the bank file and uploads the bank's result made from it (every line
   成功, paid that day); the payment shows as paid on the bank's date, and the
   seeker's page says paid.
2. A posting from submission to publication: an employer submits a posting, the
   district's caseworker approves it on its case page, and it is public at its URL.

Caseworkers start from the to-do home and open the case from the list. Each step
checks what the page says, in the language chosen, and saves a 1280×800 screenshot
in SHOTS. Prints each step with its time; exits 1 at the first failure, with a
screenshot of the page it failed on.
"""

import argparse
import base64
import csv
import datetime
import io
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.csp_pages import Browser, session_of  # noqa: E402
from bench.serve import (  # noqa: E402
    BASE_DIR,
    setup_django,
    start_server,
    stop_server,
    wait_until_up,
)

WIDTH, HEIGHT = 1280, 800
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SCANS = [
    ("id-card.png", "居民身份证（正面）"),
    ("skill-certificate.jpg", "职业技能等级证书 · 四级 · 电工"),
    ("training-record.png", "培训合格证明"),
]

# Page scripts for JourneyBrowser.run.
FILL = """function (fields) {
  var missing = [];
  Object.keys(fields).forEach(function (selector) {
    var field = document.querySelector(selector);
    if (!field) { missing.push(selector); return; }
    if (field.type === "radio" || field.type === "checkbox") {
      field.checked = true;
    } else {
      field.value = fields[selector];
    }
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
  });
  return missing;
}"""
CLICK = """function (selector, text) {
  var found = Array.from(document.querySelectorAll(selector)).find(function (e) {
    var shown = e.innerText || e.value || "";
    return shown.replace(/\\s+/g, " ").indexOf(text) !== -1;
  });
  if (!found) { return false; }
  found.click();
  return true;
}"""
SCROLL = """function (selector) {
  var all = document.querySelectorAll(selector);
  if (!all.length) { return false; }
  all[all.length - 1].scrollIntoView();
  return true;
}"""
QUEUE_LINES = """function () {
  var most = 0;
  document.querySelectorAll(".casework-todo tbody th").forEach(function (cell) {
    var range = document.createRange();
    range.selectNodeContents(cell);
    var tops = new Set(Array.from(range.getClientRects()).map(function (rect) {
      return Math.round(rect.top);
    }));
    most = Math.max(most, tops.size);
  });
  return most;
}"""
QUEUE_ROW = """function (label) {
  var rows = document.querySelectorAll(".casework-todo tbody tr");
  for (var i = 0; i < rows.length; i++) {
    var cells = Array.from(rows[i].children).map(function (cell) {
      return cell.innerText.trim();
    });
    if (cells[0] === label) { return cells; }
  }
  return null;
}"""
# The payer's message (subsidies/admin.py), named here rather than written in a
# call, so that makemessages does not take this file for one of its sources.
BATCH_MADE = (
    "Batch made: %(count)d payment, %(total)s yuan in all. Download "
    "the bank file on this page.",
    "Batch made: %(count)d payments, %(total)s yuan in all. Download "
    "the bank file on this page.",
)


class JourneyFailed(Exception):
    pass


def reverse(name: str, args=None) -> str:
    from django.urls import reverse as django_reverse

    return django_reverse(name, args=args)


def squeeze(text: str) -> str:
    return " ".join(text.split())


class JourneyBrowser(Browser):
    """Browser with what a journey does besides opening pages: forms, clicks that
    load a page, files to upload, downloads and screenshots."""

    def __init__(self, chromium: str, downloads: Path):
        super().__init__(chromium)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.downloads = downloads
        self.call(
            "Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads)
        )

    def text(self) -> str:
        return squeeze(self.evaluate("document.body.innerText") or "")

    def url(self) -> str:
        return self.evaluate("location.href") or ""

    def run(self, function: str, *args):
        """A JavaScript function called with the arguments (as JSON)."""
        return self.evaluate(f"({function})({', '.join(map(json.dumps, args))})")

    def fill(self, fields: dict[str, str]) -> None:
        """Values by CSS selector; a radio button or checkbox is checked."""
        missing = self.run(FILL, fields)
        if missing:
            raise JourneyFailed(f"no field {', '.join(missing)} on {self.url()}")

    def set_files(self, selector: str, paths: list[Path]) -> None:
        root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)
        if not node.get("nodeId"):
            raise JourneyFailed(f"no file field {selector} on {self.url()}")
        self.call(
            "DOM.setFileInputFiles",
            nodeId=node["nodeId"],
            files=[str(path) for path in paths],
        )

    def click(self, selector: str, text: str = "", *, loads: bool = True) -> None:
        """Click the first element matching the selector whose text (or value)
        holds `text`, and wait for the page it loads."""
        self.events.clear()
        clicked = self.run(CLICK, selector, text)
        if not clicked:
            raise JourneyFailed(
                f"nothing to click: {selector} “{text}” on {self.url()}"
            )
        if loads and not self.wait_for_load(settle=0.5):
            raise JourneyFailed(f"no page loaded after clicking “{text or selector}”")

    def scroll_to(self, selector: str) -> None:
        """The last element matching the selector to the top of the window."""
        found = self.run(SCROLL, selector)
        if not found:
            raise JourneyFailed(f"nothing to scroll to: {selector} on {self.url()}")
        time.sleep(0.3)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def downloaded(self, suffix: str, seconds: int = 30) -> Path:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            files = sorted(self.downloads.glob(f"*{suffix}"))
            if files:
                return files[0]
            time.sleep(0.2)
        raise JourneyFailed(f"no {suffix} file was downloaded")


class Journey:
    """The steps' common part: who is logged in, what the page must say (in the
    journey's language) and the numbered screenshots."""

    def __init__(self, browser: JourneyBrowser, base: str, shots: Path, language):
        self.browser = browser
        self.base = base
        self.shots = shots
        self.language = language
        self.started = time.monotonic()
        self.number = 0
        self.sessions: dict[str, str] = {}

    def t(self, message: str, **params) -> str:
        """The message as the portal shows it in the journey's language."""
        from django.utils import translation

        with translation.override(self.language):
            text = translation.gettext(message)
        return text % params if params else text

    def shown(self, value) -> str:
        """A lazy label or a model's text in the journey's language."""
        from django.utils import translation

        with translation.override(self.language):
            return str(value)

    def as_user(self, username: str | None) -> None:
        if username and username not in self.sessions:
            self.sessions[username] = session_of(self.base, username)
        self.browser.log_in_as(self.base, self.sessions.get(username))
        self.browser.call(
            "Network.setCookie",
            name="django_language",
            value=self.language,
            url=self.base,
        )

    def open(self, path: str) -> None:
        self.browser.open(self.base + path, settle=0.5)

    def expect(self, *texts: str) -> None:
        page = self.browser.text()
        missing = [text for text in texts if squeeze(text) not in page]
        if missing:
            raise JourneyFailed(
                f"{self.browser.url()} does not show "
                + "; ".join(f"“{text}”" for text in missing)
            )

    def expect_none(self, *texts: str) -> None:
        page = self.browser.text()
        shown = [text for text in texts if squeeze(text) in page]
        if shown:
            raise JourneyFailed(
                f"{self.browser.url()} shows " + "; ".join(f"“{t}”" for t in shown)
            )

    def step(self, name: str, what: str) -> None:
        self.number += 1
        path = self.shots / f"{self.number:02d}-{name}.png"
        self.browser.screenshot(path)
        seconds = time.monotonic() - self.started
        print(f"{seconds:6.1f} s  {self.number:02d} {what}  [{path.name}]", flush=True)

    def queue_row(self, label: str) -> list[str]:
        """The to-do home's row of a queue: label, for you, in your area …"""
        cells = self.browser.run(QUEUE_ROW, label)
        if not cells:
            raise JourneyFailed(f"the to-do home has no queue “{label}”")
        return cells

    def todo(self, label: str) -> int:
        """Open the to-do home and return how many cases of the queue wait for
        this user."""
        self.open(reverse("admin:index"))
        self.expect(self.t("To do"))
        lines = self.browser.run(QUEUE_LINES)
        if lines > 2:
            raise JourneyFailed(f"a queue's name takes {lines} lines on the to-do home")
        mine = self.queue_row(label)[1]
        if not mine.isdigit() or int(mine) < 1:
            raise JourneyFailed(f"“{label}” has no case for this user: {mine}")
        return int(mine)

    def open_case(self, changelist: str, pk: int, search: str) -> None:
        """As a caseworker finds a case: the list (from the to-do home's list of
        models or the sidebar), a search for the name, the case."""
        self.browser.click(f'a[href="{changelist}"]')
        self.browser.fill({"#searchbar": search})
        self.browser.click("#changelist-search input[type=submit]")
        self.browser.click(f'#result_list a[href*="/{pk}/change/"]')
        self.expect(self.t("Case review"))


def make_scans(folder: Path) -> list[Path]:
    """Three scans as a phone photographs papers: a PNG, a JPG and a PNG."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40) if FONT.exists() else None
    paths = []
    for name, title in SCANS:
        image = Image.new("RGB", (900, 560), (246, 244, 236))
        draw = ImageDraw.Draw(image)
        draw.rectangle((20, 20, 879, 539), outline=(150, 40, 40), width=6)
        draw.text((60, 80), title, fill=(30, 30, 30), font=font)
        draw.text((60, 200), "示例扫描件 · 仅供演示", fill=(120, 120, 120), font=font)
        path = folder / name
        image.save(path)
        paths.append(path)
    return paths


def card_number() -> str:
    """A 19-digit bank card number with its check digit (Luhn)."""
    from stdnum import luhn

    body = f"621483{int(time.time()) % 10**12:012d}"
    return body + luhn.calc_check_digit(body)


def cast():
    """The demo users the journeys follow: a seeker without a training subsidy
    application, the caseworker of their district, an employer of that district
    and its staff."""
    from portal.models import Employer, User

    seeker = (
        User.objects.filter(role=User.Role.SEEKER, person__residence__isnull=False)
        .exclude(person__subsidy_applications__subsidy_type__code="training")
        .select_related("person__residence")
        .order_by("pk")
        .first()
    )
    district = seeker.person.residence.code[:6]
    caseworker = User.objects.get(
        role=User.Role.CASEWORKER, org_unit__code=f"{district}000000"
    )
    employer = (
        Employer.objects.verified()
        .filter(org_unit__code__startswith=district, staff__isnull=False)
        .order_by("pk")
        .first()
    )
    return seeker, caseworker, employer, employer.staff.order_by("pk").first()


def seeker_applies(journey: Journey, seeker, scans: list[Path], card: str):
    from subsidies.models import Application, Bank, SubsidyType

    training = SubsidyType.objects.get(code="training")
    journey.as_user(seeker.username)
    journey.open(reverse("subsidies:application_new", args=[training.code]))
    journey.expect(journey.t("Apply for %(name)s", name=training.name))
    district = seeker.person.residence.code[:6]
    bank = Bank.SHUNDE_RCB if district == "440606" else Bank.FOSHAN_RCB
    journey.browser.fill(
        {
            "#id_level": "四级",
            "#id_occupation": "电工",
            "#id_certificate_number": f"S{datetime.date.today():%Y}{district}1234",
            "#id_statement": "已参加电工培训并取得四级职业技能等级证书。",
            'input[name="account_choice"][value="bank_card"]': "",
            "#id_bank": bank,
            "#id_account_number": card,
        }
    )
    for number, scan in enumerate(scans, start=1):
        journey.browser.set_files(f"#id_document{number}", [scan])
    journey.browser.scroll_to("#id_document1")
    journey.step("seeker-form", "a seeker fills in the training subsidy form")
    journey.browser.click(
        "form.form button[type=submit]:not([name])",
        journey.t("Submit the application"),
    )
    journey.expect(
        journey.t("The application is submitted."),
        journey.shown(Application.Status.SUBMITTED.label),
    )
    application = (
        Application.objects.filter(person=seeker.person, subsidy_type=training)
        .select_related("person", "subsidy_type", "version")
        .latest("created_at")
    )
    for scan in scans:
        journey.expect(scan.name)
    journey.step(
        "seeker-submitted",
        f"submitted with {len(scans)} scans and a bank card: "
        f"{application.amount} yuan, awaiting acceptance",
    )
    return application


def caseworker_decides(journey, username, application, *, decision, level, first):
    """The caseworker opens the to-do home, goes into the case from the list,
    checks the record, checks and scans, and takes the decision."""
    from django.utils.formats import date_format
    from django.utils.translation import override

    from portal.models import OrgUnit
    from subsidies.models import Application

    label = journey.t("Subsidy applications to accept or review")
    if application.status == Application.Status.ON_NOTICE:
        label = journey.t("Subsidy applications whose public notice is over")
    journey.as_user(username)
    if first:
        mine = journey.todo(label)
        journey.step(
            f"{username}-todo", f"{username}: to-do home, {mine} case(s) in “{label}”"
        )
    journey.open_case(
        reverse("admin:subsidies_application_changelist"),
        application.pk,
        application.person.name,
    )
    application.refresh_from_db()
    level_name = journey.shown(dict(OrgUnit.Level.choices).get(level, ""))
    if decision == "accept":
        next_step = journey.t("Acceptance at %(level)s level.", level=level_name)
    elif decision == "pass":
        with override(journey.language):
            due = date_format(application.step_due)
        next_step = journey.t(
            "Review at %(level)s level, due by %(date)s.", level=level_name, date=due
        )
    else:
        next_step = journey.t("Approval: the public notice is over.")
    journey.expect(
        next_step,
        application.person.name,
        journey.t("Automatic checks"),
        journey.t("Documents"),
        *(name for name, _title in SCANS),
    )
    journey.expect_none(journey.t("Another caseworker has to take this step."))
    scans = journey.browser.evaluate(
        "Array.from(document.querySelectorAll('img.casework-scan'))"
        ".filter(function (i) { return i.naturalWidth > 0; }).length"
    )
    if scans != len(SCANS):
        raise JourneyFailed(f"the case page shows {scans} of {len(SCANS)} scans")
    labels = {
        "accept": journey.t("Accept for review"),
        "pass": journey.t("Pass this review step"),
        "approve": journey.t("Approve after the public notice"),
    }
    journey.step(
        f"{username}-{decision}-case",
        f"{username}: the case with its record, checks and {scans} scans, "
        f"“{labels[decision]}” open",
    )
    if first and decision == "accept":
        journey.browser.scroll_to(".casework-documents")
        journey.step(f"{username}-scans", f"{username}: the scans on the case page")
    journey.browser.click(".casework-decisions button", labels[decision])
    done = {
        "accept": "%(case)s: accepted for review.",
        "pass": "%(case)s: review step passed.",
        "approve": "%(case)s: approved.",
    }
    journey.expect(journey.t(done[decision], case=journey.shown(application)))
    application.refresh_from_db()
    journey.step(
        f"{username}-{decision}-done",
        f"{username}: {decision} done, the application is "
        f"{journey.shown(Application.Status(application.status).label)}",
    )


def notice_is_public(journey, application):
    journey.as_user(None)
    journey.open(reverse("subsidies:notice_list"))
    journey.expect(application.person.masked_id_number, application.subsidy_type.name)
    journey.step(
        "public-notice",
        f"the public notice page lists it until {application.notice_ends}",
    )


def employer_posts(journey, staff, employer, stamp: str):
    from jobs.models import JobPosting

    title = f"电工（{stamp}）"
    journey.as_user(staff.username)
    journey.open(reverse("jobs:job_create"))
    journey.expect(journey.t("Post a job"))
    journey.browser.fill(
        {
            "#id_title": title,
            "#id_occupation_group": "6",
            "#id_occupation_name": "电工",
            "#id_job_type": "full_time",
            "#id_headcount": "2",
            "#id_salary_min": "5500",
            "#id_salary_max": "7000",
            "#id_experience_years": "1",
            "#id_description": "负责厂区配电设备的日常巡检与维修，持低压电工证，"
            "五险一金，包住宿。",
        }
    )
    journey.step("employer-form", f"{employer.name} fills in a posting")
    journey.browser.click(
        "form.form button[type=submit]", journey.t("Submit for review")
    )
    journey.expect(
        journey.t("Saved. A caseworker reviews the posting before it goes live."),
        title,
    )
    posting = JobPosting.objects.get(employer=employer, title=title)
    journey.step("employer-submitted", "submitted for review")
    journey.as_user(None)
    journey.open(posting.get_absolute_url())
    journey.expect_none(title)
    return posting


def caseworker_publishes(journey, username, posting):

    label = journey.t("Job postings to review")
    journey.as_user(username)
    mine = journey.todo(label)
    journey.step(f"{username}-postings-todo", f"{username}: {mine} in “{label}”")
    journey.open_case(
        reverse("admin:jobs_jobposting_changelist"),
        posting.pk,
        posting.title,
    )
    approve = journey.t("Approve and publish")
    journey.expect(posting.title, posting.employer.name, approve)
    journey.step(f"{username}-posting-case", f"{username}: the posting's case page")
    journey.browser.click(".casework-decisions button", approve)
    journey.expect(journey.t("%(case)s: published.", case=journey.shown(posting)))
    journey.step(f"{username}-posting-done", f"{username}: published")
    journey.as_user(None)
    journey.open(posting.get_absolute_url())
    journey.expect(posting.title, posting.employer.name)
    journey.step("posting-public", f"public at {posting.get_absolute_url()}")


def username_name(username: str) -> str:
    from portal.models import User

    return User.objects.get(username=username).get_full_name()


def payer_pays(journey, username, application, card: str, today: datetime.date):
    from django.utils.formats import date_format
    from django.utils.translation import ngettext, override

    from subsidies.bank_files import COLUMNS, ENCODING, RESULT_COLUMNS
    from subsidies.models import Application

    label = journey.t("Approved subsidy applications to pay")
    journey.as_user(username)
    mine = journey.todo(label)
    journey.step(f"{username}-todo", f"{username}: to-do home, {mine} in “{label}”")
    journey.browser.click(".casework-todo a.button", journey.t("Open the list"))
    journey.expect(
        application.person.name, journey.shown(Application.Status.APPROVED.label)
    )
    journey.browser.fill(
        {
            f'input.action-select[value="{application.pk}"]': "",
            'select[name="action"]': "pay_selected",
        }
    )
    journey.step(
        f"{username}-pay-select",
        f"{username}: the list of those to pay, the application selected, "
        "the action to pay it",
    )
    journey.browser.click('button[name="index"]')
    payment = application.payments.select_related("batch").get()
    with override(journey.language):
        made = ngettext(*BATCH_MADE, 1) % {"count": 1, "total": payment.batch.total}
    journey.expect(made, payment.reference, journey.t("waiting"))
    journey.step(f"{username}-batch", f"{username}: batch made, payment waiting")
    download = journey.t("Download the bank file")
    journey.browser.click('input[type="submit"]', download, loads=False)
    bank_file = journey.browser.downloaded(".csv")
    rows = list(csv.reader(io.StringIO(bank_file.read_bytes().decode(ENCODING))))
    line = dict(zip(rows[0], rows[1], strict=True))
    if rows[0] != COLUMNS or len(rows) != 2 or line["收款账号"] != card:
        raise JourneyFailed(f"unexpected bank file {bank_file.name}: {rows}")
    if line["付款流水号"] != payment.reference or line["申请编号"] != str(
        application.code
    ):
        raise JourneyFailed(f"the bank file's line is another payment: {line}")
    journey.open(
        reverse("admin:subsidies_disbursementbatch_change", args=[payment.batch_id])
    )
    journey.expect(journey.t("Downloaded"), username_name(username))
    journey.browser.scroll_to("div.module.padded")
    journey.step(
        f"{username}-bank-file",
        f"{username}: {bank_file.name} downloaded (GB 18030: {line['开户行']} "
        f"{line['收款人户名']} {line['金额']} yuan), the download recorded",
    )
    result = bank_file.with_name(f"result-{bank_file.name}")
    with result.open("w", encoding=ENCODING, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(RESULT_COLUMNS)
        for row in rows[1:]:
            sent = dict(zip(rows[0], row, strict=True))
            writer.writerow(
                [sent["付款流水号"], sent["金额"], "成功", "", today.isoformat()]
            )
    journey.browser.set_files('input[type="file"][name="file"]', [result])
    journey.browser.scroll_to('input[type="file"][name="file"]')
    journey.step(f"{username}-bank-result", f"{username}: the bank's result chosen")
    journey.browser.click('input[type="submit"]', journey.t("Record the bank result"))
    with override(journey.language):
        paid_on = date_format(today, "DATE_FORMAT")
    journey.expect(
        journey.t(
            "The bank's result is recorded: %(paid)d paid, %(failed)d failed (back "
            "in the queue for the next batch).",
            paid=1,
            failed=0,
        ),
        journey.t("paid on %(date)s", date=paid_on),
    )
    journey.browser.scroll_to("#content div.module")
    journey.step(f"{username}-reconciled", f"{username}: paid on {paid_on}")


def seeker_sees_paid(journey, seeker, application):
    from subsidies.models import Application

    journey.as_user(seeker.username)
    journey.open(application.get_absolute_url())
    journey.expect(journey.shown(Application.Status.PAID.label))
    steps = journey.browser.evaluate(
        "[document.querySelectorAll('.steps li').length,"
        " document.querySelectorAll('.steps li.done').length]"
    )
    if not steps or steps[0] == 0 or steps[0] != steps[1]:
        raise JourneyFailed(f"the paid application's steps, reached of all: {steps}")
    journey.step("seeker-paid", f"the seeker's page says paid, all {steps[0]} steps")


def run(args, shots: Path) -> None:
    from django.db import connections
    from django.utils import timezone

    base = f"http://127.0.0.1:{args.port}"
    pgdata = args.pgdata.resolve()
    downloads = shots.parent / "downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir(parents=True)
    server = start_server("run", args.port, pgdata)
    browser = None
    journey = None
    try:
        wait_until_up(base, server)
        setup_django(pgdata)
        seeker, caseworker, employer, staff = cast()
        browser = JourneyBrowser(args.chromium, downloads)
        journey = Journey(browser, base, shots, args.language)
        print(f"{base}: the demo office, {seeker.person.residence}", flush=True)
        card = card_number()
        application = seeker_applies(journey, seeker, make_scans(shots.parent), card)
        for decision, first in (("accept", True), ("pass", False)):
            caseworker_decides(
                journey,
                caseworker.username,
                application,
                decision=decision,
                level="district",
                first=first,
            )
        caseworker_decides(
            journey,
            "cw_city_review",
            application,
            decision="pass",
            level="city",
            first=True,
        )
        notice_is_public(journey, application)
        posting = employer_posts(journey, staff, employer, f"{time.time():.0f}")
        caseworker_publishes(journey, caseworker.username, posting)

        days = (application.notice_ends - timezone.localdate()).days + 1
        later = timezone.localdate() + datetime.timedelta(days=days)
        connections.close_all()
        stop_server(server)
        server = start_server(
            "run",
            args.port,
            pgdata,
            env={
                "DJANGO_SETTINGS_MODULE": "bench.later_settings",
                "JOURNEY_DAYS_AHEAD": str(days),
            },
        )
        wait_until_up(base, server)
        print(f"the portal again, as on {later}, after the notice", flush=True)
        caseworker_decides(
            journey,
            "cw_city_approve",
            application,
            decision="approve",
            level="",
            first=True,
        )
        payer_pays(journey, "cw_city", application, card, later)
        seeker_sees_paid(journey, seeker, application)
        print(f"both journeys done: {journey.number} steps in {shots}")
    except JourneyFailed as failure:
        if journey is not None:
            journey.browser.screenshot(shots / "failed.png")
        print(f"FAILED: {failure}  [failed.png]", flush=True)
        raise SystemExit(1) from failure
    finally:
        if browser is not None:
            browser.close()
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument(
        "--pgdata", type=Path, default=BASE_DIR / "var" / "journeys" / "pgdata"
    )
    parser.add_argument(
        "--shots", type=Path, default=BASE_DIR / "var" / "journeys" / "screenshots"
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
