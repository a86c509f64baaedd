"""Cells for the spreadsheets and CSV files the portal writes. Every cell goes
through `safe_cell`, so that text someone typed (an employer's name, a reason) is
shown as text and never runs as a formula when a caseworker opens the file
(docs/exports.md)."""

import datetime
from decimal import Decimal

# OWASP, "CSV Injection": a cell must not begin with these.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n")
TYPED = (int, float, Decimal, datetime.date)


def safe_cell(value):
    """Numbers, amounts and dates stay typed and None stays empty; anything else
    becomes text, with a single quote in front when it could start a formula."""
    if value is None or isinstance(value, TYPED):
        return value
    text = str(value)
    # A spreadsheet may trim leading spaces on import, then see the formula.
    if text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values) -> list:
    """A row for csv.writer."""
    return [safe_cell(value) for value in values]


def xlsx_row(sheet, values) -> list:
    """A row for an openpyxl sheet's append(), text stored as text: openpyxl
    would otherwise read a string starting with "=" as a formula, and "#N/A" as
    an error."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, safe_cell(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells
