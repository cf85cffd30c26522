"""An answer given on the spot carries the outcome of its handling (NĐ 20/2008 Điều 15) under the written
answer's rule: survey_app/dialogue/outcomes.py, through comments.add_comment / answer_on_spot."""

import pytest
from sqlalchemy import select

from survey_app.dialogue.comments import answer_on_spot
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.handling import answer_on_spot_with_outcome, classify
from survey_app.extensions import db
from survey_app.models import AuditEntry
from survey_app.models.dialogue import (
    CommentStatus,
    Competence,
    DialogueComment,
    HandlingBasis,
    HandlingOutcome,
)
from tests.conftest import post_form
from tests.dialogue.helpers import bearer, comment_count, live_form, signed_in
from tests.factories import add_departments, make_comment, make_conference

SPOT = {"outcome": "on_spot", "answered_by": "Trưởng phòng Tư pháp", "answer": "Quận sẽ kiến nghị sửa."}
RECOMMEND_VI = "Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ hoặc ban hành mới"
JSON = {"Accept": "application/json"}


def test_a_rule_answered_on_the_spot_must_say_its_outcome_as_a_written_answer_does(app, org):
    conference = make_conference(org)
    with pytest.raises(DialogueError) as refused:
        make_comment(conference, category="unsuitable_rules", **SPOT)
    assert refused.value.field == "handling_outcome"
    assert str(refused.value) == "Ý kiến về quy định hành chính: hãy chọn kết quả xử lý."
    assert comment_count() == 0  # refused: nothing stored
    comment = make_comment(
        conference, category="unsuitable_rules", handling_outcome=HandlingOutcome.recommend, **SPOT
    )
    db.session.commit()
    assert comment.status == CommentStatus.answered_on_spot
    assert comment.handling_outcome == HandlingOutcome.recommend
    assert comment.events[-1].note == f"Trưởng phòng Tư pháp — Kết quả xử lý: {RECOMMEND_VI}"


def test_praise_answered_on_the_spot_needs_no_outcome_but_may_carry_one(app, org):
    add_departments(org)
    conference = make_conference(org)
    praise = make_comment(conference, category="praise", **SPOT)
    question = make_comment(conference, handling_outcome=HandlingOutcome.keep_explain, **SPOT)
    assert praise.handling_outcome is None and praise.events[-1].note == "Trưởng phòng Tư pháp"
    assert question.handling_outcome == HandlingOutcome.keep_explain
    # an outcome typed in the on-the-spot panel, then the written answer chosen: no answer, no outcome
    written = make_comment(
        conference,
        outcome="written",
        department_id=org.dept_tp.id,
        handling_outcome=HandlingOutcome.amend,
    )
    assert written.status == CommentStatus.assigned and written.handling_outcome is None


def test_a_comment_lacking_basis_is_answered_on_the_spot_without_an_outcome(app, org):
    comment = make_comment(make_conference(org), category="conflicting_rules")  # decided later
    classify(comment, Competence.within, HandlingBasis.insufficient, None)
    with pytest.raises(DialogueError) as refused:
        answer_on_spot(comment, "Phó Chủ tịch", "Quận tiếp tục tập hợp ý kiến.", None, HandlingOutcome.amend)
    assert refused.value.field == "handling_outcome" and comment.status == CommentStatus.received
    answer_on_spot(comment, "Phó Chủ tịch", "Quận tiếp tục tập hợp ý kiến.", None)
    assert comment.status == CommentStatus.answered_on_spot and comment.handling_outcome is None


def test_a_rule_logged_earlier_and_answered_on_the_spot_later_is_audited_with_its_outcome(app, org):
    comment = make_comment(make_conference(org), category="proposals")
    with pytest.raises(DialogueError):
        answer_on_spot_with_outcome(comment, "Phó Chủ tịch", "Quận ghi nhận.", None, None)
    answer_on_spot_with_outcome(comment, "Phó Chủ tịch", "Quận sẽ sửa.", HandlingOutcome.amend, None)
    db.session.commit()
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "dialogue.comment.answer"))
    assert (entry.before["status"], entry.after["status"]) == ("received", "answered_on_spot")
    assert (entry.before["handling_outcome"], entry.after["handling_outcome"]) == (None, "amend")


def test_the_live_page_takes_the_outcome_and_says_beside_it_when_it_is_missing(app, org):
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    url, live = f"/dialogue/{conference.id}/comments", f"/dialogue/{conference.id}/live"
    page = client.get(live).get_data(as_text=True)
    panel = page.split('data-outcome="on_spot"', 1)[1].split("</div>\n  <div", 1)[0]
    assert 'name="handling_outcome"' in panel and "Giữ nguyên, giải thích" in panel
    rule = live_form(category="conflicting_rules")
    response = post_form(client, url, rule, token_from=live, headers=JSON)
    assert response.status_code == 400
    assert response.json["errors"] == {
        "handling_outcome": ["Ý kiến về quy định hành chính: hãy chọn kết quả xử lý."]
    }
    assert comment_count() == 0
    response = post_form(
        client, url, {**rule, "handling_outcome": "keep_explain"}, token_from=live, headers=JSON
    )
    assert response.status_code == 201
    stored = db.session.get(DialogueComment, response.json["id"])
    assert stored.handling_outcome == HandlingOutcome.keep_explain
    # the ledger shows it as it shows a written answer's
    assert "Giữ nguyên, giải thích" in client.get(f"/dialogue/{conference.id}").get_data(as_text=True)


def test_the_api_takes_the_outcome_of_an_answer_on_the_spot(client, org):
    conference = make_conference(org)
    headers = bearer(org.users["official"])
    url = f"/api/v1/dialogue/conferences/{conference.id}/comments"
    comment = {"content": "Quy định chồng chéo về cấp phép.", "category": "conflicting_rules", **SPOT}
    response = client.post(url, json=comment, headers=headers)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["handling_outcome"]
    response = client.post(url, json={**comment, "handling_outcome": "recommend"}, headers=headers)
    assert response.status_code == 201 and response.json["handling_outcome"] == "recommend"
    later = client.post(
        url, json={"content": "Đề xuất bỏ bản sao.", "category": "proposals"}, headers=headers
    )
    status_url = f"/api/v1/dialogue/comments/{later.json['id']}/status"
    on_spot = {"status": "answered_on_spot", "answered_by": "Phó Chủ tịch", "answer": "Sẽ bỏ."}
    response = client.post(status_url, json=on_spot, headers=headers)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["handling_outcome"]
    response = client.post(status_url, json={**on_spot, "handling_outcome": "abolish"}, headers=headers)
    assert response.status_code == 200
    assert (response.json["status"], response.json["handling_outcome"]) == ("answered_on_spot", "abolish")
