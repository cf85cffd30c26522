"""API of comments: permissions of the host and the departments, answers on the spot after logging."""

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from survey_app.dialogue.conferences import change_state
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.models.dialogue import CommentStatus, DialogueComment
from tests.dialogue.helpers import bearer
from tests.factories import add_departments, make_comment, make_conference, make_user


def test_api_permissions(client, org):
    add_departments(org)
    conference = make_conference(org)
    mine = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    other = make_comment(conference, outcome="written", department_id=org.dept_qldt.id)
    sibling_official = make_user("khuongdinh1", Role.official, org.sibling_ward)
    db.session.commit()
    comments = f"/api/v1/dialogue/conferences/{conference.id}/comments"
    body = {"content": "Nội dung", "category": "other"}
    assert client.post(comments, json=body).status_code == 401
    assert client.post(comments, json=body, headers=bearer(org.users["leader"])).status_code == 403
    sibling = bearer(sibling_official)
    assert client.post(comments, json=body, headers=sibling).status_code == 404
    assert client.get(f"/api/v1/dialogue/conferences/{conference.id}", headers=sibling).status_code == 404
    assert client.get("/api/v1/dialogue/conferences", headers=sibling).json == []
    dept = bearer(org.users["dept"])
    assert client.get(f"/api/v1/dialogue/comments/{mine.id}", headers=dept).status_code == 200
    assert client.get(f"/api/v1/dialogue/comments/{other.id}", headers=dept).status_code == 404
    answer = {"status": "answered", "answer": "Trả lời"}
    assert (
        client.post(f"/api/v1/dialogue/comments/{other.id}/status", json=answer, headers=dept).status_code
        == 404
    )
    assert client.get(comments, headers=dept).status_code == 404
    db.session.refresh(other)
    assert other.status == CommentStatus.assigned
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 2


def test_a_request_without_a_valid_token_is_refused_before_its_body_is_read(client, org):
    conference = make_conference(org)
    db.session.commit()
    url = f"/api/v1/dialogue/conferences/{conference.id}/comments"
    assert client.post(url, json={"content": ""}).status_code == 401
    assert client.post(url, json=[], headers={"Authorization": "Bearer nope"}).status_code == 401


def test_comment_answered_on_the_spot_after_it_was_logged(client, org):
    conference = make_conference(org)
    comment = make_comment(conference)
    db.session.commit()
    url = f"/api/v1/dialogue/comments/{comment.id}/status"
    official = bearer(org.users["official"])
    response = client.post(
        url, json={"status": "answered_on_spot", "answered_by": "Chủ tịch", "answer": ""}, headers=official
    )
    assert response.status_code == 422
    with time_machine.travel(datetime(2018, 6, 1, 3, 30, tzinfo=UTC), tick=False):
        response = client.post(
            url,
            json={"status": "answered_on_spot", "answered_by": "Chủ tịch", "answer": "Đã giải đáp."},
            headers=official,
        )
    assert response.status_code == 200
    assert response.json["status"] == "answered_on_spot" and response.json["answered_on_spot"] is True
    assert response.json["answered_at"].startswith("2018-06-01T03:30:00")
    assert date.fromisoformat(response.json["history"][-1]["at"][:10]) == date(2018, 6, 1)


def test_a_written_comment_without_a_department_is_refused_naming_the_department(client, org):
    conference = make_conference(org)
    db.session.commit()
    response = client.post(
        f"/api/v1/dialogue/conferences/{conference.id}/comments",
        json={"content": "Cần văn bản.", "category": "procedure_questions", "outcome": "written"},
        headers=bearer(org.users["official"]),
    )
    why = "Hãy chọn phòng, ban trả lời bằng văn bản (hoặc chọn đơn vị được hỏi)."
    assert response.status_code == 422
    assert response.json["message"] == why and response.json["errors"] == {"json": {"department": [why]}}
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 0


