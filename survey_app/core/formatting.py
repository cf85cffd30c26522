"""Vietnamese (and English) formatting of numbers, percentages and dates for templates."""

from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_decimal
from flask import Flask
from flask_babel import format_datetime, get_locale


def _locale() -> str:
    """The current UI locale as a string."""
    return str(get_locale() or "vi")


def number(value: float | int | None, decimals: int = 0) -> str:
    """6.100 in Vietnamese, 6,100 in English."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale())


def percent(value: float | None, decimals: int = 1) -> str:
    """A value already in percent (21.7) as 21,7% in Vietnamese."""
    if value is None:
        return "–"
    return number(value, decimals) + "%"


def vn_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy, the Vietnamese way, whatever the UI language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = format_datetime(value, "yyyy-MM-dd")  # shift into the app's time zone first
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:mm in the app's time zone."""
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def register_filters(app: Flask) -> None:
    """Make the formatters available in every template."""
    app.jinja_env.filters.update(number=number, percent=percent, vn_date=vn_date, vn_datetime=vn_datetime)
    app.jinja_env.globals.update(current_locale=_locale)
