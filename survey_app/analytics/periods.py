"""Calendar arithmetic of the reporting periods: months, previous periods, whole months and edge days."""

from __future__ import annotations

from datetime import date, timedelta


def month_start(day: date) -> date:
    """The first day of a date's month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the following month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_back(month: date, count: int) -> date:
    """The first day of the month `count` months before the month of `month`."""
    first = month_start(month)
    for _i in range(count):
        first = month_start(first - timedelta(days=1))
    return first


def split_period(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole months inside [start, end] (read from the month roll-up) and the edge day ranges left over."""
    months: list[date] = []
    edges: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        following = next_month(cursor)
        if cursor.day == 1 and following - timedelta(days=1) <= end:
            months.append(cursor)
            cursor = following
        else:
            stop = min(end, following - timedelta(days=1))
            edges.append((cursor, stop))
            cursor = stop + timedelta(days=1)
    return months, edges


def months_touching(start: date, end: date) -> tuple[date, date]:
    """The first days of the first and last months the period touches (monthly roll-ups)."""
    return month_start(start), month_start(end)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before [start, end]."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)
