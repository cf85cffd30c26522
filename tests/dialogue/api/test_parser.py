"""Bad input to the dialogue API: 422 with a translated message and the errors, and nothing stored."""

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models.dialogue import DialogueComment, DialogueConference
from tests.dialogue.helpers import bearer
from tests.factories import add_departments, make_conference


def test_bad_api_input_gets_422_with_json_errors_and_changes_nothing(client, org):
    add_departments(org)
    conference = make_conference(org)
    db.session.commit()
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
        (url, {**valid, "speaker_kind": "alien"}, "speaker_kind"),
        (url, {**valid, "colour": "blue"}, "colour"),
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
    # malformed JSON is a bad request (400); JSON that is no object, or nothing, is not what we take (422)
    for body, status in (("not json", 400), ("[1, 2]", 422), ("", 422)):
        response = client.post(url, data=body, headers={**official, "Content-Type": "application/json"})
        assert response.status_code == status and response.json["message"], body
    assert client.post(url, data="content=x", headers=official).status_code == 422  # a form, not JSON
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 0
    assert db.session.scalar(select(func.count()).select_from(DialogueConference)) == 1


def test_refusals_are_in_the_users_language(client, org):
    conference = make_conference(org)
    db.session.commit()
    official = bearer(org.users["official"])
    response = client.post(
        f"/api/v1/dialogue/conferences/{conference.id}/comments",
        json={"content": ""},
        headers={**official, "Accept-Language": "vi"},
    )
    assert response.status_code == 422
    assert response.json["message"] == "Một số trường không hợp lệ."
    assert set(response.json["errors"]["json"]) == {"content", "category"}
