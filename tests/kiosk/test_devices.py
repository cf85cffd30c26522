"""Devices: pairing codes, tokens, revocation and re-pairing, what a device reports of itself."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from survey_app.auth.services import issue_token
from survey_app.extensions import db
from survey_app.kiosk.devices import (
    digest,
    register_device,
    renew_pairing_code,
    revoke_device,
)
from survey_app.models.kiosk import DeviceStatus, KioskRating
from tests.factories import kiosk_rating
from tests.kiosk.conftest import RATINGS, post_ratings

PAIR = "/api/v1/kiosk/pair"


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KioskRating))


def test_pairing_code_gives_a_token_once(client, org):
    device, code = register_device(org.centre, counter=None, name="Kiosk quầy 1")
    db.session.commit()
    assert len(code) == 8 and device.status == DeviceStatus.pending and device.pairing_code_hash != code
    response = client.post(PAIR, json={"code": code[:4] + " " + code[4:]})
    assert response.status_code == 200
    token = response.get_json()["token"]
    assert response.get_json()["device"]["unit"] == "Bộ phận Một cửa phường Bưởi"
    db.session.refresh(device)
    assert device.status == DeviceStatus.active and device.token_hash == digest(token)
    assert client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    again = client.post(PAIR, json={"code": code})
    assert again.status_code == 422 and "Mã ghép nối không hợp lệ" in again.get_json()["message"]


def test_a_code_sent_as_a_number_pairs_too(client, org):
    device, code = register_device(org.centre, counter=None, name="Kiosk")
    while code.startswith("0"):  # a JSON number cannot carry a leading zero
        code = renew_pairing_code(device)
    db.session.commit()
    assert client.post(PAIR, json={"code": int(code)}).status_code == 200


@pytest.mark.parametrize("body", [{}, {"code": "12"}, {"code": "00000000"}, {"code": None}, {"code": True}])
def test_bad_pairing_codes_are_refused(client, org, body):
    register_device(org.centre, counter=None, name="Kiosk")
    db.session.commit()
    response = client.post(PAIR, json=body)
    assert response.status_code == 422 and response.get_json()["message"]


def test_a_missing_code_names_the_field(client, org):
    response = client.post(PAIR, json={})
    assert response.status_code == 422
    assert response.get_json()["message"] == "Hãy gửi mã ghép nối."
    assert response.get_json()["errors"] == {"json": {"code": ["Bắt buộc."]}}


def test_a_pairing_code_expires_after_a_day(client, org):
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        _device, code = register_device(org.centre, counter=None, name="Kiosk")
        db.session.commit()
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        assert client.post(PAIR, json={"code": code}).status_code == 422
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert client.post(PAIR, json={"code": code}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer kd_unknown"}, {"Authorization": "Basic abc"}],
)
def test_missing_or_unknown_token_is_401_with_json(client, shop, headers):
    response = client.post(RATINGS, json={"ratings": [kiosk_rating()]}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == 401 and response.get_json()["message"]
    assert count_rows() == 0


def test_a_revoked_device_is_refused(client, shop, caplog):
    assert post_ratings(client, shop, [kiosk_rating()]).status_code == 200
    with caplog.at_level(logging.INFO, logger="survey_app.kiosk"):
        revoke_device(shop.device)
    db.session.commit()
    assert f"kiosk device {shop.device.id} revoked" in caplog.messages
    assert post_ratings(client, shop, [kiosk_rating()]).status_code == 401
    assert client.get("/api/v1/kiosk/config", headers=shop.headers).status_code == 401
    assert count_rows() == 1


def test_a_device_paired_again_refuses_its_old_token_at_once(client, shop):
    # The first post makes this server process remember the token; the next must still be checked.
    assert post_ratings(client, shop, [kiosk_rating()]).status_code == 200
    renew_pairing_code(shop.device)
    db.session.commit()
    response = post_ratings(client, shop, [kiosk_rating(), kiosk_rating("satisfied")])
    assert response.status_code == 401 and response.get_json()["message"]
    nothing_valid = post_ratings(client, shop, [{"id": "not-a-uuid", "level": "satisfied"}])
    assert nothing_valid.status_code == 401
    assert count_rows() == 1


def test_a_personal_api_token_is_not_a_device_token(client, shop):
    _token, plain = issue_token(shop.org.users["admin"], "x")
    db.session.commit()
    response = post_ratings(client, shop, [kiosk_rating()], headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401


def test_the_device_reports_version_queue_and_last_seen(client, shop):
    headers = {**shop.headers, "X-Kiosk-Version": "kiosk-1.2", "X-Kiosk-Queue": "7"}
    post_ratings(client, shop, [kiosk_rating()], headers=headers)
    db.session.refresh(shop.device)
    assert shop.device.app_version == "kiosk-1.2"
    assert shop.device.queue_length == 7
    assert shop.device.last_seen_at > datetime.now(UTC) - timedelta(minutes=1)


def test_registration_and_pairing_are_logged_without_the_code(client, org, caplog):
    with caplog.at_level(logging.INFO, logger="survey_app.kiosk"):
        device, code = register_device(org.centre, counter=None, name="Kiosk quầy 1")
        db.session.commit()
        client.post(PAIR, json={"code": code})
        client.post(PAIR, json={"code": code})
    assert f"kiosk device {device.id} registered at 00109-MC, waiting for pairing" in caplog.messages
    assert f"kiosk device {device.id} paired" in caplog.messages
    assert "kiosk pairing refused: unknown, used or expired code" in caplog.messages
    assert not any(code in message for message in caplog.messages)
