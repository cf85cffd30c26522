"""Browser journey of an administrator's lists: the unit tree opens and folds, a search finds a ward
without its accents and shows its path; the merge form asks before merging; users and the audit log."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_units_tree_folds_and_search_finds_a_ward(live_server, live_org, page):
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.goto(f"{live_server.url}/org/units")
    assert_accessible(page)  # folded
    tree = page.locator("ul.unit-tree")
    ward = tree.get_by_role("link", name="Phường Bưởi", exact=True)
    assert tree.get_by_role("link", name="Quận Tây Hồ", exact=True).is_visible()
    assert not ward.is_visible()  # folded below the first level
    page.locator("summary", has_text="Đơn vị trực thuộc Quận Tây Hồ").click()  # the triangle before its name
    assert ward.is_visible()
    assert_accessible(page)
    screenshot(page, "org-units-tree")

    page.fill("#unit-q", "phuong buoi")
    with page.expect_navigation():
        page.press("#unit-q", "Enter")
    matches = page.locator(".unit-matches li")
    assert matches.count() == 2
    assert "Thành phố Hà Nội › Quận Tây Hồ" in matches.first.inner_text()
    assert_accessible(page)
    screenshot(page, "org-units-search")


def test_the_merge_form_starts_empty_and_confirms(live_server, live_org, page):
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.goto(f"{live_server.url}/org/units/{live_org.ward2.id}/merge")
    assert page.locator("#successor_id").input_value() == "0"
    assert_accessible(page)
    page.select_option("#successor_id", label="Phường Bưởi (00109)")
    page.fill("#on", "01/07/2025")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "sẽ được sáp nhập vào Phường Bưởi" in page.locator("#merge-summary").inner_text()
    assert_accessible(page)
    screenshot(page, "org-merge-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Sáp nhập ngay").click()
    assert "đã sáp nhập" in page.locator("main h1").inner_text()
    assert_accessible(page)


def test_users_and_audit_lists(live_server, live_org, page):
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.goto(f"{live_server.url}/users/?q=thanh+xuan")
    assert_accessible(page)
    page.goto(f"{live_server.url}/admin/audit/?date_from=31/02/2025")
    assert "dd/mm/yyyy" in page.locator(".errors").inner_text()
    assert_accessible(page)  # with the filter's error beside its field
    page.goto(f"{live_server.url}/admin/audit/")
    assert page.locator(".audit-action span", has_text="Tạo đơn vị").count() == 7
    assert_accessible(page)
    screenshot(page, "audit-log")
