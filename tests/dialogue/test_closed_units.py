"""A unit closed by a reorganisation hosts no conference after its closing day; its past ones stay its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from survey_app.dialogue.conferences import ConferenceData, update_conference
from survey_app.dialogue.errors import DialogueError
from survey_app.extensions import db
from survey_app.models.dialogue import DialogueConference
from tests.conftest import post_form
from tests.dialogue.helpers import bearer, signed_in
from tests.factories import close_by_reorganisation, make_conference

IN_2026 = datetime(2026, 3, 12, 1, 0, tzinfo=UTC)  # 12/3/2026 08:00 in Hà Nội


def conferences() -> int:
    return db.session.scalar(select(func.count()).select_from(DialogueConference))


def test_a_closed_ward_cannot_host_a_conference_after_its_closing(org):
    close_by_reorganisation()  # Phường Bưởi merges into Phường Tây Hồ on 1/7/2025
    with pytest.raises(DialogueError, match="01/07/2025") as refused:
        make_conference(org, host=org.ward, held_at=IN_2026)
    assert "00103 Phường Tây Hồ" in str(refused.value)
    assert conferences() == 0


def test_a_conference_held_before_the_closing_is_entered_and_corrected(org):
    close_by_reorganisation()
    conference = make_conference(org, host=org.ward)  # 1/6/2018: the ward's backlog, entered late
    corrected = ConferenceData(title="Đối thoại phường Bưởi 2018", held_at=conference.held_at)
    assert update_conference(conference, corrected).title == "Đối thoại phường Bưởi 2018"
    with pytest.raises(DialogueError, match="01/07/2025"):  # moved after the closing: refused
        update_conference(conference, ConferenceData(title="Dời lịch", held_at=IN_2026))


def test_the_api_answers_422_with_a_json_error(client, org):
    close_by_reorganisation()
    response = client.post(
        "/api/v1/dialogue/conferences",
        json={"title": "Đối thoại 2026", "host_unit": "00109", "held_at": "2026-03-12T08:00:00+07:00"},
        headers=bearer(org.users["official"]),
    )
    assert response.status_code == 422
    assert "01/07/2025" in response.json["message"] and "Phường Tây Hồ" in response.json["message"]
    assert conferences() == 0


def test_the_plan_page_says_why_a_closed_host_is_refused(app, org):
    close_by_reorganisation()
    client = signed_in(app, org.users["official"].username)
    response = post_form(
        client,
        "/dialogue/new",
        {
            "title": "Đối thoại 2026",
            "host_unit_id": org.ward.id,
            "held_on": "12/03/2026",
            "held_time": "08:00",
            "form": "conference",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đơn vị này không thể chủ trì hội nghị vào ngày đó" in page and "01/07/2025" in page
    assert conferences() == 0
