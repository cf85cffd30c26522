"""HTML pages of the kiosk feature: the screen, device admin, flag review, live feed, follow-ups."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk.review import flagged_ratings
from survey_app.models.kiosk import (
    DeviceStatus,
    FlagState,
    FollowUpState,
    KioskDevice,
    KioskFollowUp,
    KioskUnitDay,
)
from tests.conftest import login, post_form
from tests.factories import kiosk_rating
from tests.kiosk.conftest import post_ratings


def unit_day_total() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(KioskUnitDay.n), 0)))


def test_kiosk_screen_is_public_and_carries_both_languages(client):
    response = client.get("/kiosk")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    texts = json.loads(re.search(r'id="kiosk-texts">(.*?)</script>', html, re.S).group(1))
    assert texts["question"]["vi"] == "Ông/Bà có hài lòng với sự phục vụ hôm nay không?"
    assert texts["question"]["en"] == "How satisfied are you with the service you received today?"
    assert "<script>" not in html.replace('<script type="application/json"', "")  # no inline code (CSP)
    worker = client.get("/kiosk/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/kiosk"


def test_unit_admin_registers_a_kiosk_and_the_tablet_pairs_with_the_code(client, shop):
    login(client, "unit_admin1")
    page = client.get("/kiosk/devices").get_data(as_text=True)
    assert "Kiosk sảnh" in page  # the fixture's device, in the admin's district
    place = f"c{shop.counter2.id}"
    assert f'value="{place}"' in page
    response = post_form(client, "/kiosk/devices", {"place": place, "name": "Kiosk quầy 2"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = re.search(r'id="pairing-code">(\d{4}) (\d{4})<', html)
    assert shown, "the pairing code is shown once"
    device = db.session.scalar(select(KioskDevice).where(KioskDevice.name == "Kiosk quầy 2"))
    assert device.status == DeviceStatus.pending and device.counter_id == shop.counter2.id

    paired = client.post("/api/v1/kiosk/pair", json={"code": shown.group(1) + shown.group(2)})
    token = paired.get_json()["token"]
    config = client.get(
        "/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}", "X-Kiosk-Queue": "3"}
    )
    assert [s["full_name"] for s in config.get_json()["staff"]] == ["Trần Văn Bình"]  # counter 2's staff
    listing = client.get("/kiosk/devices").get_data(as_text=True)
    assert "đã ghép nối" in listing and ">3</td>" in listing  # paired, 3 ratings waiting on the tablet

    revoked = post_form(client, f"/kiosk/devices/{device.id}/revoke", {}, token_from="/kiosk/devices")
    assert revoked.status_code == 302
    assert client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    renewed = post_form(client, f"/kiosk/devices/{device.id}/pairing-code", {}, token_from="/kiosk/devices")
    code = "".join(re.search(r'id="pairing-code">(\d{4}) (\d{4})<', renewed.get_data(as_text=True)).groups())
    assert client.post("/api/v1/kiosk/pair", json={"code": code}).status_code == 200


def test_registering_without_a_name_re_renders_with_a_translated_error(client, shop):
    login(client, "unit_admin1")
    before = db.session.scalar(select(func.count()).select_from(KioskDevice))
    response = post_form(client, "/kiosk/devices", {"place": f"u{shop.org.centre.id}", "name": "  "})
    assert response.status_code == 200
    assert "Hãy đặt tên cho thiết bị." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(KioskDevice)) == before


def test_a_place_outside_the_list_is_refused(client, shop):
    login(client, "sibling_admin")
    response = post_form(client, "/kiosk/devices", {"place": f"u{shop.org.centre.id}", "name": "Lạc chỗ"})
    assert response.status_code == 200  # not a choice of this admin: the form says so, nothing is created
    assert db.session.scalar(select(KioskDevice).where(KioskDevice.name == "Lạc chỗ")) is None


def test_admin_clears_a_flag_on_the_page_and_the_figures_follow(client, shop):
    at = datetime.now(UTC) - timedelta(hours=1)
    items = [kiosk_rating(at=at), kiosk_rating("satisfied", at=at + timedelta(seconds=2))]
    post_ratings(client, shop, items)
    assert unit_day_total() == 1
    login(client, "unit_admin1")
    page = client.get("/kiosk/flags").get_data(as_text=True)
    assert "Quá sát lần bấm trước" in page
    flagged = flagged_ratings(None)[0]
    response = post_form(
        client, f"/kiosk/ratings/{flagged.id}/flag", {"decision": "clear"}, token_from="/kiosk/flags"
    )
    assert response.status_code == 302
    db.session.refresh(flagged)
    assert flagged.flag_state == FlagState.cleared and unit_day_total() == 2
    assert "Gỡ cờ" not in client.get("/kiosk/flags").get_data(as_text=True).split("<tbody>")[1]
    cleared = client.get("/kiosk/flags?state=cleared").get_data(as_text=True)
    assert "Xác nhận: không tính" in cleared


def test_official_sees_the_feed_escaped_and_works_the_follow_up_list(client, shop):
    hostile = "<script>alert(1)</script> chờ 2 tiếng"
    items = [
        kiosk_rating(
            "dissatisfied", reasons=["long_wait", "attitude"], comment=hostile, staff_id=shop.staff.id
        ),
        kiosk_rating("very_satisfied", at=datetime.now(UTC) - timedelta(hours=2)),
    ]
    post_ratings(client, shop, items)
    login(client, "official1")
    feed = client.get("/kiosk/feed").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; chờ 2 tiếng" in feed and hostile not in feed
    assert "Thời gian chờ lâu; Thái độ phục vụ chưa tốt" in feed and "Nguyễn Thị Lan" in feed
    data = client.get("/kiosk/feed.json").get_json()["ratings"]
    assert [r["level"] for r in data] == ["dissatisfied", "very_satisfied"]  # newest press first
    assert data[0]["level_label"] == "Không hài lòng" and data[0]["comment"] == hostile

    page = client.get("/kiosk/follow-ups").get_data(as_text=True)
    assert "Mới (1)" in page
    item = db.session.scalar(select(KioskFollowUp))
    url = f"/kiosk/follow-ups/{item.id}"
    empty = post_form(client, url, {"action": "done", "note": ""}, token_from="/kiosk/follow-ups")
    assert empty.status_code == 302
    assert "Hãy mô tả biện pháp đã thực hiện." in client.get("/kiosk/follow-ups").get_data(as_text=True)
    post_form(client, url, {"action": "acknowledge"}, token_from="/kiosk/follow-ups")
    db.session.refresh(item)
    assert item.state == FollowUpState.acknowledged
    note = "Đã gọi điện xin lỗi công dân, nhắc nhở cán bộ"
    post_form(client, url, {"action": "done", "note": note}, token_from="/kiosk/follow-ups")
    db.session.refresh(item)
    assert item.state == FollowUpState.done and item.action_note == note
    done = client.get("/kiosk/follow-ups?state=done").get_data(as_text=True)
    assert note in done and "Đã xử lý xong lúc" in done
