"""The one spreadsheet writer: every CSV and XLSX the platform produces goes through it.

A cell a spreadsheet program would run as a formula (text starting with =, +, -, @, a tab or a carriage
return — OWASP's "CSV injection" list, plus the full-width forms and leading spaces before them) is
neutralised the OWASP way: an apostrophe goes in front, so Excel and LibreOffice show the text and never
evaluate it, in CSV and XLSX alike (the same cell reads the same in both, and an XLSX saved again as CSV
stays safe). Numbers stay numbers, dates stay dates. Text a file cannot hold (lone surrogates, NUL and
the control characters XLSX forbids) is replaced by U+FFFD rather than failing the whole export.

Imports call `check_imported_id` on every identifier they read, so an id that looks like a formula is
refused instead of being stored and exported again.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any
from urllib.parse import quote

from flask import Response, send_file, stream_with_context
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from survey_app.core import clock

# First characters that make a spreadsheet program read a cell as a formula (or a DDE call).
FORMULA_TRIGGERS = frozenset("=+-@\t\r" + "\uff1d\uff0b\uff0d\uff20")  # with ＝ ＋ － ＠
NEUTRALISER = "'"
XLSX_MAX_CELL_CHARS = 32_767  # Excel's limit; longer text makes it "repair" the file
CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_CHUNK = 500  # CSV rows written per streamed chunk

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What XML 1.0 (so XLSX) cannot hold: C0 controls but tab, line feed and carriage return.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class SpreadsheetValueError(ValueError):
    """An imported value refused because a spreadsheet would run it; the message is user-facing."""


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program could take this text for a formula."""
    stripped = text.lstrip(" ")
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def csv_rows_until_unreadable(reader) -> Iterator[list[str] | None]:
    """The rows of a CSV reader, then None (and stop) at a line the csv module cannot read."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None
            return
        yield row


def check_imported_id(value: str, *, column: str | None = None) -> str:
    """An identifier read from an imported file, stripped; refused when it looks like a formula.

    A code such as "00109-MC" passes (a dash inside is fine); "=1+1", "+84…", "-x" or "@SUM(A1)" do not.
    """
    text = value.strip()
    if looks_like_formula(text) or looks_like_formula(value):
        if column:
            raise SpreadsheetValueError(
                _(
                    "%(column)s: “%(value)s” looks like a spreadsheet formula; "
                    "identifiers cannot start with = + - @.",
                    column=column,
                    value=text[:40],
                )
            )
        raise SpreadsheetValueError(
            _(
                "“%(value)s” looks like a spreadsheet formula; identifiers cannot start with = + - @.",
                value=text[:40],
            )
        )
    return text


def imported_id_problem(value: str, *, column: str | None = None) -> str | None:
    """Why an imported identifier is refused, as a clause for a line error (no final full stop), or None."""
    try:
        check_imported_id(value, column=column)
    except SpreadsheetValueError as exc:
        return str(exc).rstrip(".")
    return None


def _clean_text(text: str) -> str:
    """Text every format can hold: lone surrogates and NUL become U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text).replace("\x00", "\ufffd")


def safe_text(text: str) -> str:
    """A text cell as written: cleaned, and neutralised when a spreadsheet would run it."""
    text = _clean_text(text)
    return NEUTRALISER + text if looks_like_formula(text) else text


# A text starting with one of these may need the apostrophe (a space may hide a trigger behind it).
_RISKY_FIRST = FORMULA_TRIGGERS | {" "}


def _csv_cell(value: Any) -> Any:
    """A cell for the csv module: numbers as they are, dates in ISO form, everything else safe text."""
    kind = value.__class__
    if kind is int:
        return value
    if kind is str:
        # The common case first and cheap (a 100,000-response export has millions of cells): plain
        # ASCII that cannot run and holds no NUL is written as it is.
        if not value or (value[0] not in _RISKY_FIRST and value.isascii() and "\x00" not in value):
            return value
        return safe_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        value = value.value
    return safe_text(str(value))


