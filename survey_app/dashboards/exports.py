"""CSV and XLSX downloads of a chart's data table."""

from __future__ import annotations

import csv
import io
import logging

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from survey_app.dashboards.charts import Chart

logger = logging.getLogger(__name__)


def _plain(value, kind: str):
    """A cell as stored in a download: numbers stay numbers, withheld figures say so."""
    if value is None and kind in ("pct", "num", "pp"):
        return _("not enough sample")
    if isinstance(value, float):
        return round(value, 2)
    return _cell_safe(value)


def table_rows(chart: Chart) -> list[list]:
    """Header plus rows, ready for a file."""
    header = [c.label + (" (%)" if c.kind == "pct" else "") for c in chart.columns]
    rows = [[_plain(v, c.kind) for v, c in zip(row, chart.columns, strict=True)] for row in chart.rows]
    return [header, *rows]


def to_csv(chart: Chart) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Vietnamese letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table_rows(chart):
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(chart: Chart) -> bytes:
    """A one-sheet workbook with a bold header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = chart.id[:31]
    for index, row in enumerate(table_rows(chart)):
        sheet.append(row)
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_safe(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def download(chart: Chart, fmt: str, filename: str) -> Response:
    """The file as an attachment."""
    if fmt == "csv":
        body, mime = to_csv(chart), "text/csv; charset=utf-8"
    else:
        body, mime = to_xlsx(chart), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    logger.info("dashboard download %s: %d rows, %d bytes", filename, len(chart.rows), len(body))
    return Response(
        body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
