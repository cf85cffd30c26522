"""A unit closed by a reorganisation stops collecting kiosk ratings, without losing an offline backlog."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk.devices import register_device
from survey_app.models.kiosk import DeviceStatus, KioskDevice, KioskRating
from survey_app.org.services import get_unit_by_code
from tests.factories import close_by_reorganisation, kiosk_rating, make_kiosk_device
from tests.kiosk.conftest import RATINGS, post_ratings

PAIR = "/api/v1/kiosk/pair"
# 30/6/2025 23:30 in Hà Nội (16:30 UTC): the last evening of Phường Bưởi, queued on an offline tablet.
LAST_EVENING = datetime(2025, 6, 30, 16, 30, tzinfo=UTC)
# 30/6/2025 17:10 UTC is already 1/7 00:10 in Hà Nội: the merger's first day.
FIRST_NIGHT = datetime(2025, 6, 30, 17, 10, tzinfo=UTC)


def stored_ids() -> set[str]:
    return set(db.session.scalars(select(KioskRating.uuid)))


def test_a_late_backlog_is_stored_and_ratings_after_the_closing_are_rejected(client, shop):
    close_by_reorganisation()  # Bưởi and its one-stop centre, where the kiosk stands, close on 1/7/2025
    before = kiosk_rating("satisfied", at=LAST_EVENING)
    the_day_before = kiosk_rating("dissatisfied", at=datetime(2025, 6, 30, 3, tzinfo=UTC))
    after = kiosk_rating("very_satisfied", at=FIRST_NIGHT)
    today = kiosk_rating("very_satisfied")
    response = post_ratings(client, shop, [before, after, the_day_before, today])
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected", "created", "rejected"]
    for rejected in (results[1], results[3]):
        assert rejected["reason"] == "unit_closed"
        assert "01/07/2025" in rejected["errors"]["unit"]
        assert "Đơn vị đã đóng" in rejected["errors"]["unit"]  # Vietnamese, the default language
    assert "reason" not in results[0] and "errors" not in results[0]
    assert stored_ids() == {before["id"], the_day_before["id"]}
    # the kiosk sending the rejected ones again changes nothing
    again = post_ratings(client, shop, [after])
    assert again.get_json()["results"][0]["reason"] == "unit_closed"
    assert db.session.scalar(select(func.count()).select_from(KioskRating)) == 2


def test_a_batch_of_only_closed_days_stores_nothing_and_says_why(client, shop):
    close_by_reorganisation()
    items = [kiosk_rating(at=FIRST_NIGHT), kiosk_rating(at=datetime(2026, 1, 5, 2, tzinfo=UTC))]
    results = post_ratings(client, shop, items).get_json()["results"]
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "unit_closed")] * 2
    assert stored_ids() == set()


def test_an_open_unit_answers_no_reason(client, shop):
    results = post_ratings(client, shop, [kiosk_rating(at=FIRST_NIGHT)]).get_json()["results"]
    assert results[0]["status"] == "created" and "reason" not in results[0]


def test_the_openapi_document_names_the_unit_closed_reason(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    reason = schemas["KioskItemResult"]["properties"]["reason"]
    assert reason["enum"] == ["unit_closed"] and "closing day" in reason["description"]


def test_a_closed_unit_gets_no_new_kiosk_from_the_cli(app, org):
    close_by_reorganisation()
    result = app.test_cli_runner().invoke(args=["kiosk", "register", "--unit", "00109-MC"])
    assert result.exit_code != 0
    assert "01/07/2025" in result.output and "00109-MC" in result.output
    assert db.session.scalar(select(func.count()).select_from(KioskDevice)) == 0


def test_a_kiosk_registered_before_the_closing_cannot_pair_after_it(client, org):
    device, code = register_device(org.centre, counter=None, name="Kiosk sảnh")
    db.session.commit()
    close_by_reorganisation()
    response = client.post(PAIR, json={"code": code})
    assert response.status_code == 422
    body = response.get_json()
    assert "01/07/2025" in body["message"] and "token" not in body
    db.session.refresh(device)
    assert device.status == DeviceStatus.pending and device.token_hash is None


def test_the_successor_collects_from_its_first_day(client, org):
    close_by_reorganisation()
    tay_ho = get_unit_by_code("00103")
    _device, token = make_kiosk_device(tay_ho)
    db.session.commit()
    item = kiosk_rating(at=FIRST_NIGHT)
    response = client.post(RATINGS, json={"ratings": [item]}, headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["results"][0]["status"] == "created"
    assert stored_ids() == {item["id"]}
