"""The dialogue journey in a real browser: plan, log 11 comments by keyboard, follow up, publish, minutes."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Role
from survey_app.models.dialogue import CommentStatus, DialogueComment, DialogueConference, HandlingOutcome
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD
from tests.dialogue.helpers import add_departments, make_conference, pdf_text
from tests.factories import make_user

pytestmark = pytest.mark.browser

# (content, outcome, speaker name, name may be published)
COMMENTS = [
    ("Cán bộ Bộ phận Một cửa quận niềm nở, hướng dẫn tận tình.", "on_spot", "Nguyễn Văn An", True),
    ("Thái độ cán bộ một cửa các phường đã chuyển biến tích cực.", "on_spot", "Trần Thị Bích", False),
    ("Đề nghị hướng dẫn nộp hồ sơ trực tuyến mức độ 3, 4.", "on_spot", "", False),
    ("Thủ tục đăng ký hộ kinh doanh cá thể cần giấy tờ gì?", "on_spot", "", False),
    ("Quy trình cấp giấy phép xây dựng nhà ở riêng lẻ thế nào?", "on_spot", "", False),
    ("Hướng dẫn thủ tục cấp biển số nhà trong ngõ mới.", "on_spot", "", False),
    ("Thủ tục xác nhận mức độ khuyết tật làm ở đâu?", "on_spot", "", False),
    ("Hồ sơ chứng thực hợp đồng phải chờ nhiều ngày.", "written", "Lê Văn Cường", False),
    ("Đề nghị công khai danh mục thủ tục được rút ngắn thời gian.", "written", "", False),
    ("Tra cứu tình trạng hồ sơ trực tuyến còn khó khăn.", "written", "", False),
    ("Khu vực chờ của Bộ phận Một cửa còn chật.", "later", "", False),
]


RECOMMEND = "Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ hoặc ban hành mới"


def log_comment(page, index, content, outcome, name, consent, department_id):
    """Type one comment with the keyboard only, then record it with Ctrl+Enter."""
    page.focus("#content")
    page.keyboard.type(content)
    page.keyboard.press("Tab")  # category
    page.keyboard.press("ArrowDown")  # from "— choose —" to the first category
    if index % 2:
        page.keyboard.press("ArrowDown")
    if name:
        page.focus("#speaker_name")
        page.keyboard.type(name)
        if consent:
            page.focus("#name_consent")
            page.keyboard.press("Space")
    if outcome == "on_spot":
        page.keyboard.press("Alt+1")  # focuses "answered by"
        page.keyboard.type("Trưởng phòng Tư pháp")
        page.keyboard.press("Tab")
        page.keyboard.type(f"Trả lời tại chỗ cho ý kiến {index}.")
        if index == 3:  # a proposal: what its handling decided (NĐ 20/2008 Điều 15), said on the spot
            page.select_option("#handling_outcome", label=RECOMMEND)
    elif outcome == "written":
        page.keyboard.press("Alt+2")  # focuses the department's search box
        assert page.evaluate("document.activeElement.id") == "department_id-filter"
        # Anywhere in the name, accents optional: every name starts with "Phòng".
        page.keyboard.type("tu phap")
        assert page.input_value("#department_id") == str(department_id)
    else:
        page.keyboard.press("Alt+3")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#logged-count")).to_have_text(str(index))


def test_dialogue_conference_journey(page, live_server, live_org, live_app):
    base = live_server.url
    org = live_org
    add_departments(org)
    tp = org.dept_tp.id
    sign_in(page, base, "official1", PASSWORD)

    # 1. Plan the conference and print its invitation.
    page.goto(f"{base}/dialogue/new")
    assert_accessible(page)
    page.fill("#title", "Hội nghị đối thoại về thủ tục hành chính lần thứ nhất năm 2018")
    page.select_option("#host_unit_id", str(org.district.id))
    page.fill("#held_on", "01/06/2018")
    page.fill("#held_time", "08:00")
    page.fill("#venue", "Hội trường UBND quận Tây Hồ")
    page.fill("#chair", "Nguyễn Đình Khuyến – Phó Chủ tịch UBND quận")
    page.fill("#co_organiser", "Ủy ban MTTQ quận")
    page.check(f"input[name=invitee_ids][value='{tp}']")
    page.check(f"input[name=invitee_ids][value='{org.dept_qldt.id}']")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("#conference-state").inner_text() == "Đã lên kế hoạch"
    assert_accessible(page)
    conference_url = page.url
    with page.expect_navigation():
        page.click("text=Giấy mời")
    assert "GIẤY MỜI" in page.inner_text("article")
    assert "Phòng Tư pháp quận Tây Hồ" in page.inner_text("article")
    assert_accessible(page)
    screenshot(page, "dialogue-invitation")
    page.goto(conference_url)
    with page.expect_navigation():
        page.click("#state-button")  # open the session
    assert page.locator("#conference-state").inner_text() == "Đang diễn ra"
    assert_accessible(page)

    # 2. Live logging by keyboard; a draft survives a reload.
    with page.expect_navigation():  # waits for "load": the live form's shortcuts are attached
        page.click("#live-link")
    page.wait_for_selector("#live-form")
    assert_accessible(page)
    for index, (content, outcome, name, consent) in enumerate(COMMENTS[:5], start=1):
        log_comment(page, index, content, outcome, name, consent, tp)
    page.focus("#content")
    page.keyboard.type("Bản nháp chưa gửi")
    page.reload()
    assert page.input_value("#content") == "Bản nháp chưa gửi"
    assert page.locator("#live-status").inner_text() != ""
    page.fill("#content", "")
    # Alt+2 left on the default department: the reason beside the department field, nothing sent.
    page.keyboard.type("Ý kiến chưa chọn phòng, ban")
    page.select_option("#category", "procedure_questions")
    page.keyboard.press("Alt+2")
    page.keyboard.press("Control+Enter")
    why = "Hãy chọn phòng, ban trả lời bằng văn bản (hoặc chọn đơn vị được hỏi)."
    expect(page.locator("#department_id-err")).to_have_text(why)
    assert page.get_attribute("#department_id", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "department_id-filter"
    expect(page.locator("#logged-count")).to_have_text("5")
    screenshot(page, "dialogue-live-no-department")
    assert_accessible(page)
    page.fill("#department_id-filter", "zzz")
    expect(page.locator("#department_id-filter-count")).to_have_text("Không có tên nào chứa nội dung này")
    page.fill("#department_id-filter", "đô thị")
    expect(page.locator("#department_id-filter-count")).to_have_text("1 đơn vị phù hợp")
    assert page.input_value("#department_id") == str(org.dept_qldt.id)
    expect(page.locator("#department_id-err")).to_have_count(0)  # a department chosen: the reason goes
    expect(page.locator("#live-status")).to_have_text("")
    screenshot(page, "dialogue-live-department")
    assert_accessible(page)
    page.fill("#department_id-filter", "")
    page.select_option("#department_id", "0")
    page.fill("#content", "")
    page.keyboard.press("Alt+3")
    for index, (content, outcome, name, consent) in enumerate(COMMENTS[5:], start=6):
        log_comment(page, index, content, outcome, name, consent, tp)
    assert "Đã ghi nhận ý kiến số 11." in page.inner_text("#live-status")
    assert page.locator("#department_id-err").count() == 0  # the refusal went with the comment it was about
    # the list, added to by the script, says what the handling decided and who answers in writing by when
    logged = page.locator("#logged li")
    expect(logged.filter(has_text=COMMENTS[2][0])).to_contain_text(f"Kết quả xử lý: {RECOMMEND}")
    expect(logged.filter(has_text=COMMENTS[7][0])).to_contain_text(
        "Phòng Tư pháp quận Tây Hồ, hạn trả lời 15/06/2018"
    )
    expect(logged.filter(has_text=COMMENTS[0][0]).locator(".detail")).to_have_count(0)
    screenshot(page, "dialogue-live")
    assert_accessible(page)
    comments = db.session.scalars(select(DialogueComment).order_by(DialogueComment.number)).all()
    assert [c.content for c in comments] == [c[0] for c in COMMENTS]
    assert [c.status for c in comments].count(CommentStatus.answered_on_spot) == 7
    assert comments[0].name_consent and not comments[1].name_consent
    assert [c.handling_outcome for c in comments[:4]] == [None, None, HandlingOutcome.recommend, None]
    assert comments[7].due_on == date(2018, 6, 15)  # 10 working days after Friday 01/6/2018

    # 3. Close; assign the comment left for later with the bulk form.
    page.goto(conference_url)
    with page.expect_navigation():
        page.click("#state-button")
    assert "Kết thúc hội nghị?" in page.inner_text("main")  # asked, with what is still unanswered
    assert page.inner_text("#unanswered").startswith("4 trong số 11 ý kiến chưa được trả lời.")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#confirm-button")
    assert page.locator("#conference-state").inner_text() == "Đã kết thúc"
    page.check("#comment-11 input[type=checkbox]")
    page.fill("#department_id-filter", "quan ly do thi")
    assert page.input_value("#department_id") == str(org.dept_qldt.id)
    page.locator("#assign-form fieldset").screenshot(path=str(screenshot(page, "dialogue-assign-filter")))
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#assign-form button[type=submit]")
    assert "Đã giao 1 ý kiến." in page.inner_text("main")
    assert_accessible(page)
    page.click("header form button[type=submit]")

    # 4. The department answers one comment from its inbox, using a template.
    sign_in(page, base, "tuphap1", PASSWORD)
    page.goto(f"{base}/dialogue/inbox")
    rows = page.locator("#inbox tbody tr")
    assert rows.count() == 3  # the three written comments of Tư pháp, not Quản lý đô thị's
    assert_accessible(page)
    with page.expect_navigation():  # waits for "load": the template buttons' script is attached
        page.click(f"text={COMMENTS[7][0]}")
    page.click("text=Tiếp thu, hẹn ngày báo kết quả")  # templates are named
    assert page.input_value("#a-answer").startswith("Tiếp thu ý kiến")
    assert_accessible(page)
    selected = page.evaluate(
        "document.activeElement.value.substring("
        "document.activeElement.selectionStart, document.activeElement.selectionEnd)"
    )
    assert selected == "[ngày]"  # the template's blank, selected: typing fills it in

    # 4a. Classify it (NĐ 20/2008 Điều 14): within the competence, but the basis forgotten at first.
    answer_draft = page.input_value("#a-answer")
    page.check("#c-competence-0")
    with page.expect_navigation():
        page.click("#classify-form button[type=submit]")
    assert "Hãy cho biết đã có đủ cơ sở để xử lý ý kiến hay chưa." in page.inner_text("#c-basis-err")
    assert page.inner_text("#competence") == "Chưa phân loại"  # nothing stored
    assert_accessible(page)  # the error beside the basis
    page.check("#c-competence-0")
    page.check("#c-basis-0")
    with page.expect_navigation():
        page.click("#classify-form button[type=submit]")
    assert page.inner_text("#competence") == "Thuộc thẩm quyền của cơ quan chủ trì"
    assert page.inner_text("#basis") == "Có đủ cơ sở để xử lý"
    assert "Đã phân loại" in page.inner_text("#history")
    assert_accessible(page)
    page.fill("#a-answer", answer_draft)
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")  # the blank left as is: refused beside the answer
    assert "còn chỗ trống của mẫu: [ngày]" in page.inner_text("#a-answer-err")
    assert_accessible(page)  # the error beside the answer
    screenshot(page, "dialogue-answer-blank")
    page.fill(
        "#a-answer",
        "Phòng Tư pháp đã bố trí thêm người ký chứng thực; hồ sơ nộp trước 15 giờ trả trong ngày.",
    )
    page.select_option("#a-handling_outcome", "keep_explain")  # optional: not about a regulation
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    assert "Đã trả lời bằng văn bản" in page.inner_text("#history")
    assert page.inner_text("#handling-outcome") == "Giữ nguyên, giải thích"
    assert_accessible(page)

    # 4b. The speaker, Lê Văn Cường, is named: the inbox lists the comment until he is sent the result.
    page.goto(f"{base}/dialogue/inbox?notice=1")
    assert page.locator("#inbox tbody tr").count() == 1
    assert_accessible(page)
    page.click(f"text={COMMENTS[7][0]}")
    page.select_option("#n-notice_means", "letter")
    page.fill("#n-notice_reference", "125/UBND-TP")
    with page.expect_navigation():
        page.click("#notice-form button[type=submit]")
    assert page.inner_text("#notice").endswith("Công văn (125/UBND-TP)")
    assert_accessible(page)
    screenshot(page, "dialogue-handling")
    page.goto(f"{base}/dialogue/inbox?notice=1")
    assert page.locator("#inbox-empty").is_visible()
    assert_accessible(page)

    # 5. Time passes: on 18/6/2018 the two unanswered comments are overdue. (A session cookie signed
    # today would come from the future then: the department signs in again inside the travel.)
    page.click("header form button[type=submit]")
    with time_machine.travel(datetime(2018, 6, 18, 2, tzinfo=UTC), tick=False):
        sign_in(page, base, "tuphap1", PASSWORD)
        page.goto(f"{base}/dialogue/inbox")
        assert page.locator("#inbox tr.overdue").count() == 2
        assert page.locator(".overdue-badge").count() == 2
        assert_accessible(page)
        screenshot(page, "dialogue-inbox-overdue")
        page.click("header form button[type=submit]")

    # 6. The host publishes every held answer at once; the public page shows no name without consent.
    sign_in(page, base, "official1", PASSWORD)
    page.goto(conference_url)
    with page.expect_navigation():
        page.click("#state-button")
    assert "chưa được trả lời" in page.inner_text("#unanswered")
    assert_accessible(page)
    screenshot(page, "dialogue-confirm-publish")
    with page.expect_navigation():
        page.click("#confirm-button")
    assert page.locator("#conference-state").inner_text() == "Đã công bố"
    assert_accessible(page)
    screenshot(page, "dialogue-ledger")
    with page.expect_navigation():  # the conference page has a <main> too, with every speaker's name
        page.click("#public-link")
    public = page.inner_text("main")
    assert "Phòng Tư pháp đã bố trí thêm người ký chứng thực" in public
    assert "Nguyễn Văn An" in public
    assert "Trần Thị Bích" not in public and "Lê Văn Cường" not in public
    assert_accessible(page)
    screenshot(page, "dialogue-public")

    # 7. Download the minutes and check their content.
    page.goto(conference_url)
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("#minutes-docx")
    data = download.value.path().read_bytes()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "BIÊN BẢN" in text and "Hội nghị đã nhận được 11 ý kiến:" in text
    for content, *_rest in COMMENTS:
        assert content in text
    assert "Trưởng phòng Tư pháp trả lời tại hội nghị: Trả lời tại chỗ cho ý kiến 1." in text
    assert RECOMMEND in text  # the outcome given with the third comment's answer on the spot
    # The written answer came after the conference: it is the conclusion notice's, not the minutes'.
    assert "Phòng Tư pháp đã bố trí thêm người ký chứng thực" not in text
    assert "Tây Hồ, ngày 01 tháng 6 năm 2018" in "\n".join(
        p.text
        for t in Document(io.BytesIO(data)).tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
    )
    assert "Giao Phòng Quản lý đô thị quận Tây Hồ trả lời bằng văn bản trước ngày 15/06/2018." in text
    conference = db.session.scalar(select(DialogueConference))
    page.goto(f"{base}/dialogue/{conference.id}/minutes")
    assert "BIÊN BẢN" in page.inner_text("article")
    assert_accessible(page)
    screenshot(page, "dialogue-minutes")
    with page.expect_download() as download:
        page.click("text=Tải về PDF")
    assert download.value.suggested_filename == f"bien-ban-{conference.id}.pdf"
    pdf = pdf_text(download.value.path().read_bytes())
    assert "BIÊN BẢN" in pdf and "Hội nghị đã nhận được 11 ý kiến:" in pdf
    assert "Trưởng phòng Tư pháp trả lời tại hội nghị: Trả lời tại chỗ cho ý kiến 1." in pdf
    page.goto(f"{base}/dialogue/{conference.id}/conclusion")
    notice = page.inner_text("article")
    assert "Số: …/TB-UBND" in notice and "KT. CHỦ TỊCH" in notice and "Nơi nhận:" in notice
    assert "Phòng Tư pháp đã bố trí thêm người ký chứng thực" in notice
    assert_accessible(page)
    screenshot(page, "dialogue-conclusion")  # the comments answered in writing, under their ledger numbers


def test_comments_typed_while_offline_are_kept_and_resent(page, live_server, live_org):
    conference = make_conference(live_org)
    sign_in(page, live_server.url, "official1", PASSWORD)
    page.goto(f"{live_server.url}/dialogue/{conference.id}/live")
    assert_accessible(page)
    page.context.set_offline(True)
    page.focus("#content")
    page.keyboard.type("Ý kiến ghi khi mất mạng")
    page.keyboard.press("Alt+3")
    page.keyboard.press("Control+Enter")  # no category chosen: asked for, nothing queued
    expect(page.locator("#live-status")).to_have_text("Hãy chọn nhóm nội dung của ý kiến.")
    assert page.evaluate("document.activeElement.id") == "category"
    assert_accessible(page)
    page.select_option("#category", "procedure_questions")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#live-status")).to_contain_text("Mất kết nối: 1 ý kiến")
    assert page.input_value("#content") == ""  # the form is free for the next speaker
    page.context.set_offline(False)  # back online: the queued comment is resent by itself
    expect(page.locator("#live-status")).to_contain_text("Đã ghi nhận ý kiến số 1.")
    page.reload()
    expect(page.locator("#logged-count")).to_have_text("1")  # stored once
    saved = db.session.scalars(select(DialogueComment)).all()
    assert [c.content for c in saved] == ["Ý kiến ghi khi mất mạng"]
    # Chromium reports the failed request of the offline moment on the console; nothing else may appear.
    page.console_errors[:] = [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]


def test_a_refused_comment_comes_back_into_the_form(page, live_server, live_org):
    conference = make_conference(live_org)
    sign_in(page, live_server.url, "official1", PASSWORD)
    page.goto(f"{live_server.url}/dialogue/{conference.id}/live")
    assert_accessible(page)
    page.focus("#content")
    page.keyboard.type("Ý kiến thiếu nội dung trả lời")
    page.select_option("#category", "procedure_questions")
    page.keyboard.press("Alt+1")  # answered on the spot, but no answer typed
    page.keyboard.press("Control+Enter")
    expect(page.locator("#live-status")).to_contain_text("Hãy nhập nội dung đã trả lời tại hội nghị.")
    assert page.input_value("#content") == "Ý kiến thiếu nội dung trả lời"
    assert_accessible(page)
    page.fill("#answered_by", "Chánh Văn phòng")
    page.fill("#answer", "Đã trả lời.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#logged-count")).to_have_text("1")
    assert db.session.scalar(select(DialogueComment.content)) == "Ý kiến thiếu nội dung trả lời"
    page.console_errors[:] = [e for e in page.console_errors if "status of 400" not in e]


def test_a_ward_leader_reads_his_wards_conference(page, live_server, live_org):
    """From the Results home, the ward's chairman opens his ward's conference and its minutes, read-only."""
    conference = make_conference(live_org, host=live_org.ward, title="Đối thoại phường Bưởi năm 2018")
    make_user("chutich_buoi", Role.leader, live_org.ward)
    db.session.commit()
    base = live_server.url
    sign_in(page, base, "chutich_buoi", PASSWORD)
    page.goto(f"{base}/leader")
    page.click("#dialogue-conferences-tile")
    page.wait_for_url(f"{base}/dialogue/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("text=Đối thoại phường Bưởi năm 2018")
    expect(page.locator("h1")).to_contain_text("Đối thoại phường Bưởi năm 2018")
    expect(page.locator("#state-button")).to_have_count(0)
    assert page.url.endswith(f"/dialogue/{conference.id}")
    screenshot(page, "dialogue-leader-conference")
    assert_accessible(page)


def test_a_comment_sent_in_writing_before_the_conference_gets_its_receipt_date(page, live_server, live_org):
    """The receipt date shows for a comment sent beforehand, not for one spoken at the conference; a date
    after the conference day is refused beside the field; the right one is stored."""
    conference = make_conference(live_org)
    sign_in(page, live_server.url, "official1", PASSWORD)
    page.goto(f"{live_server.url}/dialogue/{conference.id}/live")
    expect(page.locator("#received_on")).to_be_hidden()  # spoken at the conference: received that day
    assert_accessible(page)
    page.select_option("#channel", "written")
    expect(page.locator("#received_on")).to_be_visible()
    page.fill("#content", "Đơn gửi trước hội nghị về thời gian cấp giấy phép xây dựng.")
    page.select_option("#category", "procedure_questions")
    page.fill("#received_on", "02/06/2018")
    page.focus("#content")
    page.keyboard.press("Alt+3")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#received_on-err")).to_have_text(
        "Ý kiến gửi trước được tiếp nhận vào hoặc trước ngày hội nghị."
    )
    expect(page.locator("#logged-count")).to_have_text("0")
    screenshot(page, "dialogue-live-receipt-date-refused")
    assert_accessible(page)
    page.fill("#received_on", "21/05/2018")
    page.focus("#content")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#logged-count")).to_have_text("1")
    comment = db.session.scalar(select(DialogueComment))
    assert comment.received_on == date(2018, 5, 21) and comment.channel.value == "written"
    page.select_option("#channel", "spoken")
    expect(page.locator("#received_on")).to_be_hidden()
    screenshot(page, "dialogue-live-receipt-date")
    assert_accessible(page)
    page.console_errors[:] = [e for e in page.console_errors if "status of 400" not in e]
