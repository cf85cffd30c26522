"""A tour of the demo (`seed-demo`, testing mode) as its users find it: today's Hà Nội, Phường Tây Hồ
in the units tree, and the new ward's kiosk dashboard with its predecessors' history before 1/7/2025."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from survey_app.core import clock
from survey_app.demo.seed import seed_all
from survey_app.extensions import db
from tests.browser.conftest import (
    assert_accessible,
    assert_every_page_checked,
    screenshot,
    sign_in,
    wait_until,
    watch,
)
from tests.conftest import empty_tables

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_app) -> Iterator[None]:
    """The demo data in the live server's database; emptied after the test."""
    with live_app.app_context():
        for _line in seed_all():
            pass
        yield
        db.session.rollback()
    empty_tables(live_app)


def charts_drawn(page) -> int:
    count = page.locator("main .plot").count()
    drawn = "document.querySelectorAll('main .plot.drawn').length"
    wait_until(page, f"{drawn} === document.querySelectorAll('main .plot').length")
    return count


def test_the_demo_opens_on_today_hanoi(page, browser, live_server, demo):
    # The leader of Phường Tây Hồ: home, then the kiosk dashboard from the month before the reform.
    sign_in(page, live_server.url, "tayho.leader", "demo-Leader-2026")
    assert "Phường Tây Hồ" in page.locator("body").inner_text()
    screenshot(page, "demo-ward-leader-home")
    today = clock.today()
    page.goto(
        f"{live_server.url}/dashboards/kiosk?unit=00103&start=01/06/2025&end={today:%d/%m/%Y}&granularity=month"
    )
    assert charts_drawn(page) >= 3
    text = page.locator("main").inner_text()
    assert "Phường Tây Hồ" in text and "01/07/2025" in text
    for predecessor in ("Phường Bưởi", "Phường Thụy Khuê", "Phường Xuân La"):
        assert predecessor in text
    assert "Quận Tây Hồ" not in page.locator("main #unit").inner_text()  # the picker: today's units
    assert_accessible(page)
    screenshot(page, "demo-kiosk-tay-ho")

    # The leader of Hà Nội: the city's home page.
    city = watch(browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN").new_page())
    sign_in(city, live_server.url, "hanoi.leader", "demo-Leader-2026")
    assert "Thành phố Hà Nội" in city.locator("body").inner_text()
    screenshot(city, "demo-city-leader-home")

    # The administrator: the units tree of Hà Nội, Phường Tây Hồ unfolded to its centre and departments.
    admin = watch(browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN").new_page())
    sign_in(admin, live_server.url, "admin", "demo-Admin-2026")
    admin.goto(f"{live_server.url}/org/units")
    hanoi = admin.locator("li", has=admin.locator(".unit-line", has_text="Thành phố Hà Nội")).first
    assert hanoi.locator(":scope > details").get_attribute("open") is not None  # the top level is unfolded
    ward = hanoi.locator("li", has=admin.locator(":scope > .unit-line", has_text="Phường Tây Hồ")).first
    ward.locator(":scope > details > summary").click()
    inside = ward.locator(":scope > details").inner_text()
    assert "Trung tâm Phục vụ hành chính công phường Tây Hồ" in inside
    assert "Phòng Kinh tế, Hạ tầng và Đô thị phường Tây Hồ" in inside
    ward.scroll_into_view_if_needed()
    assert_accessible(admin)
    whole_tree = screenshot(admin, "demo-units-hanoi")
    admin.screenshot(path=str(whole_tree.with_name("demo-units-tay-ho.png")))  # the window around the ward
    for other in (city, admin):
        assert_every_page_checked(other)
        other.context.close()
