"""Roll-ups: hand-worked counts after ingest, and the rebuild that reports and repairs drift."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models.kiosk import KioskHeat, KioskReasonMonth, KioskRollup, KioskUnitDay, KioskUnitMonth
from tests.factories import kiosk_press_times, kiosk_rating
from tests.kiosk.conftest import post_ratings


def unit_day() -> dict:
    return {(r.day, r.unit_id, r.level): r.n for r in db.session.scalars(select(KioskUnitDay))}


@time_machine.travel(datetime(2026, 3, 5, 3, 0, tzinfo=UTC), tick=False)
def test_rollups_hold_hand_worked_counts(client, shop):
    centre = shop.org.centre.id
    # Monday 2 March 2026, 08:30 and 08:45 in Hà Nội (UTC+7);
    # Tuesday 3 March, 00:10 local (17:10 UTC on the 2nd)
    items = [
        kiosk_rating(
            "very_satisfied",
            at=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
            staff_id=shop.staff.id,
            procedure_field="ho-tich",
        ),
        kiosk_rating(
            "very_satisfied",
            at=datetime(2026, 3, 2, 1, 45, tzinfo=UTC),
            staff_id=shop.staff.id,
            procedure_field="ho-tich",
        ),
        kiosk_rating(
            "dissatisfied", at=datetime(2026, 3, 2, 17, 10, tzinfo=UTC), reasons=["attitude", "long_wait"]
        ),
        kiosk_rating("satisfied", at=datetime(2026, 2, 27, 3, 0, tzinfo=UTC), staff_id=shop.staff2.id),
    ]
    assert [r["status"] for r in post_ratings(client, shop, items).get_json()["results"]] == ["created"] * 4
    q1, q2 = shop.counter.id, shop.counter2.id
    assert {
        (r.day, r.counter_id, r.staff_id, r.field_id, r.level): r.n
        for r in db.session.scalars(select(KioskRollup))
    } == {
        (date(2026, 3, 2), q1, shop.staff.id, shop.field.id, "very_satisfied"): 2,
        (date(2026, 3, 3), 0, 0, 0, "dissatisfied"): 1,
        (date(2026, 2, 27), q2, shop.staff2.id, 0, "satisfied"): 1,
    }
    assert unit_day() == {
        (date(2026, 3, 2), centre, "very_satisfied"): 2,
        (date(2026, 3, 3), centre, "dissatisfied"): 1,
        (date(2026, 2, 27), centre, "satisfied"): 1,
    }
    assert {(r.month, r.level): r.n for r in db.session.scalars(select(KioskUnitMonth))} == {
        (date(2026, 3, 1), "very_satisfied"): 2,
        (date(2026, 3, 1), "dissatisfied"): 1,
        (date(2026, 2, 1), "satisfied"): 1,
    }
    assert {(r.month, r.weekday, r.hour, r.level): r.n for r in db.session.scalars(select(KioskHeat))} == {
        (date(2026, 3, 1), 0, 8, "very_satisfied"): 2,
        (date(2026, 3, 1), 1, 0, "dissatisfied"): 1,
        (date(2026, 2, 1), 4, 10, "satisfied"): 1,
    }
    assert {(r.month, r.reason): r.n for r in db.session.scalars(select(KioskReasonMonth))} == {
        (date(2026, 3, 1), "attitude"): 1,
        (date(2026, 3, 1), "long_wait"): 1,
    }
    report = rebuild_rollups()
    assert not report.drifted and report.rows["kiosk_unit_day"] == 3


def test_rebuild_reports_logs_and_repairs_drift(client, shop, caplog):
    post_ratings(client, shop, [kiosk_rating(at=t) for t in kiosk_press_times(3)])
    row = db.session.scalar(select(KioskUnitDay))
    row.n += 5
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="survey_app.kiosk"):
        report = rebuild_rollups()
    assert report.drift["kiosk_unit_day"] == 1 and report.drift["kiosk_rollup"] == 0
    assert (
        "kiosk roll-up kiosk_unit_day was out of step in 1 keys; rebuilt from the ratings" in caplog.messages
    )
    db.session.commit()
    assert sum(unit_day().values()) == 3
    assert not rebuild_rollups().drifted
