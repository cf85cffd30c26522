"""Fast number formatting for the dashboards' large tables (same output as survey_app.core.formatting).

Babel's format_decimal costs about 0.2 ms a call; a national table has thousands of cells.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from survey_app.core.formatting import vn_date


def number(value: float | int | None, decimals: int = 0) -> str:
    """6.100 and 21,7 in Vietnamese; 6,100 and 21.7 in English."""
    if value is None:
        return "–"
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)  # as Babel
    text = f"{exact:,.{decimals}f}"
    if str(get_locale() or "vi") == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(value: float | None, decimals: int = 1) -> str:
    """A value already in percent (21.7) as 21,7% in Vietnamese."""
    if value is None:
        return "–"
    return number(value, decimals) + "%"


def cell(value, kind: str) -> Markup:
    """One table cell as the dashboards show it: pct, pp (points), num, int, date or text.

    A Python function rather than a template macro: a national table has thousands of cells.
    """
    if value is None and kind in ("pct", "num"):
        return Markup('<span class="suppressed">%s</span>') % gettext("not enough sample")
    if kind == "pct":
        text = percent(value)
    elif kind == "pp":
        text = "–" if value is None else ("+" if value > 0 else "") + number(value, 1)
    elif kind == "num":
        text = number(value, 2)
    elif kind == "int":
        text = number(value)
    elif kind == "date":
        text = vn_date(value)
    else:
        return escape(value)
    return escape(text)
