"""Ingest: each rating stored exactly once, one typed result per item in order, rejections logged."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk.ingest import ingest
from survey_app.kiosk.items import ItemResult, ItemStatus
from survey_app.models.kiosk import Flag, FlagState, KioskRating, KioskUnitDay
from tests.factories import kiosk_press_times, kiosk_rating, store_kiosk_ratings
from tests.kiosk.conftest import post_ratings


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KioskRating))


def unit_day() -> dict:
    return {(r.day, r.unit_id, r.level): r.n for r in db.session.scalars(select(KioskUnitDay))}


def test_one_rating_is_created_once_and_replays_are_duplicates(client, shop):
    item = kiosk_rating(
        "satisfied", staff_id=shop.staff.id, procedure_field="ho-tich", dossier_code="H01.23-0042"
    )
    response = post_ratings(client, shop, [item])
    assert response.status_code == 200
    assert response.get_json() == {"results": [{"id": item["id"], "status": "created"}]}
    stored = db.session.scalar(select(KioskRating))
    assert (stored.level, stored.staff_id, stored.field_id, stored.dossier_code) == (
        "satisfied",
        shop.staff.id,
        shop.field.id,
        "H01.23-0042",
    )
    assert stored.counter_id == shop.counter.id  # the staff member's counter, the device being unbound
    assert stored.unit_id == shop.org.centre.id and stored.flag_state == FlagState.none

    again = post_ratings(client, shop, [item, {**item, "level": "dissatisfied", "reasons": ["other"]}])
    assert [r["status"] for r in again.get_json()["results"]] == ["duplicate", "duplicate"]
    assert count_rows() == 1
    assert sum(unit_day().values()) == 1


def test_ingest_returns_a_typed_result_per_item_in_order(app, shop):
    first, second = kiosk_press_times(2, gap_seconds=2)
    good = kiosk_rating(at=first)
    items = [good, {"id": "nope"}, good, kiosk_rating("satisfied", at=second)]
    results = ingest(shop.device, items)
    assert all(isinstance(result, ItemResult) for result in results)
    assert [result.status for result in results] == [
        ItemStatus.created,
        ItemStatus.rejected,
        ItemStatus.duplicate,
        ItemStatus.created,
    ]
    assert [result.id for result in results] == [good["id"], "nope", good["id"], items[3]["id"]]
    assert results[0].flag is None and results[3].flag is Flag.too_close
    assert set(results[1].errors) == {"id", "level", "rated_at"}
    assert [r.as_json() for r in results][3] == {
        "id": items[3]["id"],
        "status": "created",
        "flag": "too_close",
    }
    again = store_kiosk_ratings(shop.device, [good])
    assert again == [ItemResult(good["id"], ItemStatus.duplicate)]


def test_a_single_rating_and_a_batch_are_stored_alike(client, shop):
    """One rating takes a faster path than a batch; both must be found by the same time filters."""
    moment = datetime(2026, 11, 3, 2, 30, 15, 250000, tzinfo=UTC)
    alone = kiosk_rating("dissatisfied", at=moment, reasons=["long_wait", "attitude"])
    batch = [kiosk_rating(at=moment + timedelta(minutes=1)), kiosk_rating(at=moment + timedelta(minutes=2))]
    assert post_ratings(client, shop, [alone]).status_code == 200
    assert post_ratings(client, shop, batch).status_code == 200
    for item in [alone, *batch]:
        at = datetime.fromisoformat(item["rated_at"])
        found = db.session.scalar(select(KioskRating).where(KioskRating.rated_at == at))
        assert found is not None and found.uuid == item["id"] and found.rated_at == at
        assert found.received_at.tzinfo is not None and found.local_day == date(2026, 11, 3)
    stored = db.session.scalar(select(KioskRating).where(KioskRating.uuid == alone["id"]))
    assert stored.reasons == ["long_wait", "attitude"] and stored.local_hour == 9  # 02:30 UTC in Hà Nội
    later = select(func.count()).where(KioskRating.rated_at > moment + timedelta(seconds=30))
    assert db.session.scalar(later) == 2


def test_a_batch_repeating_an_id_stores_it_once(client, shop):
    item = kiosk_rating()
    response = post_ratings(client, shop, [item, item, kiosk_rating("satisfied")])
    assert [r["status"] for r in response.get_json()["results"]] == ["created", "duplicate", "created"]
    assert count_rows() == 2


def test_ids_are_compared_in_canonical_form(client, shop):
    item = kiosk_rating()
    post_ratings(client, shop, [item])
    upper = {**item, "id": item["id"].upper()}
    assert post_ratings(client, shop, [upper]).get_json()["results"][0]["status"] == "duplicate"
    assert count_rows() == 1
    assert uuid.UUID(db.session.scalar(select(KioskRating.uuid))) == uuid.UUID(item["id"])


def test_each_rejected_item_is_logged_with_its_device_and_fields_never_its_text(client, shop, caplog):
    secret = "Số điện thoại của tôi là 0912 345 678"
    items = [
        kiosk_rating("satisfied", comment=secret + "x" * 1000),
        kiosk_rating("delighted"),
        kiosk_rating(),
    ]
    with caplog.at_level(logging.INFO, logger="survey_app.kiosk"):
        post_ratings(client, shop, items)
    rejected = [r for r in caplog.records if "rejected" in r.getMessage()]
    assert [r.getMessage() for r in rejected] == [
        f"kiosk rating rejected from device {shop.device.id}: comment",
        f"kiosk rating rejected from device {shop.device.id}: level",
    ]
    assert rejected[0].levelno == logging.WARNING and rejected[0].name == "survey_app.kiosk.ingest"
    assert not any("0912" in message for message in caplog.messages)
