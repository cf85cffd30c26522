"""Pairing and device config, flag review with roll-ups kept in step, follow-ups, and the stats API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.auth.services import issue_token
from survey_app.extensions import db
from survey_app.kiosk import services
from survey_app.models import Staff
from survey_app.models.kiosk import (
    DeviceStatus,
    FlagState,
    FollowUpState,
    KioskFollowUp,
    KioskRating,
    KioskReasonMonth,
    KioskUnitDay,
)
from tests.kiosk.conftest import rating

RATINGS = "/api/v1/kiosk/ratings"


def unit_day_total() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(KioskUnitDay.n), 0)))


def test_pairing_code_gives_a_token_once(client, org):
    device, code = services.register_device(org.centre, counter=None, name="Kiosk quầy 1")
    db.session.commit()
    assert len(code) == 8 and device.status == DeviceStatus.pending and device.pairing_code_hash != code
    response = client.post("/api/v1/kiosk/pair", json={"code": code[:4] + " " + code[4:]})
    assert response.status_code == 200
    token = response.get_json()["token"]
    assert response.get_json()["device"]["unit"] == "Bộ phận Một cửa phường Bưởi"
    db.session.refresh(device)
    assert device.status == DeviceStatus.active and device.token_hash == services.digest(token)
    assert client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    again = client.post("/api/v1/kiosk/pair", json={"code": code})
    assert again.status_code == 422 and "Mã ghép nối không hợp lệ" in again.get_json()["message"]


@pytest.mark.parametrize("body", [{}, {"code": "12"}, {"code": "00000000"}, {"code": None}])
def test_bad_pairing_codes_are_refused(client, org, body):
    services.register_device(org.centre, counter=None, name="Kiosk")
    db.session.commit()
    response = client.post("/api/v1/kiosk/pair", json=body)
    assert response.status_code == 422 and response.get_json()["message"]


def test_an_expired_pairing_code_is_refused(client, org):
    device, code = services.register_device(org.centre, counter=None, name="Kiosk")
    device.pairing_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert client.post("/api/v1/kiosk/pair", json={"code": code}).status_code == 422


def test_config_lists_the_counter_staff_fields_reasons_and_levels(client, shop):
    services.revoke_device(shop.device)
    _device, token = services.register_device_with_token(shop.org.centre, counter=shop.counter, name="Quầy 1")
    db.session.add(Staff(unit=shop.org.centre, counter=shop.counter, full_name="Đã nghỉ", active=False))
    db.session.commit()
    body = client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["unit"] == {"code": "00109-MC", "name": "Bộ phận Một cửa phường Bưởi"}
    assert body["counter"]["code"] == "Q1"
    assert [s["full_name"] for s in body["staff"]] == ["Nguyễn Thị Lan"]  # on duty at this counter only
    assert body["staff"][0]["initials"] == "NL" and body["staff"][0]["photo_url"] is None
    assert body["fields"] == [{"code": "ho-tich", "name": {"vi": "Hộ tịch", "en": "Civil status"}}]
    assert [lv["code"] for lv in body["levels"]] == ["very_satisfied", "satisfied", "dissatisfied"]
    assert body["levels"][0]["label"] == {"vi": "Rất hài lòng", "en": "Very satisfied"}
    assert body["levels"][2]["label"]["vi"] == "Không hài lòng" and body["levels"][2]["needs_reason"]
    assert [r["code"] for r in body["reasons"]][:2] == ["attitude", "long_wait"]
    assert body["reasons"][1]["label"]["vi"] == "Thời gian chờ lâu"


def test_five_level_deployments(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_LEVEL_SET", "5")
    body = client.get("/api/v1/kiosk/config", headers=shop.headers).get_json()
    assert len(body["levels"]) == 5
    result = client.post(RATINGS, json={"ratings": [rating("neutral")]}, headers=shop.headers).get_json()
    assert result["results"][0]["status"] == "created"


def test_clearing_a_flag_counts_the_rating_and_confirming_keeps_it_out(client, shop):
    now = datetime.now(UTC)
    items = [
        rating(at=now - timedelta(hours=1)),
        rating("dissatisfied", at=now - timedelta(hours=1) + timedelta(seconds=1), reasons=["attitude"]),
    ]
    client.post(RATINGS, json={"ratings": items}, headers=shop.headers)
    assert unit_day_total() == 1
    flagged = db.session.scalar(select(KioskRating).where(KioskRating.uuid == items[1]["id"]))
    admin = shop.org.users["admin"]
    services.review_flag(flagged, decision="clear", reviewer=admin)
    db.session.commit()
    assert flagged.flag_state == FlagState.cleared and unit_day_total() == 2
    assert db.session.scalar(select(func.sum(KioskReasonMonth.n))) == 1
    services.review_flag(flagged, decision="confirm", reviewer=admin)
    db.session.commit()
    assert unit_day_total() == 1
    assert db.session.scalar(select(func.count()).select_from(KioskReasonMonth)) == 0  # emptied rows go
    assert not services.rebuild_rollups().drifted
    with pytest.raises(services.KioskError):
        services.review_flag(flagged, decision="confirm", reviewer=admin)


def test_dissatisfied_with_comment_lands_in_follow_ups(client, shop):
    items = [
        rating("dissatisfied", reasons=["late_result"], comment="Trả kết quả trễ 3 ngày"),
        rating("dissatisfied", reasons=["other"], at=datetime.now(UTC) - timedelta(hours=2)),
        rating("satisfied", comment="Cảm ơn", at=datetime.now(UTC) - timedelta(hours=3)),
    ]
    client.post(RATINGS, json={"ratings": items}, headers=shop.headers)
    follow_ups = services.follow_ups(shop.org.district.id)
    assert [f.rating.comment for f in follow_ups] == ["Trả kết quả trễ 3 ngày"]
    official = shop.org.users["official"]
    services.update_follow_up(follow_ups[0], action="acknowledge", note="", user=official)
    with pytest.raises(services.KioskError):
        services.update_follow_up(follow_ups[0], action="done", note="  ", user=official)
    services.update_follow_up(
        follow_ups[0], action="done", note="Đã nhắc nhở bộ phận trả kết quả", user=official
    )
    db.session.commit()
    stored = db.session.scalar(select(KioskFollowUp))
    assert stored.state == FollowUpState.done and stored.action_note == "Đã nhắc nhở bộ phận trả kết quả"
    assert services.follow_ups(shop.org.sibling.id) == []


def test_stats_api_pools_the_subtree_and_excludes_flagged(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_MAX_AGE_DAYS", 100_000)
    # 3 very satisfied, 4 satisfied, 1 dissatisfied in March at the centre, 1 flagged (too close)
    base = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    levels = ["very_satisfied"] * 3 + ["satisfied"] * 4 + ["dissatisfied"]
    items = [rating(level, at=base + timedelta(minutes=10 * i)) for i, level in enumerate(levels)]
    items.append(rating("dissatisfied", at=base + timedelta(minutes=70, seconds=2)))
    items.append(rating("satisfied", at=datetime(2026, 4, 2, 2, 0, tzinfo=UTC)))  # outside the period
    client.post(RATINGS, json={"ratings": items}, headers=shop.headers)
    # a second device in the sibling district must not count
    _d, other = services.register_device_with_token(shop.org.sibling_ward, counter=None, name="Khác")
    _t, personal = issue_token(shop.org.users["leader"], "stats")
    db.session.commit()
    client.post(
        RATINGS,
        json={"ratings": [rating("dissatisfied", at=base)]},
        headers={"Authorization": f"Bearer {other}"},
    )
    auth = {"Authorization": f"Bearer {personal}"}
    body = client.get("/api/v1/stats/kiosk?unit=003&from=2026-03-01&to=2026-03-31", headers=auth).get_json()
    assert body["n"] == 8
    assert body["counts"] == {"very_satisfied": 3, "satisfied": 4, "dissatisfied": 1}
    assert body["satisfaction_rate"] == pytest.approx(87.5)  # (3 + 4) / 8
    assert body["shares"]["dissatisfied"] == pytest.approx(12.5)
    assert body["excluded_flagged"] == 1
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    empty = client.get(
        "/api/v1/stats/kiosk?unit=00112&from=2026-03-01&to=2026-03-31", headers=auth
    ).get_json()
    assert empty["n"] == 0 and empty["satisfaction_rate"] is None
    assert client.get("/api/v1/stats/kiosk?unit=009", headers=auth).status_code == 404
    assert client.get("/api/v1/stats/kiosk?unit=003&from=2026-13-01", headers=auth).status_code == 422
    assert (
        client.get("/api/v1/stats/kiosk?unit=003&from=2026-03-02&to=2026-03-01", headers=auth).status_code
        == 422
    )
    assert client.get("/api/v1/stats/kiosk", headers=auth).status_code == 422
    assert client.get("/api/v1/stats/kiosk?unit=003").status_code == 401
