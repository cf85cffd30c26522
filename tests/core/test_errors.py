"""Errors answered the same way on every page: a database too busy to answer in time is 503, never 500."""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models.kiosk import KioskDevice
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_kiosk_device
from tests.locks import short_lock_wait, write_lock_held


def test_an_api_request_that_cannot_write_for_a_lock_is_json_503_with_retry_after(client, org):
    device, token = make_kiosk_device(org.centre)
    db.session.commit()
    with short_lock_wait():
        with write_lock_held("kiosk_device"):
            busy = client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"})
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
        assert busy.get_json() == {
            "code": 503,
            "status": "Service Unavailable",
            "message": "Cơ sở dữ liệu đang bận. Chưa có gì được lưu; vui lòng thử lại sau giây lát.",
        }
        assert db.session.get(KioskDevice, device.id).last_seen_at is None  # nothing stored
        again = client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 200


def test_a_page_that_cannot_write_for_a_lock_is_a_503_page_with_retry_after(client, org):
    token = csrf_token(client, "/auth/login")
    form = {"username": "admin1", "password": PASSWORD, "csrf_token": token}
    with short_lock_wait():
        with write_lock_held("user_account", "audit_entry"):
            busy = client.post("/auth/login", data=form)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
        assert busy.mimetype == "text/html"
        assert "Cơ sở dữ liệu đang bận" in busy.get_data(as_text=True)
        assert client.get("/users/").status_code != 200  # not signed in: the sign-in was not completed
        assert client.post("/auth/login", data=form).status_code == 302  # signed in on the retry
