"""Handling a comment as Decree 20/2008 says: classification (Art. 14), outcome (15), notice (19)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from survey_app.dialogue.comments import answer_in_writing, answer_on_spot, forward
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.handling import (
    answer_with_outcome,
    awaiting_notice,
    awaiting_notice_query,
    classify,
    record_notice,
)
from survey_app.dialogue.outcomes import needs_outcome
from survey_app.extensions import db
from survey_app.models import AuditEntry
from survey_app.models.dialogue import (
    CommentStatus,
    Competence,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
    SpeakerKind,
)
from tests.factories import add_departments, make_comment, make_conference

# The answer is written on Mon 11/6/2018 (09:00 in Hà Nội); the conference was on 01/6.
ANSWER_DAY = datetime(2018, 6, 11, 2, 0, tzinfo=UTC)


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _assigned(org, **overrides):
    add_departments(org)
    conference = make_conference(org)
    return make_comment(conference, outcome="written", department_id=org.dept_tp.id, **overrides)


def test_a_comment_within_the_competence_says_whether_there_is_enough_basis(app, org):
    comment = _assigned(org, category="unsuitable_rules")
    with pytest.raises(DialogueError) as refused:
        classify(comment, Competence.within, None, None)
    assert refused.value.field == "basis"
    with pytest.raises(DialogueError) as refused:
        classify(comment, None, None, None)
    assert refused.value.field == "competence"
    assert comment.competence is None and _audit("dialogue.comment.classify") == []

    classify(comment, Competence.within, HandlingBasis.insufficient, org.users["official"])
    db.session.commit()
    assert (comment.competence, comment.basis) == (Competence.within, HandlingBasis.insufficient)
    assert comment.status == CommentStatus.assigned  # a classification is no step of the follow-up
    assert (
        comment.events[-1].note
        == "Đã phân loại: Thuộc thẩm quyền của cơ quan chủ trì — Chưa đủ cơ sở, cần tiếp tục tập hợp"
    )
    (entry,) = _audit("dialogue.comment.classify")
    assert entry.before["competence"] is None
    assert (entry.after["competence"], entry.after["basis"]) == ("within", "insufficient")
    assert "content" not in entry.after and "speaker_name" not in entry.after


def test_a_comment_outside_the_competence_is_for_the_competent_body_to_judge(app, org):
    comment = _assigned(org)
    with pytest.raises(DialogueError) as refused:
        classify(comment, Competence.outside, HandlingBasis.sufficient, None)
    assert refused.value.field == "basis"
    classify(comment, Competence.outside, None, None)
    assert comment.basis is None
    assert comment.events[-1].note.endswith("cần chuyển đến cơ quan có thẩm quyền")
    with time_machine.travel(datetime(2018, 6, 4, 2, 0, tzinfo=UTC), tick=False):
        forward(comment, "Sở Xây dựng Hà Nội", None)
    # once forwarded, it cannot be said to lie within the host's competence
    with pytest.raises(DialogueError) as refused:
        classify(comment, Competence.within, HandlingBasis.sufficient, None)
    assert refused.value.field == "competence" and comment.competence == Competence.outside


def test_an_answered_comment_keeps_its_classification(app, org):
    add_departments(org)
    comment = make_comment(make_conference(org))
    answer_on_spot(comment, "Trưởng phòng Tư pháp", "Đã giải đáp tại hội nghị.", None)
    with pytest.raises(DialogueError, match="đã được trả lời"):
        classify(comment, Competence.within, HandlingBasis.sufficient, None)
    assert comment.competence is None


def test_a_comment_about_a_regulation_is_answered_with_its_outcome(app, org):
    comment = _assigned(org, category="unsuitable_rules")
    assert needs_outcome(comment)
    with time_machine.travel(ANSWER_DAY, tick=False):
        with pytest.raises(DialogueError) as refused:
            answer_with_outcome(comment, "Quận sẽ kiến nghị sửa quy định.", None, None)
        assert refused.value.field == "handling_outcome"
        assert comment.status == CommentStatus.assigned and comment.answer == ""
        answer_with_outcome(comment, "Quận kiến nghị Sở sửa quy định.", HandlingOutcome.recommend, None)
    db.session.commit()
    assert comment.status == CommentStatus.answered
    assert comment.handling_outcome == HandlingOutcome.recommend
    assert comment.events[-1].note == (
        "Kết quả xử lý: Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ hoặc ban hành mới"
    )
    (entry,) = _audit("dialogue.comment.answer")
    assert (entry.before["status"], entry.after["status"]) == ("assigned", "answered")
    assert entry.after["handling_outcome"] == "recommend"


def test_praise_and_procedure_questions_need_no_outcome(app, org):
    add_departments(org)
    conference = make_conference(org)
    praise = make_comment(conference, category="praise", outcome="written", department_id=org.dept_tp.id)
    question = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    assert not needs_outcome(praise) and not needs_outcome(question)
    answer_with_outcome(praise, "Cảm ơn ý kiến của ông.", None, None)
    # one may still be given: keeping the procedure and explaining it
    answer_with_outcome(question, "Thủ tục giữ nguyên; hồ sơ gồm…", HandlingOutcome.keep_explain, None)
    assert praise.handling_outcome is None and question.handling_outcome == HandlingOutcome.keep_explain


def test_a_comment_without_enough_basis_has_no_outcome_yet(app, org):
    comment = _assigned(org, category="conflicting_rules")
    classify(comment, Competence.within, HandlingBasis.insufficient, None)
    assert not needs_outcome(comment)
    with pytest.raises(DialogueError) as refused:
        answer_with_outcome(comment, "Đang tập hợp thêm.", HandlingOutcome.amend, None)
    assert refused.value.field == "handling_outcome" and comment.status == CommentStatus.assigned
    answer_with_outcome(comment, "Quận đang tiếp tục tập hợp ý kiến.", None, None)
    assert comment.status == CommentStatus.answered and comment.handling_outcome is None


def test_the_result_is_sent_to_a_named_speaker(app, org):
    comment = _assigned(org, speaker_name="Nguyễn Văn An")
    with pytest.raises(DialogueError, match="trả lời bằng văn bản trước"):
        record_notice(comment, date(2018, 6, 11), NoticeMeans.letter, None)
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer_in_writing(comment, "Phòng Tư pháp đã rút ngắn thời gian.", None)
    db.session.commit()
    assert awaiting_notice(comment)
    official = org.users["official"]
    assert [c.id for c in db.session.scalars(awaiting_notice_query(official))] == [comment.id]
    with time_machine.travel(datetime(2018, 6, 12, 2, 0, tzinfo=UTC), tick=False):
        for day, means, field in (
            (date(2018, 6, 13), NoticeMeans.letter, "notified_on"),  # tomorrow
            (date(2018, 6, 8), NoticeMeans.letter, "notified_on"),  # before the answer of 11/6
            (None, NoticeMeans.letter, "notified_on"),
            (date(2018, 6, 12), None, "notice_means"),
        ):
            with pytest.raises(DialogueError) as refused:
                record_notice(comment, day, means, None)
            assert refused.value.field == field
        assert comment.notified_on is None and _audit("dialogue.comment.notice") == []
        record_notice(comment, date(2018, 6, 11), NoticeMeans.letter, official, " 125/UBND-TP ")
    db.session.commit()
    assert (comment.notified_on, comment.notice_means, comment.notice_reference) == (
        date(2018, 6, 11),
        NoticeMeans.letter,
        "125/UBND-TP",
    )
    assert comment.events[-1].note == (
        "Đã thông báo kết quả cho người phản ánh ngày 11/06/2018: Công văn (125/UBND-TP)"
    )
    assert not awaiting_notice(comment)
    assert list(db.session.scalars(awaiting_notice_query(official))) == []
    (entry,) = _audit("dialogue.comment.notice")
    assert entry.after["notified_on"] == "2018-06-11" and entry.after["notice_means"] == "letter"


def test_an_anonymous_comment_is_published_not_notified(app, org):
    add_departments(org)
    conference = make_conference(org)
    anonymous = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    business = make_comment(
        conference,
        outcome="written",
        department_id=org.dept_tp.id,
        speaker_kind=SpeakerKind.business,
        speaker_organisation="Công ty TNHH Hồ Tây",
    )
    with time_machine.travel(ANSWER_DAY, tick=False):
        for comment in (anonymous, business):
            answer_in_writing(comment, "Đã có câu trả lời.", None)
        db.session.commit()
        assert not awaiting_notice(anonymous) and awaiting_notice(business)
        listed = db.session.scalars(awaiting_notice_query(org.users["official"])).all()
        assert [c.id for c in listed] == [business.id]
        with pytest.raises(DialogueError, match="không nêu tên"):
            record_notice(anonymous, date(2018, 6, 11), NoticeMeans.email, None)
    assert anonymous.notified_on is None


def test_a_speaker_who_left_only_a_contact_is_sent_the_result(app, org):
    """No name, but an address for the answer: the result goes there (the contact is never published)."""
    add_departments(org)
    conference = make_conference(org)
    comment = make_comment(
        conference,
        outcome="written",
        department_id=org.dept_tp.id,
        speaker_contact=" Số 5 ngõ 12 Xuân Diệu, Quảng An ",
    )
    assert comment.speaker_contact == "Số 5 ngõ 12 Xuân Diệu, Quảng An" and comment.public_speaker == ""
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer_in_writing(comment, "Đã có câu trả lời.", None)
        assert awaiting_notice(comment)
        record_notice(comment, date(2018, 6, 11), NoticeMeans.letter, None)
    assert comment.notice_means == NoticeMeans.letter


def test_a_comment_forwarded_before_any_assignment_waits_for_its_notice_on_the_hosts_list(app, org):
    """Forwarded straight from the conference (no department), answered by the competent body: the host's
    official still finds it among those whose speaker has not been sent the result."""
    add_departments(org)
    conference = make_conference(org)
    comment = make_comment(conference, speaker_name="Phạm Thị Dung")
    with time_machine.travel(datetime(2018, 6, 4, 2, 0, tzinfo=UTC), tick=False):
        forward(comment, "Sở Xây dựng Hà Nội", None)
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer_in_writing(comment, "Sở Xây dựng đã trả lời về cấp phép.", None)
    db.session.commit()
    assert comment.department_id is None
    listed = db.session.scalars(awaiting_notice_query(org.users["official"])).all()
    assert [c.id for c in listed] == [comment.id]
    assert db.session.scalars(awaiting_notice_query(org.users["dept"])).all() == []  # not the department's
