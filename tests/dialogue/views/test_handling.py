"""The comment page and the ledger handle comments as Decree 20/2008 describes: classify, outcome, notice."""

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from survey_app.dialogue.comments import add_comment, answer_in_writing
from survey_app.dialogue.conferences import change_state
from survey_app.dialogue.handling import answer_with_outcome
from survey_app.extensions import db
from survey_app.models import AuditEntry
from survey_app.models.dialogue import (
    CommentStatus,
    Competence,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
)
from tests.conftest import post_form
from tests.dialogue.helpers import comment_count, live_form, signed_in
from tests.factories import add_departments, comment_input, make_conference
from tests.spreadsheet_checks import assert_csv_safe

ANSWER_DAY = datetime(2018, 6, 11, 2, 0, tzinfo=UTC)  # Mon 11/6/2018, 09:00 in Hà Nội


def _audit_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("dialogue.comment.%"))
    )


def _regulation_comment(org, **overrides):
    add_departments(org)
    conference = make_conference(org)
    comment = add_comment(
        conference,
        comment_input(
            content="Quy định cấp giấy phép xây dựng nhà riêng lẻ không phù hợp thực tế.",
            category="unsuitable_rules",
            speaker_name="Nguyễn Văn An",
            outcome="written",
            department_id=org.dept_tp.id,
            **overrides,
        ),
        None,
    )
    db.session.commit()
    return conference, comment


