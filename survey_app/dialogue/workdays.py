"""Working-day calendar: Saturdays, Sundays and the public holidays of a data file are days off, except the
make-up working days the Government announces (a Saturday worked to bridge a holiday), listed in the same
file with `kind` = `working_day`.

The file (DIALOGUE_HOLIDAYS_FILE) has the columns `date,name[,kind]`: `kind` is `day_off` (or blank, or the
column absent as in older files) for a holiday, `working_day` for a make-up working day.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import holidays as holiday_calendars

from survey_app.core.spreadsheets import write_csv

DEFAULT_HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays_vn.csv"
DAY_OFF, WORKING_DAY = "day_off", "working_day"
# The `holidays` package names a swapped day off "Ngày nghỉ (thay cho ngày 05/01/2019)": the date in
# brackets is the Saturday worked in its place.
_SWAPPED_FOR = re.compile(r"thay cho ngày (\d{2}/\d{2}/\d{4})")


@dataclass(frozen=True)
class WorkCalendar:
    """Days off besides weekends, and weekend days worked (make-up working days)."""

    holidays: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        """A make-up working day, or Monday to Friday and not a public holiday."""
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.holidays


Calendar = WorkCalendar | frozenset[date]  # a bare set of holidays: a calendar without make-up days


def _calendar(calendar: Calendar) -> WorkCalendar:
    return calendar if isinstance(calendar, WorkCalendar) else WorkCalendar(frozenset(calendar))


@lru_cache(maxsize=8)
def load_calendar(path: str | Path = DEFAULT_HOLIDAYS_FILE) -> WorkCalendar:
    """The holidays and make-up working days of a calendar file (ValueError naming the line when wrong)."""
    days_off: set[date] = set()
    make_up: set[date] = set()
    with Path(path).open(encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            kind = (row.get("kind") or "").strip() or DAY_OFF
            try:
                day = date.fromisoformat((row.get("date") or "").strip())
            except ValueError:
                raise ValueError(f"{path}, line {line}: the date must be yyyy-mm-dd") from None
            if kind not in (DAY_OFF, WORKING_DAY):
                raise ValueError(f"{path}, line {line}: kind must be {DAY_OFF} or {WORKING_DAY}")
            (make_up if kind == WORKING_DAY else days_off).add(day)
    return WorkCalendar(frozenset(days_off), frozenset(make_up))


def load_holidays(path: str | Path = DEFAULT_HOLIDAYS_FILE) -> frozenset[date]:
    """The public holidays (days off) listed in a calendar file."""
    return load_calendar(path).holidays


def official_holidays(first_year: int, last_year: int) -> list[tuple[date, str]]:
    """Vietnam's public holidays (with the Government's swapped days) from the `holidays` package."""
    calendar = holiday_calendars.country_holidays("VN", years=range(first_year, last_year + 1), language="vi")
    return sorted(calendar.items())


def official_calendar_rows(first_year: int, last_year: int) -> list[tuple[date, str, str]]:
    """The holidays as `day_off` rows, and for each swapped day off the Saturday worked in its place."""
    rows = [(day, name, DAY_OFF) for day, name in official_holidays(first_year, last_year)]
    for day, name, _kind in list(rows):
        match = _SWAPPED_FOR.search(name)
        if match:
            worked = datetime.strptime(match.group(1), "%d/%m/%Y").date()
            rows.append((worked, f"Làm bù (thay cho ngày {day:%d/%m/%Y})", WORKING_DAY))
    return sorted(rows)


def write_holidays_csv(rows: list[tuple], handle) -> None:
    """Write a calendar in the `date,name,kind` layout that `load_calendar` reads (`kind` defaults to
    day_off for (date, name) rows).

    Through the spreadsheet writer: an administrator opens this file in a spreadsheet to edit it.
    """
    write_csv([("date", "name", "kind"), *((*row, DAY_OFF)[:3] for row in rows)], handle)


def is_working_day(day: date, calendar: Calendar) -> bool:
    """Monday to Friday and not a public holiday, or a make-up working day."""
    return _calendar(calendar).is_working_day(day)


def add_working_days(start: date, days: int, calendar: Calendar) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    calendar = _calendar(calendar)
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, calendar: Calendar) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    calendar = _calendar(calendar)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count
