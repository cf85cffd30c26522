"""Dialogue figures of a unit's subtree (analytics/dialogue_queries.py and GET /api/v1/stats/dialogue)."""

from datetime import UTC, date, datetime

from survey_app.analytics.dialogue_queries import dialogue_stats
from survey_app.auth.services import issue_token
from survey_app.dialogue import services
from survey_app.extensions import db
from survey_app.models.dialogue import ConferenceState
from tests.dialogue.helpers import add_departments, comment_input, make_conference


def _held(conference, state=ConferenceState.closed):
    conference.state = state
    return conference


def _answer(app, comment, when: datetime, text="Đã trả lời bằng văn bản."):
    app.config["DIALOGUE_NOW"] = when
    try:
        services.answer_in_writing(comment, text, None)
    finally:
        del app.config["DIALOGUE_NOW"]


def build_year(app, org):
    """Hand-built year 2018 of the test district (see the expected figures in the test)."""
    add_departments(org)
    tp, qldt = org.dept_tp.id, org.dept_qldt.id
    a = make_conference(org)  # 01/6/2018, due dates default to 15/6
    spot = {"outcome": "on_spot", "answered_by": "Trưởng phòng", "answer": "Đã trả lời."}
    services.add_comment(a, comment_input(category="attitude", **spot), None)
    services.add_comment(a, comment_input(category="online_services", **spot), None)
    on_time = services.add_comment(a, comment_input(outcome="written", department_id=tp), None)
    late = services.add_comment(a, comment_input(outcome="written", department_id=qldt), None)
    services.add_comment(
        a, comment_input(outcome="written", department_id=qldt), None
    )  # open, overdue on 18/6
    services.add_comment(
        a, comment_input(outcome="written", department_id=tp, due_on=date(2018, 6, 29)), None
    )
    services.add_comment(a, comment_input(category="other"), None)  # recorded, response not decided
    _answer(app, on_time, datetime(2018, 6, 15, 16, 59, tzinfo=UTC))  # 23:59 local on the due date
    _answer(app, late, datetime(2018, 6, 15, 17, 1, tzinfo=UTC))  # 00:01 local on 16/6: late
    _held(a)
    ward = services.create_conference(
        services.ConferenceData(
            title="Đối thoại phường Bưởi", held_at=datetime(2018, 9, 10, 1, 0, tzinfo=UTC)
        ),
        org.ward,
        None,
    )
    services.add_comment(ward, comment_input(category="facilities", **spot), None)
    _held(ward, ConferenceState.in_session)
    planned = make_conference(org, held_at=datetime(2018, 7, 1, 1, 0, tzinfo=UTC))  # not held: not counted
    services.add_comment(planned, comment_input(), None)
    sibling = services.create_conference(
        services.ConferenceData(title="Quận Thanh Xuân", held_at=datetime(2018, 6, 1, 1, 0, tzinfo=UTC)),
        org.sibling,
        None,
    )
    _held(sibling)
    # 31/12/2018 23:30 in Hà Nội is inside 2018; 01/01/2019 00:30 in Hà Nội is not.
    _held(make_conference(org, held_at=datetime(2018, 12, 31, 16, 30, tzinfo=UTC)))
    _held(make_conference(org, held_at=datetime(2018, 12, 31, 17, 30, tzinfo=UTC)))
    db.session.commit()


def test_dialogue_stats_of_a_district_year(app, org):
    build_year(app, org)
    stats = dialogue_stats(org.district, date(2018, 1, 1), date(2018, 12, 31), today=date(2018, 6, 18))
    assert stats["conferences"] == 3  # 01/6, the ward's 10/9 and 31/12 23:30
    assert stats["comments"] == 8
    assert stats["by_category"] == {
        "attitude": 1,
        "facilities": 1,
        "online_services": 1,
        "other": 1,
        "procedure_questions": 4,
    }
    assert stats["answered_on_spot"] == 3 and stats["on_spot_share"] == 37.5  # 3 / 8
    # Written: 4 assigned; 2 answered (1 on time); due = 2 answered + 1 open past its date → 1/3.
    assert (stats["written"], stats["answered_in_writing"], stats["answered_in_writing_on_time"]) == (4, 2, 1)
    assert stats["written_due"] == 3 and stats["on_time_share"] == 33.3
    assert stats["overdue"] == 1
    assert stats["by_department"] == [
        {
            "unit": "003-QLDT",
            "name": "Phòng Quản lý đô thị quận Tây Hồ",
            "assigned": 2,
            "answered": 1,
            "answered_on_time": 0,
            "due": 2,
            "overdue": 1,
            "on_time_share": 0.0,
        },
        {
            "unit": "003-TP",
            "name": "Phòng Tư pháp quận Tây Hồ",
            "assigned": 2,
            "answered": 1,
            "answered_on_time": 1,
            "due": 1,
            "overdue": 0,
            "on_time_share": 100.0,
        },
    ]
    ward = dialogue_stats(org.ward, date(2018, 1, 1), date(2018, 12, 31), today=date(2018, 6, 18))
    assert (ward["conferences"], ward["comments"], ward["on_spot_share"], ward["on_time_share"]) == (
        1,
        1,
        100.0,
        None,
    )


def test_stats_endpoint(client, org, app):
    build_year(app, org)
    _token, leader = issue_token(org.users["leader"], "t")
    _token, official = issue_token(org.users["official"], "t")
    db.session.commit()
    url = "/api/v1/stats/dialogue?unit=003&from=2018-01-01&to=2018-12-31"
    app.config["DIALOGUE_TODAY"] = date(2018, 6, 18)
    try:
        response = client.get(url, headers={"Authorization": f"Bearer {leader}"})
    finally:
        del app.config["DIALOGUE_TODAY"]
    assert response.status_code == 200
    body = response.json
    assert (body["unit"], body["from"], body["to"]) == ("003", "2018-01-01", "2018-12-31")
    assert (body["conferences"], body["comments"], body["overdue"], body["on_spot_share"]) == (3, 8, 1, 37.5)
    assert client.get(url, headers={"Authorization": f"Bearer {official}"}).status_code == 403
    auth = {"Authorization": f"Bearer {leader}"}
    assert client.get("/api/v1/stats/dialogue?unit=009", headers=auth).status_code == 404
    for bad in ("unit=003&from=2018-13-01", "unit=003&from=2018-12-31&to=2018-01-01", "from=2018-01-01"):
        response = client.get(f"/api/v1/stats/dialogue?{bad}", headers=auth)
        assert response.status_code == 422 and response.json["message"], bad