def test_classifying_a_comment_on_its_page(app, org):
    conference, comment = _regulation_comment(org)
    dept = signed_in(app, "tuphap1")
    url = f"/dialogue/comments/{comment.id}"
    page = dept.get(url).get_data(as_text=True)
    assert 'id="classify-form"' in page and "Chưa phân loại" in page
    # within the competence but no word on the basis: the page comes back saying so, nothing stored
    response = post_form(dept, url, {"kind": "classify", "c-competence": "within"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="c-basis-err"' in page and "Hãy cho biết đã có đủ cơ sở để xử lý ý kiến hay chưa." in page
    response = post_form(dept, url, {"kind": "classify"})
    assert response.status_code == 200
    assert "Hãy cho biết ý kiến có thuộc thẩm quyền của cơ quan chủ trì hay không." in response.get_data(
        as_text=True
    )
    db.session.refresh(comment)
    assert comment.competence is None and _audit_count() == 0

    response = post_form(dept, url, {"kind": "classify", "c-competence": "within", "c-basis": "sufficient"})
    assert response.status_code == 302
    assert "Đã phân loại ý kiến số 1." in dept.get(url).get_data(as_text=True)
    db.session.refresh(comment)
    assert (comment.competence, comment.basis) == (Competence.within, HandlingBasis.sufficient)
    page = dept.get(url).get_data(as_text=True)
    assert '<dd id="competence">Thuộc thẩm quyền của cơ quan chủ trì</dd>' in page
    assert '<dd id="basis">Có đủ cơ sở để xử lý</dd>' in page
    ledger = signed_in(app, "official1").get(f"/dialogue/{conference.id}").get_data(as_text=True)
    assert "Thuộc thẩm quyền của cơ quan chủ trì" in ledger and "Có đủ cơ sở để xử lý" in ledger


def test_the_written_answer_of_a_regulation_comment_carries_its_outcome(app, org):
    _conference, comment = _regulation_comment(org)
    dept = signed_in(app, "tuphap1")
    url = f"/dialogue/comments/{comment.id}"
    page = dept.get(url).get_data(as_text=True)
    assert "Ý kiến về quy định hành chính: hãy ghi kết quả xử lý" in page
    answer = {"kind": "answer", "a-answer": "Quận kiến nghị Sở Xây dựng sửa quy định."}
    response = post_form(dept, url, answer)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="a-handling_outcome-err"' in page and "hãy chọn kết quả xử lý" in page
    assert "Quận kiến nghị Sở Xây dựng sửa quy định." in page  # what was typed stays in the form
    db.session.refresh(comment)
    assert comment.status == CommentStatus.assigned and comment.answer == "" and _audit_count() == 0
    response = post_form(dept, url, {**answer, "a-handling_outcome": "repeal"})  # not one of the list
    assert response.status_code == 200
    db.session.refresh(comment)
    assert comment.status == CommentStatus.assigned

    response = post_form(dept, url, {**answer, "a-handling_outcome": "recommend"})
    assert response.status_code == 302
    db.session.refresh(comment)
    assert (comment.status, comment.handling_outcome) == (CommentStatus.answered, HandlingOutcome.recommend)
    page = dept.get(url).get_data(as_text=True)
    recommend = "Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ hoặc ban hành mới"
    assert f'<dd id="handling-outcome">{recommend}</dd>' in page


def test_the_notice_to_the_speaker_is_recorded_and_the_inbox_lists_those_still_to_notify(app, org):
    _conference, comment = _regulation_comment(org)
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer_in_writing(comment, "Quận kiến nghị Sở Xây dựng sửa quy định.", None)
    db.session.commit()
    url = f"/dialogue/comments/{comment.id}"
    with time_machine.travel(datetime(2018, 6, 12, 2, 0, tzinfo=UTC), tick=False):
        dept = signed_in(app, "tuphap1")
        waiting = dept.get("/dialogue/inbox?notice=1").get_data(as_text=True)
        assert f'data-comment="{comment.id}"' in waiting and "Chưa thông báo kết quả" in waiting
        page = dept.get(url).get_data(as_text=True)
        assert 'id="notice-hint"' in page and 'value="12/06/2018"' in page  # today offered
        tomorrow = {"kind": "notice", "n-notified_on": "13/06/2018", "n-notice_means": "letter"}
        response = post_form(dept, url, tomorrow)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'id="n-notified_on-err"' in page and "không thể ở tương lai" in page
        response = post_form(dept, url, {**tomorrow, "n-notified_on": "31/02/2018"})
        assert response.status_code == 200 and 'id="n-notified_on-err"' in response.get_data(as_text=True)
        response = post_form(dept, url, {**tomorrow, "n-notified_on": "12/06/2018", "n-notice_means": ""})
        assert response.status_code == 200
        assert "Hãy chọn hình thức gửi thông báo kết quả." in response.get_data(as_text=True)
        db.session.refresh(comment)
        assert comment.notified_on is None and _audit_count() == 0

        response = post_form(
            dept,
            url,
            {
                "kind": "notice",
                "n-notified_on": "12/06/2018",
                "n-notice_means": "letter",
                "n-notice_reference": "125/UBND-TP",
            },
        )
        assert response.status_code == 302
        page = dept.get(url).get_data(as_text=True)
        assert '<dd id="notice">12/06/2018 · Công văn (125/UBND-TP)</dd>' in page
        waiting = dept.get("/dialogue/inbox?notice=1").get_data(as_text=True)
        assert f'data-comment="{comment.id}"' not in waiting and 'id="inbox-empty"' in waiting
    db.session.refresh(comment)
    assert comment.notified_on == date(2018, 6, 12)


def test_an_anonymous_comment_offers_no_notice(app, org):
    add_departments(org)
    conference = make_conference(org)
    comment = add_comment(conference, comment_input(outcome="written", department_id=org.dept_tp.id), None)
    answer_in_writing(comment, "Hồ sơ gồm tờ khai và bản sao giấy tờ.", None)
    db.session.commit()
    dept = signed_in(app, "tuphap1")
    page = dept.get(f"/dialogue/comments/{comment.id}").get_data(as_text=True)
    assert 'id="notice-form"' not in page
    assert '<dd id="notice">Ý kiến không nêu tên: kết quả được công khai</dd>' in page
    assert f'data-comment="{comment.id}"' not in dept.get("/dialogue/inbox?notice=1").get_data(as_text=True)


def test_the_ledger_csv_carries_the_handling_of_each_comment(app, org):
    conference, comment = _regulation_comment(org, speaker_organisation='=HYPERLINK("x")')
    add_comment(conference, comment_input(content="Cán bộ tận tình.", category="praise"), None)
    comment.competence, comment.basis = Competence.within, HandlingBasis.sufficient
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer_in_writing(comment, "Quận kiến nghị Sở Xây dựng sửa quy định.", None)
    comment.handling_outcome = HandlingOutcome.recommend
    comment.notified_on = date(2018, 6, 12)
    comment.notice_means = NoticeMeans.phone
    db.session.commit()
    response = signed_in(app, "official1").get(f"/dialogue/{conference.id}/comments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, first, second = assert_csv_safe(response.data)
    assert header[12:] == [
        "Thẩm quyền",
        "Cơ sở xử lý",
        "Kết quả xử lý",
        "Trả lời",
        "Người trả lời",
        "Thông báo kết quả cho người phản ánh",
        "Hình thức thông báo",
        "Số hiệu, địa chỉ",
    ]
    assert header[3:5] == ["Tổ chức / doanh nghiệp", "Địa chỉ liên hệ"]
    row = dict(zip(header, first, strict=True))
    assert row["#"] == "1" and row["Họ tên người phát biểu"] == "Nguyễn Văn An"
    assert row["Tổ chức / doanh nghiệp"] == '\'=HYPERLINK("x")'  # neutralised, never run
    assert row["Thẩm quyền"] == "Thuộc thẩm quyền của cơ quan chủ trì"
    assert row["Cơ sở xử lý"] == "Có đủ cơ sở để xử lý"
    assert row["Kết quả xử lý"] == (
        "Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ hoặc ban hành mới"
    )
    assert (
        row["Thông báo kết quả cho người phản ánh"] == "2018-06-12"
        and row["Hình thức thông báo"] == "Điện thoại"
    )
    praise = dict(zip(header, second, strict=True))
    assert praise["#"] == "2" and praise["Thẩm quyền"] == "" and praise["Kết quả xử lý"] == ""


def test_the_contact_left_at_the_conference_shows_on_the_comment_page_only(app, org):
    """Logged live with a contact for the answer: the comment page shows it; the minutes never do."""
    add_departments(org)
    conference = make_conference(org)
    official = signed_in(app, "official1")
    live = f"/dialogue/{conference.id}/live"
    assert 'name="speaker_contact"' in official.get(live).get_data(as_text=True)
    data = live_form(outcome="written", department_id=str(org.dept_tp.id), answered_by="", answer="")
    url = f"/dialogue/{conference.id}/comments"
    too_long = post_form(official, url, {**data, "speaker_contact": "x" * 201}, token_from=live)
    assert too_long.status_code == 200 and comment_count() == 0
    response = post_form(
        official,
        f"/dialogue/{conference.id}/comments",
        {**data, "speaker_contact": "0912 345 678"},
        token_from=live,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    page = official.get(f"/dialogue/comments/{response.json['id']}").get_data(as_text=True)
    assert '<dd id="speaker-contact">0912 345 678</dd>' in page
    assert "0912 345 678" not in official.get(f"/dialogue/{conference.id}/minutes").get_data(as_text=True)


def test_the_public_page_gives_the_outcome_never_the_contact(app, org):
    conference, comment = _regulation_comment(org, speaker_contact="an.nguyen@example.vn")
    change_state(conference, "start", None)
    change_state(conference, "close", None)
    answer_with_outcome(comment, "Quận đề nghị Sở Xây dựng sửa quy định.", HandlingOutcome.recommend, None)
    change_state(conference, "publish", None)
    db.session.commit()
    page = app.test_client().get(f"/dialogue/public/{conference.id}").get_data(as_text=True)
    assert "Quận đề nghị Sở Xây dựng sửa quy định." in page
    assert (
        "<strong>Kết quả xử lý:</strong> Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ hoặc ban "
        "hành mới" in page
    )
    assert "an.nguyen@example.vn" not in page and "Nguyễn Văn An" not in page
