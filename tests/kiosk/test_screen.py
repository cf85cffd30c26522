"""What a paired kiosk shows: GET /api/v1/kiosk/config (its place, staff on duty, fields, reasons, levels)."""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.kiosk.devices import revoke_device
from survey_app.models import Staff
from tests.factories import kiosk_rating, make_kiosk_device
from tests.kiosk.conftest import post_ratings

CONFIG = "/api/v1/kiosk/config"


def test_config_lists_the_counter_staff_fields_reasons_and_levels(client, shop):
    revoke_device(shop.device)
    _device, token = make_kiosk_device(shop.org.centre, counter=shop.counter, name="Quầy 1")
    db.session.add(Staff(unit=shop.org.centre, counter=shop.counter, full_name="Đã nghỉ", active=False))
    db.session.commit()
    body = client.get(CONFIG, headers={"Authorization": f"Bearer {token}"}).get_json()
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
    assert body["limits"] == {"batch": 500, "comment": 1000, "dossier_code": 50}
    assert (body["idle_seconds"], body["thanks_seconds"]) == (60, 5)


def test_an_unbound_device_lists_every_counter_of_its_unit(client, shop):
    body = client.get(CONFIG, headers=shop.headers).get_json()
    assert body["counter"] is None
    assert [c["code"] for c in body["counters"]] == ["Q1", "Q2"]
    assert {s["full_name"] for s in body["staff"]} == {"Nguyễn Thị Lan", "Trần Văn Bình"}


def test_five_level_deployments(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_LEVEL_SET", "5")
    body = client.get(CONFIG, headers=shop.headers).get_json()
    assert len(body["levels"]) == 5
    result = post_ratings(client, shop, [kiosk_rating("neutral")]).get_json()
    assert result["results"][0]["status"] == "created"
