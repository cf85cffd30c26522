"""GET /api/v1/stats/dialogue: the dialogue figures of a unit's subtree."""

from datetime import UTC, datetime

import time_machine

from survey_app.auth.services import issue_token
from survey_app.extensions import db
from tests.factories import build_dialogue_year


def test_stats_endpoint(client, org):
    build_dialogue_year(org)
    _token, leader = issue_token(org.users["leader"], "t")
    _token, official = issue_token(org.users["official"], "t")
    db.session.commit()
    url = "/api/v1/stats/dialogue?unit=003&from=2018-01-01&to=2018-12-31"
    with time_machine.travel(datetime(2018, 6, 18, 2, 0, tzinfo=UTC), tick=False):  # 09:00 in Hà Nội
        response = client.get(url, headers={"Authorization": f"Bearer {leader}"})
    assert response.status_code == 200
    body = response.json
    assert (body["unit"], body["from"], body["to"]) == ("003", "2018-01-01", "2018-12-31")
    assert (body["conferences"], body["comments"], body["overdue"], body["on_spot_share"]) == (3, 8, 1, 37.5)
    assert body["by_department"][0]["unit"] == "003-QLDT" and body["by_department"][0]["overdue"] == 1
    # a department's handful of answers is counted, with its base (due), never withheld as a small sample
    justice = body["by_department"][1]
    assert (justice["assigned"], justice["due"], justice["answered_on_time"], justice["on_time_share"]) == (
        2,
        1,
        1,
        100.0,
    )
    assert client.get(url, headers={"Authorization": f"Bearer {official}"}).status_code == 403
    auth = {"Authorization": f"Bearer {leader}"}
    assert client.get("/api/v1/stats/dialogue?unit=009", headers=auth).status_code == 404
    for bad in (
        "unit=003&from=2018-13-01",
        "unit=003&from=2018-12-31&to=2018-01-01",
        "from=2018-01-01",
        "unit=003&colour=blue",
    ):
        response = client.get(f"/api/v1/stats/dialogue?{bad}", headers=auth)
        assert response.status_code == 422 and response.json["message"], bad
