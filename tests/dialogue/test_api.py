"""JSON API of the dialogue feature: conferences, comments, answers and status changes, permissions."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from survey_app.auth.services import issue_token
from survey_app.dialogue import services
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.models.dialogue import CommentStatus, DialogueComment, DialogueConference
from tests.conftest import make_user
from tests.dialogue.helpers import add_departments, comment_input, make_conference


def bearer(user) -> dict:
    _token, plain = issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_plan_a_conference_and_log_comments_through_the_api(client, org):
    add_departments(org)
    official = bearer(org.users["official"])
    response = client.post(
        "/api/v1/dialogue/conferences",
        json={
            "title": "Hội nghị đối thoại với doanh nghiệp",
            "host_unit": "003",
            "held_at": "2018-06-01T08:00:00",  # local time when no offset is given
            "form": "seminar",
            "invitees": ["00109", "003-TP"],
        },
        headers=official,
    )
    assert response.status_code == 201, response.json
    conference = response.json
    assert conference["held_at"].startswith("2018-06-01T01:00:00")
    assert conference["state"] == "planned" and sorted(conference["invitees"]) == ["00109", "003-TP"]
    url = f"/api/v1/dialogue/conferences/{conference['id']}"
    response = client.post(
        url + "/comments",
        json={
            "content": "Đề nghị rút ngắn thời gian cấp phép xây dựng.",
            "category": "proposals",
            "speaker_kind": "business",
            "speaker_organisation": "Công ty TNHH Hồ Tây",
            "outcome": "written",
            "department": "003-QLDT",
            "client_key": "api-1",
        },
        headers=official,
    )
    assert response.status_code == 201
    comment = response.json
    assert comment["number"] == 1 and comment["status"] == "assigned"
    assert comment["department"] == "003-QLDT" and comment["due_on"] == "2018-06-15"
    assert [e["status"] for e in comment["history"]] == ["received", "assigned"]
    dept = bearer(org.users["dept2"])
    status_url = f"/api/v1/dialogue/comments/{comment['id']}/status"
    response = client.post(status_url, json={"status": "in_progress"}, headers=dept)
    assert response.status_code == 200 and response.json["status"] == "in_progress"
    response = client.post(
        status_url, json={"status": "answered", "answer": "Phòng QLĐT sẽ rút ngắn còn 12 ngày."}, headers=dept
    )
    assert response.json["status"] == "answered" and response.json["answered_by"] == "Qldt1"
    history = client.get(status_url, headers=official).json
    assert [(e["status"], e["actor"]) for e in history] == [
        ("received", "Official1"),
        ("assigned", "Official1"),
        ("in_progress", "Qldt1"),
        ("answered", "Qldt1"),
    ]
    for action in ("start", "close", "publish"):
        response = client.post(url + "/state", json={"action": action}, headers=official)
        assert response.status_code == 200
    assert response.json["state"] == "published"
    detail = client.get(url, headers=official).json
    assert detail["comments"][0]["status"] == "published"
    listed = client.get("/api/v1/dialogue/conferences?from=2018-06-01&to=2018-06-01", headers=official).json
    assert [c["id"] for c in listed] == [conference["id"]]
    assert client.get("/api/v1/dialogue/conferences?from=2018-06-02", headers=official).json == []


def test_bad_api_input_gets_422_with_json_errors_and_changes_nothing(client, org):
    add_departments(org)
    conference = make_conference(org)
    official = bearer(org.users["official"])
    url = f"/api/v1/dialogue/conferences/{conference.id}/comments"
    valid = {"content": "Nội dung", "category": "other"}
    cases = [
        (url, {**valid, "content": ""}, "content"),
        (url, {**valid, "content": "x" * 4001}, "content"),
        (url, {**valid, "category": "nope"}, None),
        (url, {**valid, "outcome": "written", "department": "999"}, "department"),
        (url, {**valid, "outcome": "written", "department": "00367"}, None),  # a ward of another district
        (url, {**valid, "outcome": "written", "department": "003-TP", "due_on": "2018-05-31"}, None),
        (url, {**valid, "outcome": "on_spot"}, None),
        (url, {**valid, "due_on": "31/12/2018"}, "due_on"),
        (
            "/api/v1/dialogue/conferences",
            {"title": "", "host_unit": "003", "held_at": "2018-06-01T08:00"},
            "title",
        ),
        (
            "/api/v1/dialogue/conferences",
            {"title": "X", "host_unit": "404", "held_at": "2018-06-01T08:00"},
            None,
        ),
        (
            "/api/v1/dialogue/conferences",
            {"title": "X", "host_unit": "009", "held_at": "2018-06-01T08:00"},
            None,
        ),
        ("/api/v1/dialogue/conferences", {"title": "X", "host_unit": "003", "held_at": "hôm qua"}, "held_at"),
        (
            "/api/v1/dialogue/conferences",
            {"title": "X", "host_unit": "003", "held_at": "0001-01-01T00:00:00"},
            None,
        ),
        (f"/api/v1/dialogue/conferences/{conference.id}/state", {"action": "publish"}, None),
    ]
    for target, body, field in cases:
        response = client.post(target, json=body, headers=official)
        assert response.status_code == 422, (body, response.json)
        assert response.json["message"]
        if field:
            assert field in response.json["errors"]["json"], response.json
    response = client.post(url, data="not json", headers={**official, "Content-Type": "application/json"})
    assert response.status_code == 422 and response.json["message"]
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 0
    assert db.session.scalar(select(func.count()).select_from(DialogueConference)) == 1


def test_api_permissions(client, org):
    add_departments(org)
    conference = make_conference(org)
    mine = services.add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_tp.id), None
    )
    other = services.add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_qldt.id), None
    )
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


def test_the_api_is_documented_in_the_openapi_file(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/dialogue/conferences", "post"),
        ("/api/v1/dialogue/conferences", "get"),
        ("/api/v1/dialogue/conferences/{conference_id}/comments", "post"),
        ("/api/v1/dialogue/comments/{comment_id}/status", "post"),
        ("/api/v1/dialogue/conferences/{conference_id}/state", "post"),
        ("/api/v1/stats/dialogue", "get"),
    ]:
        assert method in paths[path], path
    body = paths["/api/v1/dialogue/conferences/{conference_id}/comments"]["post"]["requestBody"]
    assert "application/json" in body["content"]
    assert "content" in str(spec["components"]["schemas"]["CommentIn"])


def test_comment_answered_on_the_spot_after_it_was_logged(client, org):
    conference = make_conference(org)
    comment = services.add_comment(conference, comment_input(), None)
    db.session.commit()
    url = f"/api/v1/dialogue/comments/{comment.id}/status"
    official = bearer(org.users["official"])
    response = client.post(
        url, json={"status": "answered_on_spot", "answered_by": "Chủ tịch", "answer": ""}, headers=official
    )
    assert response.status_code == 422
    app = client.application
    app.config["DIALOGUE_NOW"] = datetime(2018, 6, 1, 3, 30, tzinfo=UTC)
    try:
        response = client.post(
            url,
            json={"status": "answered_on_spot", "answered_by": "Chủ tịch", "answer": "Đã giải đáp."},
            headers=official,
        )
    finally:
        del app.config["DIALOGUE_NOW"]
    assert response.status_code == 200
    assert response.json["status"] == "answered_on_spot" and response.json["answered_on_spot"] is True
    assert response.json["answered_at"].startswith("2018-06-01T03:30:00")
    assert date.fromisoformat(response.json["history"][-1]["at"][:10]) == date(2018, 6, 1)
