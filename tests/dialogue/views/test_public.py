"""The public page: written answers held until the host publishes them, names only with consent."""

from survey_app.dialogue.comments import add_comment
from survey_app.dialogue.conferences import change_state
from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus
from tests.conftest import post_form
from tests.dialogue.helpers import signed_in
from tests.factories import add_departments, comment_input, make_conference


def test_answer_from_the_inbox_is_held_then_published_without_names(app, org):
    add_departments(org)
    conference = make_conference(org)
    anonymous = add_comment(
        conference,
        comment_input(
            content="Hồ sơ đất đai bị trả lại nhiều lần.",
            speaker_name="Trần Văn Bình",
            outcome="written",
            department_id=org.dept_tp.id,
        ),
        None,
    )
    consenting = add_comment(
        conference,
        comment_input(
            speaker_name="Lê Thị Hoa",
            name_consent=True,
            outcome="on_spot",
            answered_by="Phó Chủ tịch UBND quận",
            answer="Đã tiếp thu.",
        ),
        None,
    )
    change_state(conference, "start", None)
    change_state(conference, "close", None)
    db.session.commit()
    dept = signed_in(app, "tuphap1")
    url = f"/dialogue/comments/{anonymous.id}"
    response = post_form(dept, url, {"kind": "answer", "a-answer": ""})
    assert "Hãy nhập nội dung trả lời." in response.get_data(as_text=True)
    response = post_form(
        dept, url, {"kind": "answer", "a-answer": "Phòng Tư pháp đã rà soát và hướng dẫn bổ sung."}
    )
    assert response.status_code == 302
    db.session.refresh(anonymous)
    assert anonymous.status == CommentStatus.answered
    assert anonymous.events[-1].actor_label == "Tuphap1"
    history = dept.get(url).get_data(as_text=True)
    assert "Đã trả lời bằng văn bản" in history and "Tuphap1" in history
    client = app.test_client()
    assert client.get(f"/dialogue/public/{conference.id}").status_code == 404  # held until published
    official = signed_in(app, org.users["official"].username)
    response = post_form(
        official,
        f"/dialogue/{conference.id}/state",
        {"action": "publish"},
        token_from=f"/dialogue/{conference.id}",
    )
    assert response.status_code == 200  # asked first, with what is still unanswered
    assert client.get(f"/dialogue/public/{conference.id}").status_code == 404
    response = post_form(
        official,
        f"/dialogue/{conference.id}/state",
        {"action": "publish", "confirmed": "yes"},
        token_from=f"/dialogue/{conference.id}",
    )
    assert response.status_code == 302
    page = client.get(f"/dialogue/public/{conference.id}").get_data(as_text=True)
    assert "Phòng Tư pháp đã rà soát và hướng dẫn bổ sung." in page
    assert "Trần Văn Bình" not in page  # no consent, no name
    assert "Lê Thị Hoa" in page
    db.session.refresh(anonymous)
    assert anonymous.status == CommentStatus.published
    assert consenting.status == CommentStatus.answered_on_spot
