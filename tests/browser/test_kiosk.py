"""The kiosk in Chromium: pairing, each rating path, offline queue across a reload, idle reset, language."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk import devices
from survey_app.models import Counter, ProcedureField, Staff, Unit
from survey_app.models.kiosk import KioskDevice, KioskFollowUp, KioskRating
from tests.browser.conftest import assert_accessible, assert_every_page_checked, screenshot, wait_until, watch

pytestmark = pytest.mark.browser

TABLET = {"width": 1280, "height": 800}


def portrait(colour: str) -> bytes:
    """A small drawn portrait (head and shoulders) as JPEG."""
    image = Image.new("RGB", (180, 180), "#dfe6ef")
    draw = ImageDraw.Draw(image)
    draw.ellipse((55, 25, 125, 95), fill="#f1c8a5")
    draw.ellipse((25, 105, 155, 235), fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def shop(live_app, live_org, monkeypatch):
    """A one-stop shop with a counter, two civil servants, two fields and a kiosk waiting to be paired."""
    for key, value in {
        "KIOSK_THANKS_SECONDS": 1,
        "KIOSK_IDLE_SECONDS": 3,
        "KIOSK_MIN_INTERVAL_SECONDS": 0,
        "KIOSK_FEED_REFRESH_SECONDS": 1,
    }.items():
        monkeypatch.setitem(live_app.config, key, value)
    org = live_org
    counter = Counter(unit=org.centre, code="Q1", name="Quầy 1 - Hộ tịch, chứng thực")
    lan = Staff(
        unit=org.centre,
        counter=counter,
        full_name="Nguyễn Thị Lan",
        title="Công chức Tư pháp - Hộ tịch",
        photo=portrait("#0b57a4"),
        photo_mime="image/jpeg",
        photo_version=1,
    )
    binh = Staff(unit=org.centre, counter=counter, full_name="Trần Văn Bình", title="Công chức Văn phòng")
    fields = [
        ProcedureField(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status", position=1),
        ProcedureField(code="chung-thuc", name_vi="Chứng thực", name_en="Certification", position=2),
        ProcedureField(code="dat-dai", name_vi="Đất đai", name_en="Land", position=3),
    ]
    db.session.add_all([counter, lan, binh, *fields])
    db.session.flush()
    device, code = devices.register_device(org.centre, counter=counter, name="Kiosk quầy 1")
    db.session.commit()
    return {"org": org, "lan": lan, "binh": binh, "device": device, "code": code}


@pytest.fixture
def tablet(browser) -> Iterator:
    """A tablet-sized page; offline network errors and a bad pairing code's 422 are expected, nothing else."""
    context = browser.new_context(viewport=TABLET, locale="vi-VN", has_touch=True)
    page = watch(context.new_page())
    errors: list[str] = []
    page.expected_console = ["net::ERR_", "status of 422"]  # a test answering other errors adds them

    def on_console(message) -> None:
        expected = any(text in message.text for text in page.expected_console)
        if message.type == "error" and not expected:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"console errors: {errors}"
    assert_every_page_checked(page)


def stored(live_app) -> list[KioskRating]:
    """Every stored rating, oldest press first."""
    with live_app.app_context():
        rows = list(db.session.scalars(select(KioskRating).order_by(KioskRating.rated_at)))
        db.session.expunge_all()
        return rows


