"""Browser journey of issue 18: a ward's unit admin records the self-assessment, an official of the
district verifies it, and the district's leader opens the quarterly table; no page with a serious or
critical axe-core violation."""

from __future__ import annotations

import pytest

from survey_app.dossiers import services
from survey_app.extensions import db
from survey_app.models import ProcedureField, Role
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD, make_user
from tests.dossiers.conftest import csv_text

pytestmark = pytest.mark.browser


@pytest.fixture
def dossier_org(live_org):
    """The hand-worked quarter of tests/dossiers in the live server's database (live_org's context)."""
    db.session.add_all(
        [
            ProcedureField(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status"),
            ProcedureField(code="chung-thuc", name_vi="Chứng thực", name_en="Certification"),
        ]
    )
    db.session.commit()
    assert services.import_csv(csv_text()).ok
    make_user("buoi_admin", Role.unit_admin, live_org.ward)
    db.session.commit()
    return live_org


def test_self_assessment_verification_and_quarterly_table(live_server, page, dossier_org):
    base = live_server.url
    # the ward's own administrator records its self-assessment
    sign_in(page, base, "buoi_admin", PASSWORD)
    page.goto(f"{base}/dossiers/unit/00109/2026Q3")
    assert "10,67" in page.inner_text("main")
    assert_accessible(page)
    page.click("main >> text=Nhập điểm tự chấm")
    page.fill("#i1", "9")  # above the maximum: refused beside its box
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("#i1-err").is_visible()
    assert_accessible(page)
    for number, value in {1: "2", 2: "2", 3: "1,5", 4: "2", 5: "2", 6: "2", 7: "2", 8: "1", 9: "2"}.items():
        page.fill(f"#i{number}", value)
    assert_accessible(page)
    screenshot(page, "dossiers-self-assessment")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Đã ghi điểm." in page.inner_text("main")
    assert "16,50" in page.inner_text("main")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("header button[type=submit]")  # sign out

    # an official of the district verifies
    sign_in(page, base, "official1", PASSWORD)
    page.goto(f"{base}/dossiers/unit/00109/2026Q3/verify")
    for number, value in {1: "1", 2: "1", 3: "1", 4: "1", 5: "1", 6: "2", 7: "1", 8: "0,5", 9: "2"}.items():
        page.fill(f"#i{number}", value)
    assert_accessible(page)
    screenshot(page, "dossiers-verification")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    text = page.inner_text("main")
    assert "10,50" in text and "16,50" in text
    assert_accessible(page)
    screenshot(page, "dossiers-unit-quarter")
    with page.expect_navigation():
        page.click("header button[type=submit]")

    # the district's leader opens the quarterly table
    sign_in(page, base, "leader1", PASSWORD)
    page.goto(f"{base}/dossiers/?quarter=2026Q3")
    table = page.inner_text("main table")
    assert "Quận Tây Hồ" in table and "12,48" in table and "Tốt" in table
    assert "Phường Bưởi" in table and "10,67" in table and "16,50" in table and "10,50" in table
    assert_accessible(page)
    screenshot(page, "dossiers-quarterly-table")
    page.click("main >> text=Phường Bưởi")
    page.wait_for_url("**/dossiers/?unit=00109*")
    assert_accessible(page)
    page.goto(f"{base}/dossiers/d/D3")
    assert "Chứng thực bản sao" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "dossiers-dossier")
