"""The one spreadsheet writer: hostile text neutralised in CSV and XLSX, numbers kept, odd text survives."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from survey_app.core import spreadsheets
from survey_app.core.spreadsheets import SpreadsheetValueError, check_imported_id, looks_like_formula
from tests.spreadsheet_checks import assert_csv_safe, assert_xlsx_safe, csv_rows

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\uff1dSUM(1)",  # full-width equals sign
    "=cmd|' /C calc'!A0",
]
HEADER = ["Mã", "Ý kiến", "Điểm", "Tỷ lệ", "Ngày"]


def rows():
    yield HEADER
    for index, text in enumerate(HOSTILE):
        yield [f"R{index}", text, -5 + index, 21.7, date(2026, 3, 2)]
    yield [
        "R-odd",
        "ho\ud800ng\x00 và \x07 chuông",
        Decimal("3.25"),
        None,
        datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
    ]
    yield ["R-ok", "Rất hài lòng - cảm ơn", 0, True, None]


def test_csv_neutralises_every_formula_and_keeps_numbers():
    data = spreadsheets.csv_bytes(rows())
    assert data.startswith("\ufeff".encode())
    parsed = assert_csv_safe(data)
    assert parsed[0] == HEADER
    comments = [row[1] for row in parsed[1 : 1 + len(HOSTILE)]]
    assert comments == ["'" + text for text in HOSTILE]  # the text itself, behind an apostrophe
    assert [row[2] for row in parsed[1:4]] == ["-5", "-4", "-3"]  # negative numbers stay numbers
    assert parsed[1][3] == "21.7" and parsed[1][4] == "2026-03-02"
    odd = parsed[-2]
    assert odd[1] == "ho\ufffdng\ufffd và \x07 chuông" and odd[2] == "3.25" and odd[3] == ""
    assert parsed[-1][1] == "Rất hài lòng - cảm ơn"  # a dash inside the text is harmless


def test_xlsx_has_no_formula_and_keeps_numbers_and_dates():
    data = spreadsheets.xlsx_bytes({"Phản hồi": rows()})
    values = assert_xlsx_safe(data)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Phản hồi"
    assert sheet["A1"].font.bold
    assert [sheet.cell(row=r, column=2).value for r in range(2, 2 + len(HOSTILE))] == [
        "'" + t for t in HOSTILE
    ]
    assert sheet["C2"].value == -5 and sheet["C2"].data_type == "n"
    assert sheet["D2"].value == 21.7
    assert sheet["E2"].value == datetime(2026, 3, 2)
    odd = values[-2]
    assert odd[1] == "ho\ufffdng\ufffd và \ufffd chuông"  # XML cannot hold the bell character
    assert odd[4] == datetime(2026, 3, 2, 8, 30)  # 01:30 UTC is 08:30 in Hà Nội


def test_streamed_csv_comes_in_chunks_of_rows():
    many = [["=1", index] for index in range(spreadsheets.ROWS_PER_CHUNK * 2 + 1)]
    chunks = list(spreadsheets.csv_chunks(many))
    assert len(chunks) == 3
    assert_csv_safe(b"".join(chunks))


def test_download_responses_name_the_file(app):
    with app.test_request_context():
        csv_answer = spreadsheets.download([["a"], ["=1"]], "csv", "phản-hồi.csv")
        assert csv_answer.mimetype == "text/csv"
        assert "filename*=UTF-8''ph%E1%BA%A3n-h%E1%BB%93i.csv" in csv_answer.headers["Content-Disposition"]
        assert_csv_safe(b"".join(csv_answer.response))
        xlsx_answer = spreadsheets.download([["a"], ["=1"]], "xlsx", "responses.xlsx")
        xlsx_answer.direct_passthrough = False
        assert_xlsx_safe(xlsx_answer.get_data())
        with pytest.raises(ValueError, match="pdf"):
            spreadsheets.download([], "pdf", "x.pdf")


def test_the_writer_is_at_least_as_strict_as_the_dashboards_guard():
    """Every value the dashboards' own guard changed is changed here too."""
    for text in ["=1", "+1", "-1", "@1", "a=1", "1-2", "", "Hà Nội"]:
        dashboards_changed = text[:1] in ("=", "+", "-", "@")
        assert (spreadsheets.safe_text(text) != text) >= dashboards_changed


@pytest.mark.parametrize("value", ["=1+1", "+84912345678", "-x", "@SUM(A1)", "\t=1", " =1", "\uff1d1"])
def test_imported_ids_that_look_like_formulas_are_refused(app, value):
    assert looks_like_formula(value)
    with app.test_request_context(), pytest.raises(SpreadsheetValueError, match="công thức"):
        check_imported_id(value, column="unit_code")


@pytest.mark.parametrize("value", ["00109-MC", "UBND-01", " 003 ", "ho-tich"])
def test_ordinary_ids_pass(app, value):
    with app.test_request_context():
        assert check_imported_id(value) == value.strip()


def test_the_fast_path_for_plain_text_writes_what_the_guard_would():
    """The CSV writer skips the full guard only for text the guard would leave as it is."""
    texts = [
        *HOSTILE,
        "abc",
        "r12",
        "2026-03-02T09:00:00+07:00",
        " x",
        "  =1",
        "a\x00b",
        "Hà Nội",
        "ho\ud800",
    ]
    written = csv_rows(spreadsheets.csv_bytes([texts]))[0]
    assert written == [spreadsheets.safe_text(text) for text in texts]
    assert written[len(HOSTILE) : len(HOSTILE) + 4] == ["abc", "r12", "2026-03-02T09:00:00+07:00", " x"]
