"""The API classifies a comment, records the outcome with its answer and the notice to the speaker;
a refusal is a 422 naming the field, and changes nothing."""

from datetime import UTC, datetime

import time_machine

from survey_app.dialogue.comments import answer_in_writing
from survey_app.extensions import db
from survey_app.models.dialogue import SpeakerKind
from tests.dialogue.helpers import add_departments, bearer, make_conference
from tests.factories import make_comment

ANSWER_DAY = datetime(2018, 6, 11, 2, 0, tzinfo=UTC)


def test_classification_through_the_api(client, org):
    add_departments(org)
    comment = make_comment(
        make_conference(org), category="conflicting_rules", outcome="written", department_id=org.dept_tp.id
    )
    db.session.commit()
    dept = bearer(org.users["dept"])
    url = f"/api/v1/dialogue/comments/{comment.id}/classification"
    assert client.get(url, headers=dept).json["competence"] is None
    for body, field in (
        ({"competence": "within"}, "basis"),
        ({"competence": "outside", "basis": "sufficient"}, "basis"),
        ({"competence": "partly"}, "competence"),
        ({"basis": "sufficient"}, "competence"),
        ({"competence": "within", "basis": "maybe"}, "basis"),
    ):
        response = client.post(url, json=body, headers=dept)
        assert response.status_code == 422, body
        assert list(response.json["errors"]["json"]) == [field], body
        assert response.json["message"]
    assert client.get(url, headers=dept).json["competence"] is None
    response = client.post(url, json={"competence": "within", "basis": "insufficient"}, headers=dept)
    assert response.status_code == 200
    assert (response.json["competence"], response.json["basis"]) == ("within", "insufficient")
    # without enough basis, the answer carries no outcome yet
    status_url = f"/api/v1/dialogue/comments/{comment.id}/status"
    answer = {"status": "answered", "answer": "Quận tiếp tục tập hợp ý kiến.", "handling_outcome": "amend"}
    response = client.post(status_url, json=answer, headers=dept)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["handling_outcome"]
    response = client.post(status_url, json={**answer, "handling_outcome": None}, headers=dept)
    assert response.status_code == 200 and response.json["handling_outcome"] is None
    # answered: the classification no longer changes
    response = client.post(url, json={"competence": "within", "basis": "sufficient"}, headers=dept)
    assert response.status_code == 422 and client.get(url, headers=dept).json["basis"] == "insufficient"


def test_a_read_only_token_cannot_classify(client, org):
    add_departments(org)
    comment = make_comment(make_conference(org), outcome="written", department_id=org.dept_tp.id)
    db.session.commit()
    response = client.post(
        f"/api/v1/dialogue/comments/{comment.id}/classification",
        json={"competence": "outside"},
        headers=bearer(org.users["leader"]),
    )
    assert response.status_code == 403
    db.session.refresh(comment)
    assert comment.competence is None


def test_the_notice_through_the_api(client, org):
    add_departments(org)
    conference = make_conference(org)
    named = make_comment(
        conference,
        outcome="written",
        department_id=org.dept_tp.id,
        speaker_kind=SpeakerKind.business,
        speaker_organisation="Công ty TNHH Hồ Tây",
    )
    anonymous = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    with time_machine.travel(ANSWER_DAY, tick=False):
        for comment in (named, anonymous):
            answer_in_writing(comment, "Thủ tục được giữ nguyên.", None)
    db.session.commit()
    dept = bearer(org.users["dept"])
    url = f"/api/v1/dialogue/comments/{named.id}/notice"
    assert client.get(url, headers=dept).json["awaiting_notice"] is True
    with time_machine.travel(datetime(2018, 6, 12, 2, 0, tzinfo=UTC), tick=False):
        for body, field in (
            ({"notified_on": "2018-06-13", "means": "email"}, "notified_on"),  # tomorrow
            ({"notified_on": "12/06/2018", "means": "email"}, "notified_on"),
            ({"notified_on": "2018-06-12", "means": "fax"}, "means"),
            ({"notified_on": "2018-06-12"}, "means"),
            ({"notified_on": "2018-06-12", "means": "email", "reference": "x" * 201}, "reference"),
        ):
            response = client.post(url, json=body, headers=dept)
            assert response.status_code == 422, body
            assert list(response.json["errors"]["json"]) == [field], body
        response = client.post(
            f"/api/v1/dialogue/comments/{anonymous.id}/notice",
            json={"notified_on": "2018-06-12", "means": "email"},
            headers=dept,
        )
        assert response.status_code == 422
        assert response.json["message"] == (
            "Ý kiến không nêu tên người phản ánh: kết quả được công khai, không gửi cho cá nhân."
        )
        assert client.get(url, headers=dept).json["notified_on"] is None
        body = {"notified_on": "2018-06-12", "means": "email", "reference": "vanphong@hotay.vn"}
        response = client.post(url, json=body, headers=dept)
    assert response.status_code == 200
    assert (response.json["notified_on"], response.json["notice_means"]) == ("2018-06-12", "email")
    assert response.json["notice_reference"] == "vanphong@hotay.vn"
    assert response.json["awaiting_notice"] is False
