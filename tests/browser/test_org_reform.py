"""Browser journey of the 2025 reform: an administrator reads a new ward's predecessors and a split ward's
successors, with the rule that says how their figures follow."""

from __future__ import annotations

import re

import pytest

from survey_app.extensions import db
from survey_app.org.reorganisation import reorganise_csv
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

FILE = """old_code,new_code,effective_date
00109,00103,2025-07-01
00112,00103,2025-07-01
00112,00004,2025-07-01
"""


def test_the_unit_pages_show_the_reorganisation(live_server, live_org, page):
    assert reorganise_csv(FILE).ok
    db.session.commit()
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.goto(f"{live_server.url}/org/units?q=0")  # a search lists every unit whose code holds a 0
    assert_accessible(page)
    rows = page.locator(".unit-matches li")

    def row(code: str):
        return rows.filter(has=page.locator("code", has_text=re.compile(f"^{code}$")))

    assert row("00109").locator(".badge").inner_text() == "đã sáp nhập"
    assert row("00112").locator(".badge").inner_text() == "đã chia tách"
    assert "Quận/Huyện (đến 30/6/2025)" in row("003").inner_text()
    assert "Quận/Huyện" not in row("00103").inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Phường Tây Hồ", exact=True).click()
    assert page.locator("main h1").inner_text().startswith("Phường Tây Hồ")
    predecessors = page.locator("#predecessors tbody tr")
    assert predecessors.count() == 2
    buoi = predecessors.filter(has_text="Phường Bưởi").inner_text()
    assert "01/07/2025" in buoi and "Sáp nhập" in buoi and "được tính trọn vẹn" in buoi
    thuy_khue = predecessors.filter(has_text="Phường Thụy Khuê").inner_text()
    assert "dùng chung" in thuy_khue and "Phường Ba Đình" in thuy_khue
    assert "chỉ tính một lần" in page.locator("#succession-rule").inner_text()
    assert_accessible(page)
    screenshot(page, "org-reform-successor")

    with page.expect_navigation():
        predecessors.filter(has_text="Phường Thụy Khuê").get_by_role("link", name="Phường Thụy Khuê").click()
    assert "đơn vị này được chia tách" in page.locator("main .successions").inner_text()
    assert page.locator("#successors li").all_inner_texts() == [
        "Phường Tây Hồ 00103 đang hoạt động",
        "Phường Ba Đình 00004 đang hoạt động",
    ]
    assert_accessible(page)
    screenshot(page, "org-reform-split")
