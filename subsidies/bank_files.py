"""The two files exchanged with the bank (docs/subsidy-disbursement.md): the batch
file the portal writes (代发文件) and the result file the bank sends back (回盘文件),
read here line by line into what each line says, or the problem on each line."""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exports import safe_row
from subsidies.models import DisbursementBatch, PayeeAccount, Payment

CENT = Decimal("0.01")
ENCODING = "gb18030"
COLUMNS = [
    "序号",
    "付款流水号",
    "收款人户名",
    "收款账号",
    "账户类型",
    "开户行",
    "证件类型",
    "证件号码",
    "金额",
    "补贴项目",
    "申请编号",
]
# The file's words for kinds of account and identity documents: Chinese in every
# file, as the column names are.
ACCOUNT_KIND_NAMES = {
    PayeeAccount.Kind.BANK_CARD: "个人银行卡",
    PayeeAccount.Kind.SOCIAL_SECURITY_CARD: "社会保障卡",
    PayeeAccount.Kind.BASIC_ACCOUNT: "单位基本存款账户",
}
PERSON_DOCUMENT = "居民身份证"
EMPLOYER_DOCUMENT = "统一社会信用代码"

RESULT_COLUMNS = ["付款流水号", "金额", "状态", "失败原因", "交易日期"]
RESULT_STATES = {"成功": True, "失败": False}
MAX_RESULT_BYTES = 5 * 1024 * 1024
# A compressed .xlsx may unpack to much more than it weighs: refuse a bomb unread.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RESULT_LINES = 20000
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")
AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")


def batch_file(batch: DisbursementBatch) -> bytes:
    """The batch file for the bank or the social-security card system: CSV in
    GB 18030, one payment per line below the column names, no totals line. Made
    again from the ledger, it is the same file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(COLUMNS))
    payments = batch.payments.select_related(
        "person", "employer", "subsidy_type", "application", "account"
    ).order_by("pk")
    for number, payment in enumerate(payments, start=1):
        account = payment.account
        writer.writerow(
            safe_row(
                [
                    number,
                    payment.reference,
                    account.holder if account else payment.payee_name,
                    account.number if account else "",
                    ACCOUNT_KIND_NAMES[account.kind] if account else "",
                    account.bank_name if account else "",
                    EMPLOYER_DOCUMENT if payment.employer_id else PERSON_DOCUMENT,
                    payment.payee_number,
                    payment.amount.quantize(CENT),
                    payment.subsidy_type.name,
                    str(payment.application.code),
                ]
            )
        )
    return out.getvalue().encode(ENCODING)


@dataclass(frozen=True)
class ResultLine:
    """One line of the bank's result file."""

    line: int
    reference: str
    amount: Decimal
    paid: bool
    reason: str
    paid_on: datetime.date | None


@dataclass(frozen=True)
class ResultFile:
    """The lines of a result file that read well, and the problem of each line
    that did not, as (line, problem)."""

    lines: list[ResultLine]
    problems: list[tuple[int, str]]


def read_result_file(upload) -> ResultFile:
    """A result file (.csv in UTF-8 or GB 18030, or .xlsx) read line by line,
    each line checked for its shape; raises ValidationError for a file that
    cannot be read at all. Whether the lines fit the batch is the service's
    check."""
    if upload.size > MAX_RESULT_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    name = upload.name.lower()
    if name.endswith(".csv"):
        rows = _csv_rows(upload.read())
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(upload)
    else:
        raise ValidationError(_("Upload the bank's result as a .csv or .xlsx file."))
    if not rows:
        raise ValidationError(_("The file is empty."))
    header = [_text(cell).lstrip("\ufeff") for cell in rows[0][1]]
    missing = [column for column in RESULT_COLUMNS if column not in header]
    if missing:
        raise ValidationError(
            _("The first line lacks the columns %(columns)s."),
            params={"columns": "、".join(missing)},
        )
    where = {column: header.index(column) for column in RESULT_COLUMNS}
    body = [(line, cells) for line, cells in rows[1:] if any(map(_text, cells))]
    if not body:
        raise ValidationError(_("The file has no lines below the column names."))
    if len(body) > MAX_RESULT_LINES:
        raise ValidationError(
            _("At most %(count)d lines per file."), params={"count": MAX_RESULT_LINES}
        )
    lines, problems, seen = [], [], {}
    for line, cells in body:
        values = {
            column: cells[index] if index < len(cells) else None
            for column, index in where.items()
        }
        try:
            result = _result_line(line, values)
        except ValidationError as error:
            problems += [(line, message) for message in error.messages]
            continue
        if result.reference in seen:
            message = _("Line %(line)d repeats the 付款流水号 of line %(first)d.")
            problems.append(
                (line, message % {"line": line, "first": seen[result.reference]})
            )
            continue
        seen[result.reference] = line
        lines.append(result)
    return ResultFile(lines=lines, problems=problems)


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise ValidationError(
            _("Line %(line)d holds a NUL byte: this is not a text file."),
            params={"line": line},
        )
    for encoding in ("utf-8-sig", ENCODING):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The file is neither UTF-8 nor GB 18030 text."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ValidationError(
            _("Line %(line)d cannot be read as CSV."),
            params={"line": reader.line_num},
        ) from error


