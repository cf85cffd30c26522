"""SIPAS in Chromium: online form on a phone, paper batch by keyboard only, CSV import with errors."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from survey_app.analytics.sipas_queries import campaign_report
from survey_app.extensions import db
from survey_app.models.sipas import SipasResponse
from survey_app.sipas.batches import open_batch
from survey_app.sipas.campaigns import questionnaire_of
from survey_app.sipas.transfer import import_csv
from tests.browser.conftest import assert_accessible, assert_every_page_checked, screenshot, sign_in, watch
from tests.conftest import PASSWORD
from tests.factories import make_sipas_campaign
from tests.sipas.helpers import CRITERIA

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def campaign(live_app, live_org):
    """An open ward-short campaign whose period covers today, with both wards of the district."""
    today = date.today()
    campaign = make_sipas_campaign(
        live_org.district,
        {live_org.ward: 5, live_org.ward2: 5},
        code="TH-LIVE",
        name="Khảo sát SIPAS phường 2026",
        start_on=today - timedelta(days=20),
        end_on=today + timedelta(days=20),
        state="open",
    )
    db.session.commit()
    return campaign


def press(page, text: str) -> None:
    """Tap a button of the survey, wait for the next page and check it with axe-core."""
    with page.expect_navigation():
        page.tap(f".survey-nav button:has-text('{text}')")
    assert_accessible(page)


def count(campaign) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(SipasResponse.campaign_id == campaign.id))


def test_answer_the_online_form_on_a_phone(browser, live_server, live_org, campaign):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = watch(context.new_page())
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/sipas/s/TH-LIVE/00109")
    assert page.locator("text=Trang 1/4").is_visible()
    assert_accessible(page)
    # each answer is a large tap target; "don't know" is always offered
    box = page.locator("#q-S01 label.choice").first.bounding_box()
    assert box["height"] >= 44 and box["width"] > 300
    page.tap("#q-S01 label.choice:has-text('Rất hài lòng')")
    page.tap("#q-S02 label.choice:has(input[value='4'])")  # Hài lòng
    page.tap("#q-S03 label.choice.none")
    screenshot(page, "sipas-online-phone-page1")
    screenshot(page, "sipas-online-phone")
    press(page, "Tiếp theo")
    assert page.locator("text=Trang 2/4").is_visible()
    press(page, "Quay lại")  # the first page kept its answers
    assert page.is_checked("#q-S01 input[value='5']") and page.is_checked("#q-S03 input[value='99']")
    press(page, "Tiếp theo")
    page.tap("#q-S04v2 label.choice:has(input[value='2'])")  # Không hài lòng
    press(page, "Tiếp theo")
    page.tap("#q-S06 label.choice:has-text('Bình thường')")
    press(page, "Tiếp theo")
    assert page.locator("text=Thông tin về bạn (không bắt buộc)").is_visible()
    page.fill("#comment", "Cán bộ hướng dẫn rất tận tình")
    screenshot(page, "sipas-online-phone-last-page")
    press(page, "Gửi câu trả lời")
    assert page.locator("text=Xin cảm ơn!").is_visible()
    screenshot(page, "sipas-online-phone-thanks")
    assert count(campaign) == 1
    report = campaign_report(db.session, campaign, live_org.ward, questionnaire=questionnaire_of(campaign))
    assert report["criteria"]["S01"]["counts"]["5"] == 1 and report["criteria"]["S02"]["counts"]["4"] == 1
    assert report["criteria"]["S03"]["n"] == 0 and report["criteria"]["S04v2"]["counts"]["2"] == 1
    # the same phone cannot answer twice
    page.goto(f"{live_server.url}/sipas/s/TH-LIVE/00109")
    assert page.locator("text=Thiết bị này đã trả lời khảo sát").is_visible()
    assert_accessible(page)
    context.close()
    assert errors == []
    assert_every_page_checked(page)


def test_type_a_paper_batch_by_keyboard_only(page, live_server, live_org, campaign):
    batch = open_batch(
        campaign, live_org.ward, place="Một cửa phường Bưởi", collected_on=date.today(), forms_in_hand=2,
        user_id=live_org.users["official"].id,
    )  # fmt: skip
    db.session.commit()
    sign_in(page, live_server.url, "official1", PASSWORD)
    page.goto(f"{live_server.url}/sipas/batches/{batch.id}")
    assert page.evaluate("document.activeElement.name") == "S01"
    assert_accessible(page)
    # form 1: nine ratings then the three demographic answers of Mẫu số 02, one key each; "8" is refused
    # on S04v2, "3" on D1 (Nam / Nữ only)
    page.keyboard.type("4538")
    assert page.input_value("input[name=S04v2]") == ""
    assert page.evaluate("document.activeElement.name") == "S04v2"
    page.keyboard.type("52" + "45" + "4" + "0" + "3" + "1" + "2" + "4")
    assert_accessible(page)  # the refused keys leave no error list behind
    screenshot(page, "sipas-paper-entry")
    with page.expect_navigation():  # waits for "load": the next form's key handlers and focus are set
        page.keyboard.press("Enter")
    page.wait_for_selector("text=Đã lưu phiếu 1.")
    assert_accessible(page)
    assert page.evaluate("document.activeElement.name") == "S01"
    # form 2: a space leaves an answer blank ("no answer"), Backspace on an empty box goes back
    page.keyboard.type("1 ")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("2" + "3" * 8)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("text=Đã nhập đủ 2 phiếu")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Đóng lô")).to_be_focused()  # autofocus
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the close button has the focus
    page.wait_for_selector("text=Đã đóng lô: 2 phiếu.")
    assert_accessible(page)
    screenshot(page, "sipas-paper-batch-closed")
    report = campaign_report(db.session, campaign, live_org.ward, questionnaire=questionnaire_of(campaign))
    assert report["channels"] == {"paper": 2}
    s01 = report["criteria"]["S01"]
    assert s01["counts"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0} and s01["index"] == 50.0
    assert report["criteria"]["S05"]["counts"]["2"] == 1  # form 1: the refused 8 did not land
    assert report["criteria"]["S09"]["n"] == 1  # form 1 left S09 at 0; form 2 typed 3 there
    assert report["perceptions"]["D4v2"][4] == 100.0  # Đại học


def test_import_a_csv_with_errors_and_see_them_listed(page, live_server, live_org, campaign, tmp_path):
    header = "response_id,unit_code,channel,submitted_at," + ",".join(CRITERIA)
    day = date.today().isoformat()
    path = tmp_path / "phieu.csv"
    path.write_text(
        f"{header}\nr1,00109,phone,{day},5,4,4,4,4,4,4,4,4\nr2,00109,fax,{day},5,4,4,4,4,4,4,4,9\n"
        f"r3,XYZ,paper,1999-01-01,5,4,4,4,4,4,4,4,4\n",
        encoding="utf-8",
    )
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.goto(f"{live_server.url}/sipas/campaigns/TH-LIVE/import")
    assert_accessible(page)
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    items = page.locator(".import-errors li")
    assert items.all_inner_texts() == [
        "Dòng 3: kênh phải là online, paper, phone hoặc interview; S09: 9 không phải là câu trả lời hợp lệ.",
        "Dòng 4: không có đơn vị mã XYZ; submitted_at nằm ngoài thời gian của đợt khảo sát.",
    ]
    assert_accessible(page)
    screenshot(page, "sipas-import-errors")
    assert count(campaign) == 0


def test_leader_reads_results_and_prints_the_qr_poster(page, live_server, live_org, campaign):
    day = date.today().isoformat()
    header = "response_id,unit_code,channel,submitted_at," + ",".join(CRITERIA)
    rng, rows = random.Random(4), []
    for i in range(30):
        # every answer valid: 30 per criterion, the smallest sample an index is shown for
        values = ",".join(str(rng.choice((2, 3, 4, 4, 4, 5, 5))) for _ in range(9))
        rows.append(f"a{i},{'00109' if i % 3 else '00112'},paper,{day},{values}")
    assert import_csv(campaign, header + "\n" + "\n".join(rows) + "\n").created == 30
    db.session.commit()
    sign_in(page, live_server.url, "leader1", PASSWORD)
    page.goto(f"{live_server.url}/sipas/campaigns/TH-LIVE/results")
    assert page.locator("#unit option:checked").inner_text().startswith("Quận Tây Hồ")
    assert page.locator("[data-testid=overall]").inner_text().endswith("%")
    assert_accessible(page)
    screenshot(page, "sipas-results")
    page.goto(f"{live_server.url}/sipas/campaigns/TH-LIVE")
    assert page.locator("progress").count() == 2
    assert_accessible(page)
    screenshot(page, "sipas-campaign")
    page.goto(f"{live_server.url}/sipas/campaigns/TH-LIVE/poster/00109")
    assert page.locator("img.poster-qr").evaluate("img => img.naturalWidth > 0")
    assert_accessible(page)
    screenshot(page, "sipas-poster")
