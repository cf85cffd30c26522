"""Foundation journeys in a real browser: sign in per role, build the organisation, switch language."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Counter, Staff, Unit
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

HOMES = {"admin": "/org/units", "unit_admin": "/org/units", "official": "/official", "leader": "/leader"}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_signs_in_and_lands_home(page, live_server, live_org, role):
    sign_in(page, live_server.url, f"{role}1", PASSWORD)
    page.wait_for_url(f"{live_server.url}{HOMES[role]}")
    assert page.locator("h1").first.is_visible()
    screenshot(page, f"home-{role}")
    page.click("header form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/auth/login")
    assert_accessible(page)  # signed out


def test_wrong_password_shows_an_error(page, live_server, live_org):
    sign_in(page, live_server.url, "leader1", "wrong-password-0")
    assert page.locator(".flash-error").inner_text().startswith("Sai tên đăng nhập")
    assert_accessible(page)


def test_admin_creates_unit_counter_and_staff(page, live_server, live_org, live_app, tmp_path):
    base = live_server.url
    sign_in(page, base, "admin1", PASSWORD)
    page.goto(f"{base}/org/units/new?parent={live_org.district.id}")
    page.fill("#code", "00115")
    page.fill("#name", "Bộ phận Một cửa phường Nhật Tân")
    page.select_option("#kind", "centre")
    page.fill("#active_from", "01/07/2025")
    assert_accessible(page)
    screenshot(page, "unit-form")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_selector("dl.facts")
    assert_accessible(page)
    with live_app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "00115"))
        assert unit.parent_id == live_org.district.id and unit.active_from.isoformat() == "2025-07-01"
        unit_id = unit.id

    with page.expect_navigation():
        page.click("a[href$='/counters/new']")
    page.wait_for_selector("#code")
    assert_accessible(page)
    page.fill("#code", "Q1")
    page.fill("#name", "Quầy 1 - Tư pháp, Hộ tịch")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/org/units/{unit_id}")

    photo = tmp_path / "photo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (40, 90, 160)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    with page.expect_navigation():
        page.click("a[href$='/staff/new']")
    page.wait_for_selector("#full_name")
    assert_accessible(page)
    page.fill("#full_name", "Nguyễn Thị Thu Trang")
    page.fill("#title", "Công chức Tư pháp - Hộ tịch")
    page.select_option("#counter_id", label="Quầy 1 - Tư pháp, Hộ tịch (Q1)")
    page.set_input_files("#photo", str(photo))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/org/units/{unit_id}")
    assert page.locator(".staff-card img.avatar").count() == 1
    assert_accessible(page)
    screenshot(page, "unit-detail")
    with live_app.app_context():
        counter = db.session.scalar(select(Counter).where(Counter.unit_id == unit_id))
        staff = db.session.scalar(select(Staff).where(Staff.unit_id == unit_id))
        assert staff.counter_id == counter.id and staff.photo_mime == "image/jpeg"


def test_invalid_unit_form_shows_messages(page, live_server, live_org):
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.goto(f"{live_server.url}/org/units/new")
    assert_accessible(page)
    page.fill("#code", "003")
    page.fill("#name", "Trùng mã")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    # expect() waits for the answer page: is_visible() right after the click could still see the form
    expect(page.locator(".errors").first).to_be_visible()
    expect(page.locator(".errors").first).to_contain_text("đã tồn tại")
    assert_accessible(page)  # the field errors announced without breaking their list


def test_switch_language(page, live_server, live_org):
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.wait_for_url(f"{live_server.url}/org/units")
    assert "Đơn vị" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.click("text=English")
    page.wait_for_selector("h1:has-text('Organisational units')")
    assert_accessible(page)
    screenshot(page, "units-en")
    with page.expect_navigation():
        page.click("text=Tiếng Việt")
    page.wait_for_selector("h1:has-text('Đơn vị')")
    assert_accessible(page)
    screenshot(page, "units-vi")
