"""The platform's clock: the current instant, today and local dates in the configured time zone.

Every feature asks this module, never `datetime.now()` or `date.today()` of its own, so that the time
zone (`APP_TIMEZONE`) is read in one place and tests move time with time-machine. Demo data that
records past events runs inside `recorded_at(moment)`, which sets the instant for the current context
only (a context variable, not configuration shared by every request).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from survey_app.models.base import recorded_instant, utcnow

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    """A time zone by name, built once."""
    return ZoneInfo(name)


def zone_name() -> str:
    """The configured time zone's name (APP_TIMEZONE)."""
    if has_app_context():
        return current_app.config["APP_TIMEZONE"]
    return DEFAULT_TIMEZONE


def local_zone() -> ZoneInfo:
    """The deployment's time zone."""
    return _zone(zone_name())


def now() -> datetime:
    """The current instant, aware UTC (or the instant being recorded, see recorded_at)."""
    return utcnow()


def local_now() -> datetime:
    """The current instant in the local time zone."""
    return now().astimezone(local_zone())


def today() -> date:
    """Today's date in the local time zone."""
    return local_now().date()


def local_date(moment: datetime) -> date:
    """The local calendar day of an aware instant."""
    return moment.astimezone(local_zone()).date()


def start_of_day(day: date) -> datetime:
    """The aware UTC instant at which a local calendar day begins."""
    return datetime.combine(day, time(), local_zone()).astimezone(UTC)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants [start of `start`, start of the day after `end`) of an inclusive local date range."""
    return start_of_day(start), start_of_day(end + timedelta(days=1))


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Run a block as if it were `moment` (demo data records past events this way)."""
    if moment.tzinfo is None:
        raise ValueError("recorded_at needs an aware datetime")
    token = recorded_instant.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        recorded_instant.reset(token)
