"""The one clock: today and local dates follow APP_TIMEZONE; tests move time with time-machine."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from survey_app.core import clock
from survey_app.models.base import utcnow


@time_machine.travel(datetime(2026, 6, 30, 18, 30, tzinfo=UTC), tick=False)
def test_today_is_the_local_day_of_the_configured_zone(app):
    assert clock.today() == date(2026, 7, 1)  # 01:30 on 1 July in Hà Nội
    app.config["APP_TIMEZONE"] = "Europe/Paris"
    try:
        assert clock.today() == date(2026, 6, 30)
        assert clock.local_now().hour == 20
    finally:
        app.config["APP_TIMEZONE"] = "Asia/Ho_Chi_Minh"


def test_a_local_day_starts_at_midnight_local_time(app):
    start, end = clock.day_bounds(date(2026, 3, 1), date(2026, 3, 31))
    assert start == datetime(2026, 2, 28, 17, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 17, tzinfo=UTC)
    assert clock.local_date(datetime(2026, 3, 31, 16, 59, tzinfo=UTC)) == date(2026, 3, 31)
    assert clock.local_date(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)) == date(2026, 4, 1)


def test_recorded_at_replays_an_instant_for_the_block_only(app):
    moment = datetime(2018, 6, 1, 8, 0, tzinfo=UTC)
    with clock.recorded_at(moment):
        assert clock.now() == moment
        assert utcnow() == moment  # column defaults record the replayed instant too
        assert clock.today() == date(2018, 6, 1)
    assert clock.now().year >= 2026
