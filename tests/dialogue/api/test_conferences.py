"""API of conferences: planning, listing, state steps (and logging comments along the way)."""

from datetime import UTC, datetime

from survey_app.extensions import db
from survey_app.models.dialogue import DialogueConference
from tests.dialogue.helpers import bearer, signed_in
from tests.factories import add_departments


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
    assert comment["field"] is None and comment["addressed_department"] is None
    assert [e["status"] for e in comment["history"]] == ["received", "assigned"]
    dept = bearer(org.users["dept2"])
    status_url = f"/api/v1/dialogue/comments/{comment['id']}/status"
    response = client.post(status_url, json={"status": "in_progress"}, headers=dept)
    assert response.status_code == 200 and response.json["status"] == "in_progress"
    answer = {"status": "answered", "answer": "Phòng QLĐT sẽ rút ngắn còn 12 ngày."}
    # a proposal about a regulation: its answer says what the handling decided (NĐ 20/2008 Điều 15)
    response = client.post(status_url, json=answer, headers=dept)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["handling_outcome"]
    response = client.post(status_url, json={**answer, "handling_outcome": "amend"}, headers=dept)
    # no "answered by" given: the department that answers, not the account that typed it
    assert response.json["status"] == "answered"
    assert response.json["answered_by"] == "Phòng Quản lý đô thị quận Tây Hồ"
    assert response.json["handling_outcome"] == "amend"
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


def test_a_time_without_offset_is_local_time_of_the_configured_zone(client, org, monkeypatch):
    official = bearer(org.users["official"])
    monkeypatch.setitem(client.application.config, "APP_TIMEZONE", "Asia/Tokyo")  # UTC+9, set after start
    response = client.post(
        "/api/v1/dialogue/conferences",
        json={"title": "Hội nghị", "host_unit": "003", "held_at": "2018-06-01T08:00:00"},
        headers=official,
    )
    assert response.status_code == 201, response.json
    conference = db.session.get(DialogueConference, response.json["id"])
    assert conference.held_at == datetime(2018, 5, 31, 23, 0, tzinfo=UTC)
    # The list's days are local days of that zone too: 08:00 on 01/6 in Tokyo.
    listed = client.get("/api/v1/dialogue/conferences?from=2018-06-01&to=2018-06-01", headers=official).json
    assert [c["id"] for c in listed] == [conference.id]


def test_the_api_takes_the_document_fields_and_refuses_a_number_not_in_digits(client, org):
    """Number, signer, capacity, recipients and guests of the documents through the API; the minutes print
    them; a number with letters is refused naming its field."""
    official = bearer(org.users["official"])
    body = {
        "title": "Hội nghị đối thoại năm 2018",
        "host_unit": "003",
        "held_at": "2018-02-05T08:00:00",
        "notice_number": "7b",
    }
    refused = client.post("/api/v1/dialogue/conferences", json=body, headers=official)
    assert refused.status_code == 422
    assert refused.json["errors"]["json"] == {"notice_number": ["Hãy nhập số bằng chữ số."]}
    assert db.session.query(DialogueConference).count() == 0
    body.update(
        notice_number="7",
        minutes_number="6",
        signer_name="Trần Văn Hùng",
        signer_capacity="chair",
        guests="Đại diện Ủy ban MTTQ quận",
    )
    response = client.post("/api/v1/dialogue/conferences", json=body, headers=official)
    assert response.status_code == 201, response.json
    assert response.json["signer_capacity"] == "chair" and response.json["notice_number"] == "7"
    assert response.json["reconstruction_note"] == ""
    web = signed_in(client.application, org.users["official"].username)
    minutes = web.get(f"/dialogue/{response.json['id']}/minutes").get_data(as_text=True)
    assert "Số: 6/BB-UBND" in minutes and "Tây Hồ, ngày 05 tháng 02 năm 2018" in minutes
    notice = web.get(f"/dialogue/{response.json['id']}/conclusion").get_data(as_text=True)
    assert "Số: 7/TB-UBND" in notice and "TM. ỦY BAN NHÂN DÂN" in notice and "Trần Văn Hùng" in notice
