"""HTML of the dashboards' data tables and long pickers, written in one pass: they have thousands of cells."""

from __future__ import annotations

from flask_babel import gettext
from markupsafe import Markup, escape

from survey_app.core.formatting import english_numbers, number, percent, vn_date

NOTHING = "–"  # no figure: nothing recorded, or a share of nothing (not a withheld one)


def _suppressed() -> Markup:
    """What a withheld figure shows instead of a number."""
    return Markup('<span class="suppressed">%s</span>') % gettext("not enough sample")


def _not_assessed() -> Markup:
    """What an indicator no dossier was assessed on shows: no score at all, not a withheld one."""
    return Markup('<span class="not-assessed">%s</span>') % gettext("Not assessed")


def _signed(value: float, digits: int, english: bool) -> str:
    """A difference with its sign (+1,5; −0,25 keeps number()'s minus)."""
    return ("+" if value > 0 else "") + number(value, digits, english=english)


def _cell_html(value, kind: str, english: bool, suppressed: str, not_assessed: str = "") -> str:
    """The HTML of one cell (see cell): numbers as written (they hold nothing to escape), text escaped."""
    if value is None:
        if kind in ("pct", "num"):
            return suppressed
        if kind == "score":
            return not_assessed or str(_not_assessed())
        if kind in ("pp", "share", "given", "diff"):
            return NOTHING
    if kind in ("pct", "share"):
        return percent(value, english=english)
    if kind == "pp":
        return _signed(value, 1, english)
    if kind == "diff":
        return _signed(value, 2, english)
    if kind in ("num", "score", "given"):
        return number(value, 2, english=english)
    if kind == "int":
        return number(value, english=english)
    if kind == "date":
        return vn_date(value)
    return str(escape(value))


def cell(value, kind: str) -> Markup:
    """One table cell as the dashboards show it.

    Kinds: pct (a rate; None = withheld below the minimum sample), num (a figure from ratings; None =
    withheld), share (a share of administrative counts; None = of nothing, "–"), score (a dossier score;
    None = not assessed), given (a score someone recorded; None = not recorded, "–"), diff (a signed
    difference of scores; "–" when either side is missing), pp (points of change), int, date or text.
    """
    return Markup(_cell_html(value, kind, english_numbers(), _suppressed()))  # noqa: S704 - escaped in _cell_html


def table_rows(rows: list[list], kinds: list[str], highlight: list[bool]) -> Markup:
    """The <tbody> rows of a chart's data table, written in one pass.

    In Python rather than a template loop: a national or day-by-day table has thousands of cells.
    """
    english, suppressed, not_assessed = english_numbers(), str(_suppressed()), str(_not_assessed())
    parts: list[str] = []
    for index, row in enumerate(rows):
        parts.append('<tr class="below-target">' if index < len(highlight) and highlight[index] else "<tr>")
        for position, value in enumerate(row):
            kind = kinds[position]
            text = _cell_html(value, kind, english, suppressed, not_assessed)
            if position == 0:
                parts.append(f'<th scope="row">{text}</th>')
            elif kind == "text":
                parts.append(f"<td>{text}</td>")
            else:
                parts.append(f'<td class="num">{text}</td>')
        parts.append("</tr>")
    return Markup("".join(parts))  # noqa: S704 - every value went through _cell_html above


def select_options(choices: list[tuple[str, str]], selected: str | None) -> Markup:
    """The <option>s of a long picker (hundreds of units), written in one pass."""
    parts = [
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in choices
    ]
    return Markup("".join(parts))  # noqa: S704 - every value went through escape() above
