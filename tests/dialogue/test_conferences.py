"""Conferences: the steps planned → in session → closed → published."""

import pytest

from survey_app.dialogue.conferences import change_state
from survey_app.dialogue.errors import DialogueError
from survey_app.models.dialogue import ConferenceState
from tests.factories import make_conference


def test_conference_moves_through_its_states(org):
    conference = make_conference(org)
    assert conference.state == ConferenceState.planned
    with pytest.raises(DialogueError):
        change_state(conference, "publish", None)
    for action, state in (
        ("start", ConferenceState.in_session),
        ("close", ConferenceState.closed),
        ("publish", ConferenceState.published),
    ):
        change_state(conference, action, None)
        assert conference.state == state
    with pytest.raises(DialogueError):
        change_state(conference, "start", None)
