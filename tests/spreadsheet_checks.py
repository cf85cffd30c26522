"""Checks that a downloaded CSV or XLSX is safe to open: no cell a spreadsheet would run as a formula.

For the tests of every export route: `assert_csv_safe(response.data)`, `assert_xlsx_safe(response.data)`.
"""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _runs(text: str) -> bool:
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def csv_rows(data: bytes) -> list[list[str]]:
    """The rows of a UTF-8 CSV download (with or without a byte-order mark)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def assert_csv_safe(data: bytes) -> list[list[str]]:
    """No text cell starts like a formula (numbers such as -5 are numbers: they may)."""
    rows = csv_rows(data)
    for row in rows:
        for cell in row:
            if _runs(cell):
                try:
                    float(cell)
                except ValueError:
                    raise AssertionError(f"CSV cell would run as a formula: {cell!r}") from None
    return rows


def assert_xlsx_safe(data: bytes) -> list[list]:
    """No cell of any sheet is a formula, nor text that Excel would take for one when edited."""
    workbook = load_workbook(io.BytesIO(data))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not _runs(cell.value), f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
            values.append([cell.value for cell in row])
    return values
