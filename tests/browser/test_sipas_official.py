"""The official 2023+ questionnaire on a phone: table questions printed once above their rows (issue 19)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from survey_app.analytics.sipas_queries import campaign_report
from survey_app.extensions import db
from survey_app.sipas.campaigns import questionnaire_of
from tests.browser.conftest import assert_accessible, assert_every_page_checked, screenshot, watch
from tests.factories import make_sipas_campaign

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_answer_the_official_questions_of_the_2023_form_on_a_phone(browser, live_server, live_org):
    today = date.today()
    campaign = make_sipas_campaign(
        live_org.district,
        {live_org.ward: 5},
        code="HN-2023-LIVE",
        name="Khảo sát SIPAS 2026",
        questionnaire="sipas-2023",
        start_on=today - timedelta(days=10),
        end_on=today + timedelta(days=10),
        state="open",
    )
    db.session.commit()
    questionnaire = questionnaire_of(campaign)
    views = len(questionnaire.elements) + 1  # the page after the nine elements
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = watch(context.new_page())
    page.goto(f"{live_server.url}/sipas/s/HN-2023-LIVE/{live_org.ward.code}")
    assert_accessible(page)
    assert page.locator("h2", has_text="Trách nhiệm giải trình của chính quyền về chính sách").is_visible()
    page.goto(f"{live_server.url}/sipas/s/HN-2023-LIVE/{live_org.ward.code}?p={views}")
    stem = page.locator("p.hint", has_text="đã sử dụng kênh thông tin nào để theo dõi các chính sách")
    assert stem.count() == 1 and stem.is_visible()
    assert_accessible(page)
    page.tap("#q-KT1 label.choice:has-text('Có')")  # the ward loudspeakers: ticked
    page.tap("#q-KT6 label.choice:has-text('Không')")
    page.locator("#q-R1v2").scroll_into_view_if_needed()
    page.tap("#q-R1v2 label.choice:has-text('Không có công chức nào gây phiền hà')")
    screenshot(page, "sipas-2023-views-phone")
    with page.expect_navigation():
        page.tap(".survey-nav button:has-text('Tiếp theo')")
    assert page.locator("#q-D7 label.choice:has-text('Nông thôn')").is_visible()
    assert_accessible(page)
    page.tap("#q-D7 label.choice:has-text('Đô thị')")
    with page.expect_navigation():
        page.tap(".survey-nav button:has-text('Gửi câu trả lời')")
    assert page.locator("text=Xin cảm ơn!").is_visible()
    assert_accessible(page)
    context.close()
    assert_every_page_checked(page)
    report = campaign_report(db.session, campaign, live_org.ward, questionnaire=questionnaire)
    assert report["perceptions"]["KT1"] == {1: 100.0, 2: 0.0}
    assert report["perceptions"]["KT6"] == {1: 0.0, 2: 100.0}
    assert report["perceptions"]["R1v2"][1] == 100.0 and report["perceptions"]["D7"][1] == 100.0
