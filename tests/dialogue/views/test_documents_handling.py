"""The minutes and the conclusion notice print each comment's handling (NĐ 20/2008: classification, outcome,
notice to the speaker) as the comment page labels it, and name who answered in writing, never a login."""

import io
from datetime import UTC, date, datetime

import time_machine
from docx import Document
from flask_migrate import downgrade, upgrade

from survey_app.dialogue.comments import add_comment, answer_in_writing
from survey_app.dialogue.handling import answer_with_outcome, classify, record_notice
from survey_app.extensions import db
from survey_app.models.dialogue import (
    Competence,
    DialogueComment,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
)
from tests.dialogue.helpers import pdf_text, signed_in
from tests.factories import add_departments, comment_input, make_conference

ANSWER_DAY = datetime(2018, 6, 11, 2, 0, tzinfo=UTC)  # Mon 11/6/2018 09:00 in Hà Nội
NOTICE_DAY = datetime(2018, 6, 12, 2, 0, tzinfo=UTC)
RECOMMEND = "Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ hoặc ban hành mới"
WRITTEN_HANDLING = (
    "Thẩm quyền: Thuộc thẩm quyền của cơ quan chủ trì; Cơ sở xử lý: Có đủ cơ sở để xử lý; "
    "Kết quả xử lý: Sửa đổi, bổ sung quy định; Thông báo kết quả cho người phản ánh: 12/06/2018 · Công văn"
)


def _conference_with_handled_comments(org):
    """1: a rule answered on the spot with its outcome; 2: a rule answered in writing by the justice office's
    official (login tuphap1) without "answered by", classified, with its outcome, the result sent by
    letter; 3: an anonymous question answered in writing (its result is published)."""
    add_departments(org)
    conference = make_conference(org)
    add_comment(
        conference,
        comment_input(
            content="Quy định về biển số nhà chưa phù hợp.",
            category="unsuitable_rules",
            outcome="on_spot",
            answered_by="Trưởng phòng Quản lý đô thị",
            answer="Quận sẽ kiến nghị Thành phố.",
            handling_outcome=HandlingOutcome.recommend,
        ),
        None,
    )
    rule = add_comment(
        conference,
        comment_input(
            content="Quy định chứng thực bản sao chồng chéo.",
            category="conflicting_rules",
            speaker_name="Nguyễn Văn An",
            outcome="written",
            department_id=org.dept_tp.id,
        ),
        None,
    )
    question = add_comment(
        conference,
        comment_input(content="Hỏi về lệ phí.", outcome="written", department_id=org.dept_tp.id),
        None,
    )
    official = org.users["dept"]
    classify(rule, Competence.within, HandlingBasis.sufficient, official)
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer_with_outcome(rule, "Phòng sẽ thống nhất mẫu.", HandlingOutcome.amend, official)
        answer_in_writing(question, "Lệ phí theo quy định hiện hành.", official)
    with time_machine.travel(NOTICE_DAY, tick=False):
        record_notice(rule, date(2018, 6, 12), NoticeMeans.letter, official, "Số 12/TP gửi an@example.vn")
    db.session.commit()
    return conference


def test_the_documents_print_the_handling_where_each_one_records_it(app, org):
    conference = _conference_with_handled_comments(org)
    client = signed_in(app, org.users["official"].username)
    base = f"/dialogue/{conference.id}"
    minutes = [
        client.get(f"{base}/minutes").get_data(as_text=True),
        "\n".join(p.text for p in Document(io.BytesIO(client.get(f"{base}/minutes.docx").data)).paragraphs),
    ]
    for document in minutes:
        # the answer given at the conference, with its outcome
        assert "Trưởng phòng Quản lý đô thị trả lời tại hội nghị: Quận sẽ kiến nghị Thành phố." in document
        assert f"Kết quả xử lý: {RECOMMEND}" in document
        # the handling of a written answer comes after the minutes: never in them
        assert "Sửa đổi, bổ sung quy định" not in document and "Thẩm quyền:" not in document
    conclusion = [
        client.get(f"{base}/conclusion").get_data(as_text=True),
        "\n".join(
            p.text for p in Document(io.BytesIO(client.get(f"{base}/conclusion.docx").data)).paragraphs
        ),
        pdf_text(client.get(f"{base}/conclusion.pdf").data),
    ]
    for document in conclusion:
        assert WRITTEN_HANDLING in document
        assert (
            "Thông báo kết quả cho người phản ánh: Ý kiến không nêu tên: kết quả được công khai" in document
        )
        # no answer by the signed-in account's login (nor its name): the department answered
        assert "Phòng Tư pháp quận Tây Hồ trả lời bằng văn bản: Phòng sẽ thống nhất mẫu." in document
        assert "Phòng Tư pháp quận Tây Hồ trả lời bằng văn bản: Lệ phí theo quy định hiện hành." in document
        assert "tuphap1" not in document.lower()
        # the reference may hold the speaker's address: kept on the comment page, never printed
        assert "an@example.vn" not in document and "Số 12/TP" not in document
        assert RECOMMEND not in document  # the answer on the spot is the minutes'
    ledger = client.get(f"{base}/comments.csv").get_data().decode("utf-8-sig")
    assert "Số 12/TP gửi an@example.vn" in ledger  # the internal ledger keeps it


def test_the_migration_names_the_department_where_an_answer_kept_a_login(app, org):
    """Written answers saved before 0017_dlg3 without "answered by" kept the recording user's login."""
    conference = _conference_with_handled_comments(org)
    rule, question = sorted(
        (c for c in conference.comments if not c.answered_on_spot), key=lambda c: c.number
    )
    rule.answered_by = "tuphap1"  # what the old fallback stored for an account without a full name
    question.answered_by = "Trưởng phòng Tư pháp"  # typed by the user: kept
    db.session.commit()
    ids = rule.id, question.id
    db.session.remove()
    downgrade(revision="0016_natl")
    upgrade(revision="heads")
    rule, question = (db.session.get(DialogueComment, i) for i in ids)
    assert rule.answered_by == "Phòng Tư pháp quận Tây Hồ"
    assert question.answered_by == "Trưởng phòng Tư pháp"
