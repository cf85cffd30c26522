"""Browser journey of issue 18: a ward's unit admin records the self-assessment, an official of the
district verifies it, and the district's leader opens the quarterly table; no page with a serious or
critical axe-core violation."""

from __future__ import annotations

from datetime import date

import pytest

from survey_app.dossiers import services
from survey_app.extensions import db
from survey_app.models import ProcedureField, Role
from survey_app.models.dossiers import DossierAssessment
from tests.browser.conftest import assert_accessible, screenshot, sign_in, wait_until
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


def test_dossiers_dashboard_and_the_reports_dossiers_section(live_server, page, dossier_org):
    """A district leader reads the dossiers view (its quarterly table with self-assessed and verified
    scores beside the computed ones), a ward's quarter without source scores, a download, and the same
    figures in the leadership report."""
    for indicator in range(1, 10):  # the ward's 2026Q3: self 2 × 9 = 18, verified 1 × 9 = 9
        db.session.add(
            DossierAssessment(
                unit_id=dossier_org.ward.id,
                quarter=date(2026, 7, 1),
                indicator=indicator,
                self_score=2,
                verified_score=1,
                note="",
            )
        )
    db.session.commit()
    base = live_server.url
    sign_in(page, base, "leader1", PASSWORD)
    page.goto(f"{base}/dashboards/dossiers?unit=003&start=01/07/2026&end=30/09/2026")
    wait_until(
        page,
        "document.querySelectorAll('main .plot.drawn').length"
        " === document.querySelectorAll('main .plot').length",
    )
    assert (
        page.inner_text("[data-testid=score]") == "12,48" and page.inner_text("[data-testid=class]") == "Tốt"
    )
    assert page.inner_text("[data-testid=returned]") == "5"
    table = page.locator("#chart-quarters table")
    headers = table.locator("thead").inner_text()
    assert (
        "Điểm tự chấm" in headers and "Điểm thẩm định" in headers and "Thẩm định − tính từ hồ sơ" in headers
    )
    ward = table.locator("tbody tr", has=page.locator("th", has_text="Phường Bưởi")).first.inner_text()
    assert "10,67" in ward and "18,00" in ward and "+7,33" in ward and "9,00" in ward and "-1,67" in ward
    assert_accessible(page)
    screenshot(page, "dashboards-dossiers-district")

    with page.expect_download() as download:
        page.click("#chart-quarters >> text=CSV")
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert next(r for r in rows if r.startswith("Phường Bưởi,")).endswith(",10.67,Khá,18.0,7.33,9.0,-1.67")

    # the ward's 2026Q2: one dossier, no source score: four indicators not assessed, not "not enough sample"
    page.select_option("main #unit", "00109")
    page.fill("main #start", "01/04/2026")
    page.fill("main #end", "30/06/2026")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    quarter = page.locator("#chart-quarters tbody tr").first  # the ward itself, then its centre
    assert quarter.locator(".not-assessed").count() == 4
    assert "không đủ mẫu" not in page.inner_text("#chart-quarters")
    assert (
        page.inner_text("[data-testid=score]") == "5,00" and page.inner_text("[data-testid=class]") == "Yếu"
    )
    assert_accessible(page)
    screenshot(page, "dashboards-dossiers-not-assessed")

    # the leadership report of the ward's 2026Q3 holds the same figures
    page.goto(f"{base}/dashboards/report?unit=00109&start=01/07/2026&end=30/09/2026")
    section = page.locator("[data-testid=report-dossiers]")
    assert "Giải quyết hồ sơ thủ tục hành chính" in page.inner_text("main")
    assert page.inner_text("[data-testid=report-dossier-score]") == "10,67"
    assert page.inner_text("[data-testid=report-dossier-on-time]") == "75,0%"
    assert page.inner_text("[data-testid=report-dossier-rated-share]") == "0,0%"  # no kiosk rating
    assert "Khá" in section.inner_text()
    assert "18,00" in page.inner_text("#report-quarters")
    assert_accessible(page)
    screenshot(page, "dashboards-report-dossiers")
    page.goto(f"{base}/dashboards/dossiers?unit=00109&start=01/07/2026&end=30/09/2026")
    assert page.inner_text("[data-testid=score]") == "10,67"
    assert page.inner_text("[data-testid=on-time]") == "75,0%"
    assert_accessible(page)
