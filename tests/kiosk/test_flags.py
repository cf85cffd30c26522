"""Flags: doubtful ratings are stored but set aside (too close, future, too old, unknown civil servant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models.kiosk import FlagState, KioskRating, KioskUnitDay
from tests.factories import kiosk_press_times, kiosk_rating
from tests.kiosk.conftest import post_ratings


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KioskRating))


def counted() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(KioskUnitDay.n), 0)))


def test_presses_closer_than_the_interval_are_stored_but_flagged(client, shop):
    first, second, third = kiosk_press_times(3, gap_seconds=2)
    late = third + timedelta(seconds=60)
    items = [kiosk_rating(at=first), kiosk_rating(at=second), kiosk_rating(at=third), kiosk_rating(at=late)]
    results = post_ratings(client, shop, items).get_json()["results"]
    assert [r.get("flag") for r in results] == [None, "too_close", "too_close", None]
    assert count_rows() == 4
    assert counted() == 2
    # judged by rated_at, also against what is already stored: a press 3 s after `late` is flagged
    more = post_ratings(client, shop, [kiosk_rating(at=late + timedelta(seconds=3))]).get_json()["results"]
    assert more[0]["flag"] == "too_close"


def test_no_interval_configured_flags_no_press(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_MIN_INTERVAL_SECONDS", 0)
    items = [kiosk_rating(at=t) for t in kiosk_press_times(3, gap_seconds=1)]
    assert [r.get("flag") for r in post_ratings(client, shop, items).get_json()["results"]] == [None] * 3


@time_machine.travel(datetime(2026, 3, 20, 9, 0, tzinfo=UTC), tick=False)
def test_future_old_and_unknown_staff_are_flagged_and_not_counted(client, shop):
    now = datetime.now(UTC)
    items = [
        kiosk_rating(at=now + timedelta(hours=2)),
        kiosk_rating(at=now - timedelta(days=45)),
        kiosk_rating(at=now - timedelta(hours=3), staff_id=shop.other_staff.id),
        kiosk_rating(at=now - timedelta(hours=4), staff_id=999_999),
        kiosk_rating(at=now - timedelta(hours=5), staff_id=shop.staff2.id),
        kiosk_rating(at=now + timedelta(minutes=4)),  # a device clock a little ahead is tolerated
        kiosk_rating(at=now - timedelta(days=29)),
    ]
    results = post_ratings(client, shop, items).get_json()["results"]
    assert [r["status"] for r in results] == ["created"] * 7
    flags = [r.get("flag") for r in results]
    assert flags == ["future", "too_old", "unknown_staff", "unknown_staff", None, None, None]
    cross = db.session.scalar(select(KioskRating).where(KioskRating.uuid == items[2]["id"]))
    assert cross.staff_id is None and cross.claimed_staff_id == shop.other_staff.id
    assert cross.flag_state == FlagState.flagged
    assert counted() == 3