def _xlsx_rows(upload) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ValidationError(_("This is not a readable .xlsx file.")) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("The spreadsheet unpacks to more than 50 MB."))
    upload.seek(0)
    try:
        # Not data_only: a formula must be seen as one, not as its cached value.
        sheet = load_workbook(upload, read_only=True, data_only=False).active
        rows = []
        for row in sheet.iter_rows():
            rows.append((len(rows) + 1, [_xlsx_value(cell) for cell in row]))
            if len(rows) > MAX_RESULT_LINES + 1:
                break
        return rows
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise ValidationError(_("This is not a readable .xlsx file.")) from error


class Formula(str):
    """A spreadsheet formula cell, refused wherever it is read."""


def _xlsx_value(cell):
    if getattr(cell, "data_type", None) == "f":
        return Formula(cell.value)
    return cell.value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _result_line(line: int, values: dict) -> ResultLine:
    problems = []

    def problem(message, **params):
        problems.append(ValidationError(message, params={"line": line, **params}))

    texts, unread = {}, set()
    for column, value in values.items():
        text = _text(value)
        if "\0" in text:
            problem(_("Line %(line)d: %(column)s holds a NUL byte."), column=column)
            unread.add(column)
        elif isinstance(value, Formula) or _is_formula(text):
            problem(_("Line %(line)d: %(column)s holds a formula."), column=column)
            unread.add(column)
        elif set(text) <= {"-"}:  # banks write "-" or "--" for nothing
            text = ""
        texts[column] = text
    reference = texts["付款流水号"]
    if not reference:
        problem(_("Line %(line)d has no 付款流水号."))
    amount = _amount(values["金额"], texts["金额"])
    if amount is None and texts["金额"] and "金额" not in unread:
        problem(
            _("Line %(line)d: the amount %(value)s is not an amount in yuan."),
            value=texts["金额"],
        )
    elif amount is None and not texts["金额"]:
        problem(_("Line %(line)d has no amount."))
    paid = RESULT_STATES.get(texts["状态"])
    if paid is None and "状态" not in unread:
        problem(
            _("Line %(line)d: the status must be 成功 or 失败, not “%(value)s”."),
            value=texts["状态"],
        )
    paid_on = _date(values["交易日期"], texts["交易日期"])
    if "交易日期" in unread:
        paid_on = None
    elif paid_on is None and texts["交易日期"]:
        problem(
            _("Line %(line)d: the date %(value)s is not a date (2026-01-31)."),
            value=texts["交易日期"],
        )
    elif paid_on is None and paid:
        problem(_("Line %(line)d: a payment made needs the bank's date."))
    elif paid_on and paid_on > timezone.localdate():
        problem(
            _("Line %(line)d: the date %(value)s is in the future."),
            value=paid_on.isoformat(),
        )
    reason = texts["失败原因"]
    if paid is False and not reason and "失败原因" not in unread:
        problem(_("Line %(line)d: a failed payment needs the bank's reason."))
    if len(reason) > Payment._meta.get_field("failure_reason").max_length:
        problem(_("Line %(line)d: the reason is longer than 200 characters."))
    if problems:
        raise ValidationError(problems)
    return ResultLine(
        line=line,
        reference=reference,
        amount=amount,
        paid=paid,
        reason="" if paid else reason,
        paid_on=paid_on,
    )


def _is_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not set(text) <= {"-"}


def _amount(value, text: str) -> Decimal | None:
    """Yuan with at most two decimals; a spreadsheet's number is taken to the
    cent only when it is one (3600.58, not 3600.585)."""
    if isinstance(value, float):
        if abs(value * 100 - round(value * 100)) > 1e-6:
            return None
        text = f"{value:.2f}"
    text = text.replace(",", "")
    if not AMOUNT.match(text):
        return None
    try:
        return Decimal(text).quantize(CENT)
    except InvalidOperation:
        return None


def _date(value, text: str) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    day = text.split(" ")[0]  # a date with the time of the transfer
    if day.isdigit() and len(day) != 8:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(day, pattern).date()
        except ValueError:
            continue
    return None