def test_the_written_answer_names_who_answered(client, org):
    """The API stores answered_by, and the conclusion notice names that person, not the token's user."""
    add_departments(org)
    conference = make_conference(org)
    comment = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    db.session.commit()
    url = f"/api/v1/dialogue/comments/{comment.id}/status"
    body = {
        "status": "answered",
        "answer": "Phòng Tư pháp đã rút ngắn thời gian chứng thực.",
        "answered_by": "Ông Lê Văn Bình – Trưởng phòng Tư pháp",
    }
    too_long = {**body, "answered_by": "x" * 201}
    refused = client.post(url, json=too_long, headers=bearer(org.users["dept"]))
    assert refused.status_code == 422 and "answered_by" in refused.json["errors"]["json"]
    response = client.post(url, json=body, headers=bearer(org.users["dept"]))
    assert response.status_code == 200
    assert response.json["answered_by"] == "Ông Lê Văn Bình – Trưởng phòng Tư pháp"
    db.session.refresh(comment)
    assert comment.answered_by == "Ông Lê Văn Bình – Trưởng phòng Tư pháp"


def test_a_comment_sent_in_writing_carries_its_receipt_date_and_its_forward_leaves_the_department(
    client, org
):
    add_departments(org)
    conference = make_conference(org)
    change_state(conference, "start", None)  # held: counted in the figures
    db.session.commit()
    official = bearer(org.users["official"])
    comments = f"/api/v1/dialogue/conferences/{conference.id}/comments"
    body = {
        "content": "Đề nghị sửa quy định về cấp số nhà.",
        "category": "unsuitable_rules",
        "channel": "written",
        "received_on": "2018-05-21",
        "outcome": "written",
        "department": "003-TP",
    }
    spoken = client.post(comments, json={**body, "channel": "spoken"}, headers=official)
    assert spoken.status_code == 422 and "received_on" in spoken.json["errors"]["json"]
    bad_channel = client.post(comments, json={**body, "channel": "fax"}, headers=official)
    assert bad_channel.status_code == 422
    created = client.post(comments, json=body, headers=official)
    assert created.status_code == 201, created.json
    assert created.json["received_on"] == "2018-05-21"
    url = f"/api/v1/dialogue/comments/{created.json['id']}/status"
    with time_machine.travel(datetime(2018, 6, 14, 2, 0, tzinfo=UTC), tick=False):
        forwarded = client.post(
            url, json={"status": "forwarded", "body": "Sở Xây dựng Hà Nội"}, headers=official
        )
    assert forwarded.json["forwarded_on"] == "2018-06-14" and forwarded.json["due_on"] == "2018-06-28"
    leader = bearer(org.users["leader"])
    stats_url = "/api/v1/stats/dialogue?unit=003&from=2018-01-01&to=2018-12-31"
    with time_machine.travel(datetime(2018, 7, 2, 2, 0, tzinfo=UTC), tick=False):
        stats = client.get(stats_url, headers=leader).json
    assert stats["overdue"] == 0 and stats["by_department"] == []
    assert (stats["forwarded"], stats["forwarded_awaiting_answer"]) == (1, 1)


def test_a_refused_who_answered_is_named_in_the_errors(client, org):
    """A blank or too long answered_by is refused with a 422 whose errors name the field answered_by."""
    conference = make_conference(org)
    comment = make_comment(conference)
    db.session.commit()
    official = bearer(org.users["official"])
    why = "Hãy nhập người đã trả lời tại hội nghị."
    status_url = f"/api/v1/dialogue/comments/{comment.id}/status"
    blank = {"status": "answered_on_spot", "answered_by": "   ", "answer": "Đã giải đáp."}
    response = client.post(status_url, json=blank, headers=official)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"answered_by": [why]}}
    comments_url = f"/api/v1/dialogue/conferences/{conference.id}/comments"
    on_spot = {"content": "Hỏi về hộ tịch.", "category": "other", "outcome": "on_spot", "answer": "Đã rõ."}
    response = client.post(comments_url, json={**on_spot, "answered_by": " "}, headers=official)
    assert response.status_code == 422 and response.json["errors"] == {"json": {"answered_by": [why]}}
    response = client.post(comments_url, json={**on_spot, "answered_by": "x" * 201}, headers=official)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["answered_by"]
    db.session.refresh(comment)
    assert comment.status == CommentStatus.received and comment.answered_by == ""
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 1
