"""CSV and XLSX downloads of a chart's data table, written by the one spreadsheet writer."""

from __future__ import annotations

import logging

from flask import Response
from flask_babel import gettext as _

from survey_app.core import spreadsheets
from survey_app.dashboards.charts import Chart
from survey_app.dashboards.formatting import NOTHING

logger = logging.getLogger(__name__)


def _plain(value, kind: str):
    """A cell as stored in a download: numbers stay numbers; withheld, not assessed and empty figures say
    which they are, as on the screen (see formatting.cell for the kinds)."""
    if value is None:
        if kind in ("pct", "num", "pp"):
            return _("not enough sample")
        if kind == "score":
            return _("Not assessed")
        if kind in ("share", "given", "diff"):
            return NOTHING
    if isinstance(value, float):
        return round(value, 2)
    return value  # text is neutralised by the writer


def table_rows(chart: Chart) -> list[list]:
    """Header plus rows, ready for a file."""
    header = [c.label + (" (%)" if c.kind in ("pct", "share") else "") for c in chart.columns]
    rows = [[_plain(v, c.kind) for v, c in zip(row, chart.columns, strict=True)] for row in chart.rows]
    return [header, *rows]


def download(chart: Chart, fmt: str, filename: str) -> Response:
    """The file as an attachment (CSV with a byte-order mark, or a one-sheet workbook with a bold header)."""
    logger.info("dashboard download %s: %d rows", filename, len(chart.rows))
    if fmt == "csv":
        return spreadsheets.csv_response(table_rows(chart), filename)
    return spreadsheets.xlsx_response({chart.id: table_rows(chart)}, filename)
