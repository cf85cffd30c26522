"""The `flask --app wsgi kiosk …` commands: scripted provisioning and the roll-up check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk.devices import device_for_token
from survey_app.models.kiosk import KioskUnitDay
from tests.factories import kiosk_rating
from tests.kiosk.conftest import post_ratings


def unit_day_total() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(KioskUnitDay.n), 0)))


def test_cli_register_prints_a_working_token_on_its_last_line(app, shop):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["kiosk", "register", "--unit", "00109-MC", "--counter", "Q1", "--name", "Quầy 1"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert f"  http://127.0.0.1:5000/kiosk#token={token}\n" in result.output  # opens it on the tablet
    device = device_for_token(token)
    assert device.name == "Quầy 1" and device.counter_id == shop.counter.id
    missing = runner.invoke(args=["kiosk", "register", "--unit", "nope"])
    assert missing.exit_code != 0 and "no unit with code nope" in missing.output
    wrong_counter = runner.invoke(args=["kiosk", "register", "--unit", "00109-MC", "--counter", "Q9"])
    assert wrong_counter.exit_code != 0
    other = runner.invoke(
        args=["kiosk", "register", "--unit", "00109-MC", "--base-url", "https://mc.example/"]
    )
    assert f"https://mc.example/kiosk#token={other.output.strip().splitlines()[-1]}" in other.output


def test_cli_rebuild_rollup_reports_drift(app, client, shop):
    at = datetime.now(UTC) - timedelta(hours=3)
    post_ratings(client, shop, [kiosk_rating(at=at), kiosk_rating("satisfied", at=at + timedelta(minutes=5))])
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["kiosk", "rebuild-rollup"])
    assert clean.exit_code == 0 and "all roll-ups in step" in clean.output
    assert "kiosk_unit_day: 2 rows, in step" in clean.output
    db.session.execute(KioskUnitDay.__table__.update().values(n=KioskUnitDay.n + 4))
    db.session.commit()
    drifted = runner.invoke(args=["kiosk", "rebuild-rollup"])
    assert drifted.exit_code == 1
    assert "kiosk_unit_day: 2 rows, drift in 2 keys (repaired)" in drifted.output
    db.session.expire_all()
    assert unit_day_total() == 2
