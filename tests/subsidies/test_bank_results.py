"""The bank's result file (回盘文件) settles a batch all or nothing
(docs/subsidy-disbursement.md, "The bank's result file (回盘文件)")."""

import csv
import datetime
import io
import re
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry
from subsidies import bank_files, services
from subsidies.models import Application, DisbursementBatch, Payment, SubsidyType
from subsidies.services import payments
from tests import factories

HEADER = ["付款流水号", "收款人户名", "金额", "状态", "失败原因", "交易日期"]


def approved_job_search(foshan, staff, count):
    """Graduates' one-off job-search subsidies (1000 yuan each), approved."""
    made = []
    for number, name in enumerate(["陈一鸣", "林二妹", "黄三立"][:count]):
        seeker = factories.make_seeker(
            residence=foshan["chancheng_community"],
            name=name,
            phone=f"1391234560{number}",
        )
        factories.make_graduate(seeker.person)
        application = services.submit_application(
            Application(
                subsidy_type=SubsidyType.objects.get(code="job-search"),
                person=seeker.person,
            ),
            by=seeker,
        )
        made.append(factories.approve_subsidy(application, staff))
    return made


@pytest.fixture
def batch(foshan, staff):
    batch, held = payments.create_batch(
        approved_job_search(foshan, staff, 3), by=staff["payer"]
    )
    assert held == {}
    return batch


def line(payment, status="成功", reason="", day=None, amount=None):
    day = day or timezone.localdate().isoformat()
    amount = payment.amount if amount is None else amount
    return [payment.reference, payment.payee_name, amount, status, reason, day]