def wait_for_rows(live_app, n: int, timeout: float = 15) -> list[KioskRating]:
    """Poll the database until it holds n ratings."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = stored(live_app)
        if len(rows) >= n:
            return rows
        time.sleep(0.1)
    return stored(live_app)


def back_at_start(page) -> None:
    """The thank-you screen has returned to the question by itself."""
    page.wait_for_selector("#k-start:not([hidden])", timeout=5000)


def test_pair_rate_each_path_offline_queue_and_idle_reset(live_server, live_app, shop, tablet):
    page = tablet
    page.goto(f"{live_server.url}/kiosk")
    page.wait_for_selector("#k-pair:not([hidden])")
    assert_accessible(page)
    page.fill("#k-pair-code", "00000000")
    page.click("#k-pair button[type=submit]")
    page.wait_for_selector("#k-pair-error:has-text('Mã ghép nối không hợp lệ')")
    assert_accessible(page)
    page.fill("#k-pair-code", shop["code"])
    page.click("#k-pair button[type=submit]")
    page.wait_for_selector("#k-start:not([hidden])")
    assert page.inner_text("#k-unit") == "Bộ phận Một cửa phường Bưởi"
    assert page.locator(".k-level").all_inner_texts() == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert page.locator(".k-person .k-name").all_inner_texts() == ["Nguyễn Thị Lan", "Trần Văn Bình"]
    wait_until(page, "document.querySelector('.k-person img').naturalWidth > 0")
    screenshot(page, "kiosk-start-vi")
    assert_accessible(page)

    # 1. very satisfied, with the civil servant; the procedure field and dossier code follow the tap
    page.click(".k-person:has-text('Nguyễn Thị Lan')")
    assert page.get_attribute(".k-person:has-text('Nguyễn Thị Lan')", "aria-pressed") == "true"
    page.click(".k-level[data-level=very_satisfied]")
    page.wait_for_selector("#k-thanks:not([hidden])")
    assert "Cảm ơn Ông/Bà đã đánh giá!" in page.inner_text("#k-thanks")
    page.wait_for_timeout(700)  # the follow-up ignores the second tap of a double tap
    page.click(".k-chip:has-text('Hộ tịch')")
    # checked once touched: a touch keeps the follow-up open (60 s), where the untouched screen closes
    # after 5 s, which a slow axe run on a busy machine can outlast
    assert_accessible(page)
    page.fill("#k-dossier", "000.00.09.H49-260301-0001")
    page.click("#k-done")
    rows = wait_for_rows(live_app, 1)
    assert [(r.level, r.staff_id, r.dossier_code, r.field_id is not None) for r in rows] == [
        ("very_satisfied", shop["lan"].id, "000.00.09.H49-260301-0001", True)
    ]
    back_at_start(page)
    assert page.get_attribute(".k-person:has-text('Nguyễn Thị Lan')", "aria-pressed") == "false"

    # 2. dissatisfied: a reason is required, the comment is optional
    page.click(".k-level[data-level=dissatisfied]")
    page.wait_for_selector("#k-reasons:not([hidden])")
    screenshot(page, "kiosk-reasons-vi")
    assert_accessible(page)
    page.click("#k-send")
    assert page.inner_text("#k-reasons-error") == "Vui lòng chọn ít nhất một lý do."
    assert_accessible(page)
    page.click(".k-reason:has-text('Thời gian chờ lâu')")
    page.click(".k-reason:has-text('Hướng dẫn chưa rõ')")
    page.fill("#k-comment", "Phải đi lại 3 lần mới nộp được hồ sơ")
    page.click("#k-send")
    page.wait_for_selector("#k-thanks:not([hidden])")
    rows = wait_for_rows(live_app, 2)
    assert rows[-1].level == "dissatisfied" and rows[-1].reasons == ["long_wait", "unclear_guidance"]
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskFollowUp)) == 1
    back_at_start(page)

    # 3. the service worker controls the page before the network goes away
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")

    # 4. offline: five presses queue up, survive a reload, and arrive exactly once when the network is back
    page.context.set_offline(True)
    for _ in range(5):
        page.click(".k-level[data-level=satisfied]")
        page.wait_for_selector("#k-thanks:not([hidden])")
        back_at_start(page)
    page.wait_for_selector("#k-pending:has-text('Chờ gửi: 5')")
    assert len(stored(live_app)) == 2
    page.reload()
    page.wait_for_selector("#k-start:not([hidden])")
    page.wait_for_selector("#k-pending:has-text('Chờ gửi: 5')")
    screenshot(page, "kiosk-offline-pending-vi")
    assert_accessible(page)
    page.context.set_offline(False)
    page.wait_for_selector("#k-pending", state="hidden", timeout=15000)
    rows = wait_for_rows(live_app, 7)
    assert len(rows) == 7 and [r.level for r in rows[2:]] == ["satisfied"] * 5
    assert len({r.uuid for r in rows}) == 7
    with live_app.app_context():
        device = db.session.get(KioskDevice, shop["device"].id)
        assert device.app_version == "kiosk-1.1" and device.last_seen_at is not None

    # 5. idle reset: a half-finished rating is dropped after the idle time
    page.click(".k-person:has-text('Trần Văn Bình')")
    page.click(".k-level[data-level=dissatisfied]")
    page.click(".k-reason:has-text('Khác')")
    page.wait_for_selector("#k-start:not([hidden])", timeout=8000)
    assert page.get_attribute(".k-person:has-text('Trần Văn Bình')", "aria-pressed") == "false"
    page.click(".k-level[data-level=dissatisfied]")
    assert page.get_attribute(".k-reason:has-text('Khác')", "aria-pressed") == "false"
    page.click("#k-back")
    time.sleep(0.5)
    assert len(stored(live_app)) == 7  # nothing was sent by the abandoned rating


def test_language_toggle_and_keyboard_use(live_server, live_app, shop, tablet):
    page = tablet
    with live_app.app_context():
        centre = db.session.get(Unit, shop["org"].centre.id)
        _device, token = devices.register_device_with_token(centre, counter=None, name="Kiosk sảnh")
        db.session.commit()
    page.goto(f"{live_server.url}/kiosk")
    page.evaluate("token => localStorage.setItem('kiosk.token', token)", token)
    page.reload()
    page.wait_for_selector("#k-start:not([hidden])")
    assert page.get_attribute("html", "lang") == "vi"
    page.click("#k-lang")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("#k-question") == "How satisfied are you with the service you received today?"
    assert page.locator(".k-level").all_inner_texts() == ["Very satisfied", "Satisfied", "Dissatisfied"]
    screenshot(page, "kiosk-start-en")
    assert_accessible(page)
    # keyboard only: Tab to the first level button and press Enter
    page.focus(".k-level >> nth=1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#k-thanks:not([hidden])")
    assert "Thank you for your rating!" in page.inner_text("#k-thanks")
    assert page.inner_text("#k-fields .k-chip >> nth=0") == "Civil status"  # the follow-up, in English too
    assert_accessible(page)
    rows = wait_for_rows(live_app, 1)
    assert [(r.level, r.staff_id) for r in rows] == [("satisfied", None)]
    back_at_start(page)  # the next citizen starts in Vietnamese
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("#k-question") == "Ông/Bà có hài lòng với sự phục vụ hôm nay không?"


def test_unit_admin_registers_a_kiosk_and_an_official_watches_the_feed(live_server, live_app, shop, browser):
    from tests.browser.conftest import sign_in
    from tests.conftest import PASSWORD

    admin = watch(browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN").new_page())
    sign_in(admin, live_server.url, "unit_admin1", PASSWORD)
    admin.goto(f"{live_server.url}/kiosk/devices")
    assert_accessible(admin)
    counter_option = admin.locator("#place option", has_text="Quầy 1 - Hộ tịch, chứng thực")
    admin.select_option("#place", counter_option.get_attribute("value"))
    admin.fill("#name", "Kiosk quầy 1 (mới)")
    with admin.expect_navigation():
        admin.click("main button[type=submit]:has-text('Đăng ký')")
    code = admin.inner_text("#pairing-code").replace(" ", "")
    assert len(code) == 8
    screenshot(admin, "kiosk-admin-devices")
    assert_accessible(admin)

    tablet = watch(browser.new_context(viewport=TABLET, locale="vi-VN").new_page())
    tablet.goto(f"{live_server.url}/kiosk")
    tablet.wait_for_selector("#k-pair:not([hidden])")
    assert_accessible(tablet)
    tablet.fill("#k-pair-code", code)
    tablet.click("#k-pair button[type=submit]")
    tablet.click(".k-level[data-level=dissatisfied]")
    tablet.click(".k-reason:has-text('Thái độ phục vụ chưa tốt')")
    tablet.fill("#k-comment", "Cán bộ trả lời cộc lốc")
    assert_accessible(tablet)
    tablet.click("#k-send")
    tablet.wait_for_selector("#k-thanks:not([hidden])")
    assert len(wait_for_rows(live_app, 1)) == 1

    admin.goto(f"{live_server.url}/kiosk/devices")
    row = admin.locator("#devices tr", has_text="Kiosk quầy 1 (mới)")
    assert "đã ghép nối" in row.inner_text() and "kiosk-1.1" in row.inner_text()
    assert_accessible(admin)
    admin.context.close()
    assert_every_page_checked(admin)

    official = watch(browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN").new_page())
    sign_in(official, live_server.url, "official1", PASSWORD)
    official.goto(f"{live_server.url}/kiosk/feed")
    assert "Cán bộ trả lời cộc lốc" in official.inner_text("#feed")
    tablet.wait_for_selector("#k-start:not([hidden])")
    tablet.click(".k-level[data-level=very_satisfied]")
    official.wait_for_selector("#feed li:has-text('Rất hài lòng')", timeout=15000)  # arrives without a reload
    screenshot(official, "kiosk-feed")
    assert_accessible(official)
    official.goto(f"{live_server.url}/kiosk/follow-ups")
    assert_accessible(official)
    official.fill("textarea[name=note]", "Đã nhắc nhở cán bộ, xin lỗi công dân qua điện thoại")
    with official.expect_navigation():  # the follow-up list has a <main> too
        official.click("main button[value=done]")
    assert "Đã cập nhật việc xử lý." in official.inner_text("main")
    assert_accessible(official)
    official.goto(f"{live_server.url}/kiosk/follow-ups?state=done")
    screenshot(official, "kiosk-follow-ups-done")
    assert_accessible(official)
    official.context.close()
    tablet.context.close()
    assert_every_page_checked(official)
    assert_every_page_checked(tablet)


def wait_for_rows_in(page, live_app, n: int, timeout: float = 15) -> list[KioskRating]:
    """wait_for_rows while the page's intercepted requests are answered (Playwright answers them only
    while the test is calling it)."""
    deadline = time.monotonic() + timeout
    while len(rows := stored(live_app)) < n and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return rows


def open_paired(page, live_server, live_app, shop) -> None:
    """The kiosk screen of a device paired by token (as after pairing), at its question."""
    with live_app.app_context():
        centre = db.session.get(Unit, shop["org"].centre.id)
        _device, token = devices.register_device_with_token(centre, counter=None, name="Kiosk sảnh")
        db.session.commit()
    page.goto(f"{live_server.url}/kiosk#token={token}")  # the address `kiosk register` prints
    page.wait_for_selector("#k-start:not([hidden])")
    assert page.url == f"{live_server.url}/kiosk"  # the token left the address bar


def test_queue_drops_what_the_server_refuses_and_keeps_what_failed(live_server, live_app, shop, tablet):
    """4xx takes an item out of the queue into the "not accepted" count; 5xx and Retry-After keep it."""
    page = tablet
    page.expected_console += ["status of 500", "status of 503"]
    answer = {"mode": "500", "bad": None}
    calls: list[tuple[float, list[str]]] = []

    def ratings(route) -> None:
        ids = [item["id"] for item in json.loads(route.request.post_data)["ratings"]]
        calls.append((time.monotonic(), ids))
        mode = answer["mode"]
        if mode == "500":
            route.fulfill(status=500, json={"code": 500, "status": "Internal Server Error"})
        elif mode == "503":
            route.fulfill(status=503, headers={"Retry-After": "3"}, json={"code": 503, "message": "busy"})
        elif mode == "refuse-bad" and answer["bad"] in ids:
            route.fulfill(status=422, json={"code": 422, "status": "Unprocessable Entity", "message": "x"})
        elif mode == "reject-items":
            route.fulfill(
                json={"results": [{"id": i, "status": "rejected", "errors": {"level": "x"}} for i in ids]}
            )
        else:
            route.continue_()

    open_paired(page, live_server, live_app, shop)
    page.route("**/api/v1/kiosk/ratings", ratings)
    assert_accessible(page)

    # a server error keeps the rating queued and retries it
    page.click(".k-level[data-level=satisfied]")
    page.wait_for_selector("#k-pending:has-text('Chờ gửi: 1')")
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:  # the first try and one retry after back-off
        page.wait_for_timeout(100)
    assert len(calls) >= 2 and calls[0][1] == calls[1][1]
    assert page.is_hidden("#k-rejected") and stored(live_app) == []
    answer["bad"] = calls[0][1][0]

    # a batch refused whole (422) is sent again one by one: only the refused item leaves the queue
    answer["mode"] = "refuse-bad"
    back_at_start(page)
    page.click(".k-level[data-level=very_satisfied]")
    page.wait_for_selector("#k-rejected:has-text('Không được chấp nhận: 1')", timeout=15000)
    page.wait_for_selector("#k-pending", state="hidden", timeout=15000)
    assert [r.level for r in wait_for_rows_in(page, live_app, 1)] == ["very_satisfied"]
    screenshot(page, "kiosk-not-accepted-vi")
    assert_accessible(page)

    # 503 with Retry-After: the rating stays queued and nothing is sent before the time asked
    back_at_start(page)
    answer["mode"] = "503"
    before = len(calls)
    page.click(".k-level[data-level=satisfied]")
    deadline = time.monotonic() + 10
    while len(calls) == before and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    refused_at = calls[before][0]
    answer["mode"] = "pass"
    back_at_start(page)
    page.click(".k-level[data-level=very_satisfied]")  # a new rating does not hurry the server either
    rows = wait_for_rows_in(page, live_app, 3)
    assert len(rows) == 3
    assert calls[before + 1][0] - refused_at >= 2.8
    assert page.inner_text("#k-rejected") == "Không được chấp nhận: 1"

    # an item answered `rejected` in the results leaves the queue and is counted too
    back_at_start(page)
    answer["mode"] = "reject-items"
    page.click(".k-level[data-level=satisfied]")
    page.wait_for_selector("#k-rejected:has-text('Không được chấp nhận: 2')", timeout=15000)
    page.wait_for_selector("#k-pending", state="hidden")
    assert len(stored(live_app)) == 3


NAMES = [
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Xây dựng",
    "Đăng ký kinh doanh",
    "Tư pháp",
    "Lao động, thương binh và xã hội",
    "Giáo dục",
    "Y tế",
    "Văn hóa",
    "Tài nguyên môi trường",
    "Giao thông vận tải",
    "Nông nghiệp",
    "Công thương",
    "Nội vụ",
    "Thuế",
    "Bảo hiểm xã hội",
    "Công an",
]


@pytest.mark.parametrize("size", [TABLET, {"width": 800, "height": 1280}], ids=["landscape", "portrait"])
def test_screen_faces_follow_up_double_tap_in_both_orientations(
    live_server, live_app, shop, browser, monkeypatch, size
):
    monkeypatch.setitem(live_app.config, "KIOSK_THANKS_SECONDS", 4)
    db.session.add_all(
        ProcedureField(code=f"f{i}", name_vi=name, name_en=f"Field {i}", position=10 + i)
        for i, name in enumerate(NAMES[3:])
    )
    db.session.commit()
    context = browser.new_context(viewport=size, locale="vi-VN", has_touch=True)
    page = watch(context.new_page())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    name = "landscape" if size is TABLET else "portrait"
    open_paired(page, live_server, live_app, shop)

    # a face on each level, beside its text; no label wraps or overflows its button
    levels = page.locator(".k-level")
    assert levels.all_inner_texts() == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert page.locator(".k-level svg.k-face").count() == 3
    for i in range(3):
        fits = levels.nth(i).evaluate(
            """b => { const t = b.querySelector('.k-level-text'), r = t.getBoundingClientRect(),
                      size = parseFloat(getComputedStyle(t).fontSize);
                      return r.height < size * 2 && r.right <= b.getBoundingClientRect().right; }"""
        )
        assert fits, levels.nth(i).inner_text()
    screenshot(page, f"kiosk-start-{name}")
    assert_accessible(page)

    # a double tap gives one rating; the follow-up shows 18 fields in a bounded list
    page.locator(".k-level[data-level=satisfied]").dblclick()
    page.wait_for_selector("#k-thanks:not([hidden])")
    assert page.locator("#k-fields .k-chip").count() == 18
    list_box = page.locator("#k-fields").bounding_box()
    assert list_box["height"] <= 0.25 * size["height"]
    assert page.locator("#k-done").is_visible() and page.locator("#k-dossier").is_visible()
    screenshot(page, f"kiosk-follow-up-{name}")
    assert_accessible(page)
    page.wait_for_timeout(700)
    page.locator("#k-fields .k-chip", has_text="Công an").click()  # scrolled into view inside the list
    page.click("#k-done")
    page.wait_for_selector("#k-start:not([hidden])")
    rows = wait_for_rows(live_app, 1)
    page.wait_for_timeout(500)
    rows = stored(live_app)
    assert [r.level for r in rows] == ["satisfied"]
    with live_app.app_context():
        field = db.session.get(ProcedureField, rows[0].field_id)
        assert field.name_vi == "Công an"

    # English for one citizen; the next one starts in Vietnamese again, without a reload
    page.click("#k-lang")
    page.click(".k-level[data-level=very_satisfied]")
    page.wait_for_selector("#k-thanks:not([hidden])")
    assert page.inner_text("#k-thanks-title") == "Thank you for your rating!"
    assert_accessible(page)
    page.wait_for_selector("#k-start:not([hidden])", timeout=8000)
    assert page.get_attribute("html", "lang") == "vi"
    assert page.locator(".k-level").all_inner_texts() == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert [r.level for r in wait_for_rows(live_app, 2)] == ["satisfied", "very_satisfied"]
    assert [r.field_id for r in stored(live_app)][1] is None  # nothing added: sent as tapped
    context.close()
    assert errors == []
    assert_every_page_checked(page)