def _xlsx_cell(value: Any) -> Any:
    """A cell for openpyxl: numbers and dates native (datetimes as local wall time), text safe."""
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Excel has no time zones: show the local wall-clock time.
            return value.astimezone(clock.local_zone()).replace(tzinfo=None)
        return value
    if isinstance(value, Enum):
        value = value.value
    text = _XLSX_ILLEGAL.sub("\ufffd", safe_text(str(value)))
    return text[:XLSX_MAX_CELL_CHARS]


# --- CSV -------------------------------------------------------------------------------------------


def csv_chunks(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterator[bytes]:
    """UTF-8 CSV in chunks of ROWS_PER_CHUNK rows; the byte-order mark lets Excel read Vietnamese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write("\ufeff")
    write = writer.writerow
    for index, row in enumerate(rows, start=1):
        write([value if value.__class__ is int else _csv_cell(value) for value in row])
        if index % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_bytes(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """A whole CSV file."""
    return b"".join(csv_chunks(rows, bom=bom))


def write_csv(rows: Iterable[Sequence[Any]], handle: IO[str]) -> None:
    """CSV to a text handle (the command line's stdout or a file), the same cells as a download."""
    writer = csv.writer(handle, lineterminator="\n")
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A streamed CSV download (the rows may be a generator reading the database as it goes)."""
    response = Response(stream_with_context(csv_chunks(rows)), mimetype=CSV_MIME)
    response.headers.set("Content-Disposition", "attachment", **attachment_names(filename))
    return response


def attachment_names(filename: str) -> dict[str, str]:
    """Content-Disposition parameters for a file name, Vietnamese letters included (RFC 6266)."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": "UTF-8''" + quote(filename, safe="!#$&+^`|~")}
    return {"filename": filename}


# --- XLSX ------------------------------------------------------------------------------------------


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return _SHEET_TITLE_FORBIDDEN.sub("-", title).strip("'")[:31] or "Sheet"


def xlsx_file(
    sheets: Mapping[str, Iterable[Sequence[Any]]] | Iterable[Sequence[Any]], *, bold_header: bool = True
) -> IO[bytes]:
    """An XLSX workbook in a temporary file (rows stream to disk, not memory), rewound for reading.

    `sheets` maps sheet names to rows, or is the rows of one sheet. The first row of each sheet is its
    header, in bold unless told otherwise.
    """
    named = sheets.items() if isinstance(sheets, Mapping) else [("Sheet", sheets)]
    workbook = Workbook(write_only=True)
    for title, rows in named:
        sheet = workbook.create_sheet(_sheet_title(title))
        for index, row in enumerate(rows):
            values = [_xlsx_cell(value) for value in row]
            if index == 0 and bold_header:
                header = []
                for value in values:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.font = Font(bold=True)
                    header.append(cell)
                sheet.append(header)
            else:
                sheet.append(values)
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 - the caller (or send_file) closes it
    workbook.save(spooled)
    spooled.seek(0)
    return spooled


def xlsx_bytes(
    sheets: Mapping[str, Iterable[Sequence[Any]]] | Iterable[Sequence[Any]], *, bold_header: bool = True
) -> bytes:
    """A whole XLSX file."""
    with xlsx_file(sheets, bold_header=bold_header) as handle:
        return handle.read()


def xlsx_response(
    sheets: Mapping[str, Iterable[Sequence[Any]]] | Iterable[Sequence[Any]], filename: str
) -> Response:
    """An XLSX download, sent from a temporary file."""
    return send_file(xlsx_file(sheets), mimetype=XLSX_MIME, as_attachment=True, download_name=filename)


def download(rows: Iterable[Sequence[Any]], fmt: str, filename: str) -> Response:
    """`rows` as a CSV or XLSX download, by format name ("csv" or "xlsx")."""
    if fmt == "csv":
        return csv_response(rows, filename)
    if fmt == "xlsx":
        return xlsx_response(rows, filename)
    raise ValueError(f"unknown spreadsheet format {fmt!r}")