def csv_file(rows, header=HEADER, encoding="gb18030", name="回盘.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))


def xlsx_file(rows, header=HEADER):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("回盘.xlsx", out.getvalue())


def settle(batch, upload, by):
    return payments.settle_from_bank_file(
        batch, bank_files.read_result_file(upload), by=by
    )


def line_numbers(problems: list[str]) -> list[int]:
    """The line each problem names first (Line 3: … / 第 3 行：…)."""
    return [int(re.search(r"\d+", problem).group()) for problem in problems]


def refusal(batch, upload, by) -> list[str]:
    """The problems of a refused import, and that it recorded nothing."""
    before = list(batch.payments.values_list("status", "paid_on", "failure_reason"))
    with pytest.raises(services.SubsidyError) as refused:
        settle(batch, upload, by)
    after = list(batch.payments.values_list("status", "paid_on", "failure_reason"))
    assert after == before
    return refused.value.problems


def test_a_result_file_records_the_bank_date_and_the_reason_of_a_failure(
    client, batch, staff
):
    paid, failed, waiting = batch.payments.order_by("pk")
    made = timezone.now() - datetime.timedelta(days=3)
    DisbursementBatch.objects.filter(pk=batch.pk).update(created_at=made)
    bank_day = timezone.localdate() - datetime.timedelta(days=2)
    upload = csv_file(
        [
            line(paid, day=bank_day.strftime("%Y%m%d")),
            line(failed, status="失败", reason="账户已销户", day=""),
        ]
    )
    client.force_login(staff["payer"])
    url = reverse("admin:subsidies_disbursementbatch_bank_result", args=[batch.pk])
    page = client.post(url, {"file": upload}, follow=True)
    assert page.status_code == 200
    for payment in (paid, failed, waiting):
        payment.refresh_from_db()
    assert (paid.status, paid.paid_on, paid.application.status) == (
        "paid",
        bank_day,
        "paid",
    )
    assert (failed.status, failed.failure_reason) == ("failed", "账户已销户")
    assert waiting.status == "pending"
    # The failed application is back in the queue: the next batch pays it.
    failed.application.refresh_from_db()
    assert failed.application.status == "approved"
    again, held = payments.create_batch([failed.application], by=staff["payer"])
    assert held == {} and again.payments.get().amount == failed.amount
    settled = AuditEntry.objects.filter(action="subsidies.payment.settled")
    assert settled.count() == 2
    assert AuditEntry.objects.filter(
        action="subsidies.batch.result_imported", actor=staff["payer"]
    ).exists()


def test_an_xlsx_result_with_date_cells_and_numbers_is_read_as_well(batch, staff):
    paid, failed, waiting = batch.payments.order_by("pk")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    # A batch made today: the bank paid today, a date cell with the time of day.
    now = datetime.datetime.combine(timezone.localdate(), datetime.time(10, 30))
    counts = settle(
        batch,
        xlsx_file(
            [
                [paid.reference, "", float(paid.amount), "成功", "-", now],
                [failed.reference, "", 1000, "失败", "户名不符", yesterday],
                [waiting.reference, "", "1,000.00", "成功", "--", now.date()],
            ]
        ),
        staff["payer"],
    )
    assert counts == {"paid": 2, "failed": 1}
    paid.refresh_from_db()
    assert paid.paid_on == timezone.localdate()
    batch.refresh_from_db()
    assert batch.status == "settled"


def test_every_wrong_line_is_named_and_nothing_is_recorded(batch, staff):
    paid, failed, waiting = batch.payments.order_by("pk")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    problems = refusal(
        batch,
        csv_file(
            [
                line(paid),  # line 2 is good
                ["BT9999999999", "", "1000.00", "成功", "", "2026-01-01"],
                line(failed, amount=Decimal("999.99")),
                line(paid),
                line(waiting, day="2026-13-01"),
                line(waiting, status="失败", reason='=HYPERLINK("http://x")'),
                line(waiting, status="已退回"),
                line(waiting, status="失败"),
                line(waiting, day=tomorrow),
            ]
        ),
        staff["payer"],
    )
    assert line_numbers(problems) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "BT9999999999" in problems[0]
    assert "999.99" in problems[1] and "1000.00" in problems[1]


def test_a_payment_before_the_batch_was_made_is_refused(batch, staff):
    paid = batch.payments.order_by("pk").first()
    last_year = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    [problem] = refusal(batch, csv_file([line(paid, day=last_year)]), staff["payer"])
    assert last_year in problem


def test_importing_the_same_file_again_changes_nothing(batch, staff):
    rows = [line(p) for p in batch.payments.order_by("pk")]
    settle(batch, csv_file(rows), staff["payer"])
    entries = AuditEntry.objects.count()
    problems = refusal(batch, csv_file(rows), staff["payer"])
    assert len(problems) == 3  # each payment is settled already
    assert AuditEntry.objects.count() == entries
    assert Payment.objects.filter(status="paid").count() == 3


def test_a_file_that_is_not_a_result_file_is_refused_whole(batch, staff, monkeypatch):
    paid = batch.payments.order_by("pk").first()
    good = io.StringIO()
    csv.writer(good).writerows([HEADER, line(paid)])
    nul = good.getvalue().replace("成功", "成\0功").encode("gb18030")
    cases = {
        "NUL": SimpleUploadedFile("回盘.csv", nul),
        "columns": csv_file([line(paid)], header=["付款流水号", "金额"]),
        "type": SimpleUploadedFile("回盘.pdf", b"%PDF-1.4"),
        "xlsx": SimpleUploadedFile("回盘.xlsx", b"PK not a zip"),
        "UTF-16": SimpleUploadedFile("回盘.csv", good.getvalue().encode("utf-16")),
    }
    for upload in cases.values():
        with pytest.raises(ValidationError):
            bank_files.read_result_file(upload)
    huge = csv_file([line(paid)])
    huge.size = bank_files.MAX_RESULT_BYTES + 1
    with pytest.raises(ValidationError):
        bank_files.read_result_file(huge)
    monkeypatch.setattr(bank_files, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ValidationError, match="50"):
        bank_files.read_result_file(xlsx_file([line(paid)]))
    monkeypatch.setattr(bank_files, "MAX_RESULT_LINES", 2)
    with pytest.raises(ValidationError):
        bank_files.read_result_file(
            csv_file([line(p) for p in batch.payments.order_by("pk")])
        )
    assert not Payment.objects.exclude(status="pending").exists()


def test_a_formula_cell_in_an_xlsx_result_is_refused(batch, staff):
    paid = batch.payments.order_by("pk").first()
    upload = xlsx_file([[paid.reference, "", "=1000", "成功", "", "2026-01-01"]])
    [problem] = bank_files.read_result_file(upload).problems
    assert problem[0] == 2 and "金额" in problem[1] and "公式" in problem[1]


def test_a_utf8_result_file_with_a_byte_order_mark_is_read(batch, staff):
    paid = batch.payments.order_by("pk").first()
    upload = csv_file([line(paid)], encoding="utf-8-sig")
    assert settle(batch, upload, staff["payer"]) == {"paid": 1, "failed": 0}


def test_the_import_is_refused_to_staff_who_do_not_pay(client, batch, city_viewer):
    paid = batch.payments.order_by("pk").first()
    url = reverse("admin:subsidies_disbursementbatch_bank_result", args=[batch.pk])
    client.force_login(city_viewer)
    response = client.post(url, {"file": csv_file([line(paid)])})
    assert response.status_code == 403
    assert not Payment.objects.exclude(status="pending").exists()


def test_the_batch_page_reports_each_problem_by_line(client, batch, staff):
    paid = batch.payments.order_by("pk").first()
    client.force_login(staff["payer"])
    url = reverse("admin:subsidies_disbursementbatch_bank_result", args=[batch.pk])
    today = timezone.localdate().isoformat()
    upload = csv_file([line(paid), ["BT0000000000", "", "1.00", "成功", "", today]])
    page = client.post(url, {"file": upload}, follow=True)
    shown = [str(m) for m in page.context["messages"]]
    assert any("BT0000000000" in m and "3" in m for m in shown)
    assert not Payment.objects.exclude(status="pending").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_one_file_at_once_settle_each_payment_once():
    foshan = factories.make_org_tree()
    staff = {
        "street": factories.make_staff(
            "caseworker", org_unit=foshan["chancheng_street"]
        ),
        "district": factories.make_staff("caseworker", org_unit=foshan["chancheng"]),
        "city": factories.make_staff("caseworker", org_unit=foshan["city"]),
        "payer": factories.make_staff("caseworker", org_unit=foshan["city"]),
    }
    batch, _held = payments.create_batch(
        approved_job_search(foshan, staff, 2), by=staff["payer"]
    )
    rows = [line(p) for p in batch.payments.order_by("pk")]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            result = bank_files.read_result_file(csv_file(rows))
            barrier.wait()
            payments.settle_from_bank_file(batch, result, by=staff["payer"])
            outcomes.append("ok")
        except services.SubsidyError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Payment.objects.filter(status="paid").count() == 2
    assert AuditEntry.objects.filter(action="subsidies.payment.settled").count() == 2
