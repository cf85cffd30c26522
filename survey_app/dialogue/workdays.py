"""Working-day calendar: Saturdays, Sundays and the public holidays of a data file are days off."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays as holiday_calendars

from survey_app.core.spreadsheets import write_csv

DEFAULT_HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays_vn.csv"


@lru_cache(maxsize=8)
def load_holidays(path: str | Path = DEFAULT_HOLIDAYS_FILE) -> frozenset[date]:
    """The public holidays listed in a CSV file with a `date` column (yyyy-mm-dd)."""
    with Path(path).open(encoding="utf-8") as handle:
        return frozenset(date.fromisoformat(row["date"].strip()) for row in csv.DictReader(handle))


def official_holidays(first_year: int, last_year: int) -> list[tuple[date, str]]:
    """Vietnam's public holidays (with the Government's swapped days) from the `holidays` package."""
    calendar = holiday_calendars.country_holidays("VN", years=range(first_year, last_year + 1), language="vi")
    return sorted(calendar.items())


def write_holidays_csv(rows: list[tuple[date, str]], handle) -> None:
    """Write holidays in the `date,name` layout that `load_holidays` reads.

    Through the spreadsheet writer: an administrator opens this file in a spreadsheet to edit it.
    """
    write_csv([("date", "name"), *rows], handle)


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: frozenset[date]) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, holidays: frozenset[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count
