"""A leader opens the ward report of a round from its results, reads it, and downloads the Word file."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from survey_app.extensions import db
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD
from tests.factories import cube_sipas_answers, make_sipas_campaign
from tests.sipas.test_ward_report import criteria_answers

pytestmark = pytest.mark.browser


def test_leader_reads_the_ward_report_and_downloads_it(page, live_server, live_org):
    campaign = make_sipas_campaign(
        live_org.district,
        {live_org.ward: 50},
        code="HN-WARD",
        name="Khảo sát SIPAS phường 2026",
        questionnaire="sipas-2023",
        start_on=date(2026, 3, 1),
        end_on=date(2026, 4, 30),
        state="open",
    )
    answers = criteria_answers(
        "sipas-2023",
        {5: 20, 4: 10, 3: 6, 2: 4},
        {5: 28, 4: 8, 3: 4},
        S17={99: 40},
        R1v2={1: 36, 2: 3, 3: 1},
        X11={4: 20, 3: 12, 2: 6, 1: 2},
        D1={1: 22, 2: 18},
    )
    cube_sipas_answers(campaign, live_org.ward, {"paper": 40}, answers)
    db.session.commit()
    sign_in(page, live_server.url, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/sipas/campaigns/HN-WARD/results?unit=00109")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("a:has-text('Báo cáo kết quả đợt khảo sát của đơn vị')")
    assert page.locator("[data-testid=ward-overall]").inner_text() == "82,50%"
    assert page.locator("h2", has_text="5. So sánh với đợt khảo sát trước").is_visible()
    assert page.locator("[data-testid=left-out]").is_visible()
    assert_accessible(page)
    screenshot(page, "sipas-ward-report")
    with page.expect_download() as download:
        page.click("a:has-text('Tải về DOCX')")
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "82,50%" in cells and "90,00%" in cells


def test_the_dashboard_trend_keeps_each_method_apart(page, live_server, live_org):
    from tests.browser.test_dashboards import all_charts_drawn
    from tests.dashboards.test_sipas_trend_methods import answer, campaign, without_method

    c2019 = campaign("B2019", "sipas-2017", date(2019, 9, 1), [live_org.ward])
    c2021 = campaign(
        "B2021", "ward-short", date(2021, 9, 1), [live_org.ward], text=without_method("ward-short")
    )
    c2023 = campaign("B2023", "sipas-2023", date(2023, 9, 1), [live_org.ward])
    answer(c2019, live_org.ward, 30, {5: 15, 4: 9, 3: 6})
    answer(c2021, live_org.ward, 40, {5: 20, 4: 14, 3: 6})
    answer(c2023, live_org.ward, 40, {5: 20, 4: 10, 3: 10})
    db.session.commit()
    sign_in(page, live_server.url, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/sipas?unit=00109")
    assert all_charts_drawn(page) >= 3
    trend = page.locator("#chart-trend")
    trend.scroll_into_view_if_needed()
    legend = trend.locator(".legendtext").all_text_contents()
    assert legend == ["Phương pháp 2017–2021", "Phương pháp từ 2022"]
    assert trend.locator("text=Đổi phương pháp").count() >= 1
    assert_accessible(page)
    trend.screenshot(
        path=str(screenshot(page, "dashboards-sipas-methods").with_name("dashboards-sipas-trend.png"))
    )
    page.goto(f"{live_server.url}/dashboards/report?unit=00109&start=01/01/2019&end=31/12/2023")
    drawing = page.locator("svg:has(.method-break)")
    assert drawing.count() == 1
    assert_accessible(page)
    drawing.screenshot(
        path=str(screenshot(page, "dashboards-report-methods").with_name("report-sipas-trend.png"))
    )
