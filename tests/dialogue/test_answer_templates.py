"""Answer templates carry names, and an answer still holding a template blank is never saved."""

from sqlalchemy import select

from survey_app.dialogue import vocabulary
from survey_app.dialogue.comments import add_comment
from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, DialogueComment
from tests.conftest import post_form
from tests.dialogue.helpers import bearer, live_form, signed_in
from tests.factories import add_departments, comment_input, make_comment, make_conference

JSON = {"Accept": "application/json"}
BLANK = "Câu trả lời vẫn còn chỗ trống của mẫu: [ngày]. Hãy điền vào trước khi lưu."


def test_packaged_templates_have_names_and_bracketed_blanks(app):
    templates = vocabulary.answer_templates()
    names = [t.name for t in templates]
    assert names[:2] == ["Tiếp thu, hẹn ngày báo kết quả", "Đã giải quyết theo quy định"]
    assert templates[0].text.endswith("thông báo kết quả trước ngày [ngày].")
    assert vocabulary.unfilled_placeholders(templates[0].text) == ["[ngày]"]


def test_a_template_file_of_the_older_format_is_still_read(app, tmp_path, monkeypatch):
    old = tmp_path / "templates.txt"
    old.write_text(
        "Tiếp thu ý kiến; đơn vị sẽ rà soát quy trình và thông báo kết quả trước ngày …\n\n"
        "# a comment line\nĐã giải quyết.\nHẹn trả lời|Đơn vị sẽ trả lời trước ngày [ngày].\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(app.config, "DIALOGUE_ANSWER_TEMPLATES_FILE", str(old))
    templates = vocabulary.answer_templates()
    assert [t.name for t in templates] == [
        "Tiếp thu ý kiến; đơn vị sẽ rà …",
        "Đã giải quyết.",
        "Hẹn trả lời",
    ]
    assert templates[0].text.endswith("trước ngày …") and templates[2].text.startswith("Đơn vị sẽ")


def test_what_counts_as_a_blank():
    assert vocabulary.unfilled_placeholders("trước ngày … và tại [văn bản]") == ["…", "[văn bản]"]
    # An ellipsis closing a list, or the date filled in, is not a blank.
    assert vocabulary.unfilled_placeholders("giấy tờ tùy thân, hộ khẩu… trước ngày 15/6/2018.") == []


def _written_comment(org):
    add_departments(org)
    conference = make_conference(org)
    comment = add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_tp.id), org.users["official"]
    )
    db.session.commit()
    return comment


def test_the_answer_page_names_templates_and_refuses_an_unfilled_blank_beside_the_answer(app, org):
    comment = _written_comment(org)
    client = signed_in(app, "tuphap1")
    url = f"/dialogue/comments/{comment.id}"
    page = client.get(url).get_data(as_text=True)
    assert ">Tiếp thu, hẹn ngày báo kết quả</button>" in page and "Mẫu 1" not in page
    unfilled = vocabulary.answer_templates()[0].text
    response = post_form(client, url, {"kind": "answer", "a-answer": unfilled}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<div class="errors" id="a-answer-err" role="alert"><ul><li>{BLANK}</li></ul></div>' in page
    assert unfilled in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(DialogueComment, comment.id).status == CommentStatus.assigned
    filled = unfilled.replace("[ngày]", "15/6/2018")
    response = post_form(client, url, {"kind": "answer", "a-answer": filled}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(DialogueComment, comment.id)
    assert saved.status == CommentStatus.answered and saved.answer == filled


def test_the_api_refuses_an_unfilled_blank_naming_the_answer(client, org):
    comment = _written_comment(org)
    url = f"/api/v1/dialogue/comments/{comment.id}/status"
    response = client.post(
        url,
        json={"status": "answered", "answer": "Đã chuyển đến … để xem xét."},
        headers=bearer(org.users["dept"]),
    )
    assert response.status_code == 422
    message = "Câu trả lời vẫn còn chỗ trống của mẫu: …. Hãy điền vào trước khi lưu."
    assert response.json["message"] == message
    assert response.json["errors"] == {"json": {"answer": [message]}}
    db.session.expire_all()
    assert db.session.get(DialogueComment, comment.id).answer in (None, "")


def test_an_answer_on_the_spot_with_a_blank_is_refused(app, org):
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    live = f"/dialogue/{conference.id}/live"
    data = live_form(answer="Phòng sẽ trả lời trước ngày [ngày].")
    response = post_form(client, f"/dialogue/{conference.id}/comments", data, token_from=live, headers=JSON)
    assert response.status_code == 400 and response.json["errors"] == {"answer": [BLANK]}
    comment = make_comment(conference)
    db.session.commit()
    response = client.post(
        f"/api/v1/dialogue/comments/{comment.id}/status",
        json={"status": "answered_on_spot", "answered_by": "Chủ tịch", "answer": "Trước ngày [ngày]."},
        headers=bearer(org.users["official"]),
    )
    assert response.status_code == 422 and response.json["errors"] == {"json": {"answer": [BLANK]}}
    assert db.session.scalar(select(DialogueComment.status).where(DialogueComment.id == comment.id)) == (
        CommentStatus.received
    )
