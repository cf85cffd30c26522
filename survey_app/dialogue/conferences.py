"""Conferences: planning, details and the steps planned → in session → closed → published."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.dialogue.comments import publish_answers
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.scope import invitable_units
from survey_app.extensions import db
from survey_app.models import Unit, User
from survey_app.models.dialogue import (
    ConferenceForm,
    ConferenceState,
    DialogueConference,
    DialogueInvitee,
    SignerCapacity,
)
from survey_app.org.closing import closed_refusal

logger = logging.getLogger(__name__)

MAX_TITLE = 300
MAX_NUMBER = 20
# action → (the state it starts from, the state it leads to)
TRANSITIONS = {
    "start": (ConferenceState.planned, ConferenceState.in_session),
    "close": (ConferenceState.in_session, ConferenceState.closed),
    "publish": (ConferenceState.closed, ConferenceState.published),
}


@dataclass
class ConferenceData:
    """What an official types when planning a conference."""

    title: str
    held_at: datetime
    chair: str = ""
    co_organiser: str = ""
    venue: str = ""
    form: ConferenceForm = ConferenceForm.conference
    scope: str = ""
    expected_participants: int | None = None
    participant_organisations: int | None = None
    participant_individuals: int | None = None
    conclusion: str = ""
    invitee_ids: list[int] = field(default_factory=list)
    guests: str = ""
    minutes_number: str = ""
    notice_number: str = ""
    signer_name: str = ""
    signer_capacity: SignerCapacity = SignerCapacity.vice_chair
    recipients: str = ""
    reconstruction_note: str = ""


def _check_conference(data: ConferenceData, host: Unit) -> list[Unit]:
    """The invited units, once the data and the host are checked."""
    if not data.title.strip():
        raise DialogueError(_("Enter the conference title."))
    if len(data.title) > MAX_TITLE:
        raise DialogueError(_("The title is longer than %(n)d characters.", n=MAX_TITLE))
    if data.held_at.tzinfo is None or not 2000 <= data.held_at.year <= 2100:
        raise DialogueError(_("Enter the date and time of the conference."))
    # A closed unit hosts nothing after its closing day; a conference it held before (entered late, or
    # corrected now) stays its own.
    if refusal := closed_refusal(host, data.held_at):
        raise DialogueError(_("This unit cannot host a conference on that date: %(reason)s", reason=refusal))
    # NĐ 30/2020, Phụ lục I, mục II.3: a document's number is written in Arabic numerals.
    for number in (data.minutes_number, data.notice_number):
        if number.strip() and not (number.strip().isdecimal() and len(number.strip()) <= MAX_NUMBER):
            raise DialogueError(_("A document number is written in digits (up to %(n)d).", n=MAX_NUMBER))
    allowed = {u.id: u for u in invitable_units(host)}
    missing = [i for i in data.invitee_ids if i not in allowed]
    if missing:
        raise DialogueError(_("An invited unit does not exist or is not below the host unit."))
    return [allowed[i] for i in dict.fromkeys(data.invitee_ids)]


def _apply(conference: DialogueConference, data: ConferenceData, invitees: list[Unit]) -> None:
    conference.title = data.title.strip()
    conference.held_at = data.held_at
    conference.chair = data.chair.strip()
    conference.co_organiser = data.co_organiser.strip()
    conference.venue = data.venue.strip()
    conference.form = data.form
    conference.scope = data.scope.strip()
    conference.expected_participants = data.expected_participants
    conference.participant_organisations = data.participant_organisations
    conference.participant_individuals = data.participant_individuals
    conference.conclusion = data.conclusion.strip()
    conference.invitees = [DialogueInvitee(unit_id=u.id) for u in invitees]
    conference.guests = data.guests.strip()
    conference.minutes_number = data.minutes_number.strip()
    conference.notice_number = data.notice_number.strip()
    conference.signer_name = data.signer_name.strip()
    conference.signer_capacity = data.signer_capacity
    conference.recipients = data.recipients.strip()
    conference.reconstruction_note = data.reconstruction_note.strip()


def create_conference(data: ConferenceData, host: Unit, actor: User | None) -> DialogueConference:
    """Plan a conference."""
    invitees = _check_conference(data, host)
    conference = DialogueConference(host_unit_id=host.id, state=ConferenceState.planned)
    conference.created_by_id = actor.id if actor else None
    _apply(conference, data, invitees)
    db.session.add(conference)
    db.session.flush()
    record("dialogue.conference.create", conference, summary=conference.title)
    return conference


def update_conference(conference: DialogueConference, data: ConferenceData) -> DialogueConference:
    """Change a conference's details; a published conference is final."""
    if conference.state == ConferenceState.published:
        raise DialogueError(_("A published conference can no longer be changed."))
    before = snapshot(conference)
    invitees = _check_conference(data, conference.host_unit)
    conference.invitees.clear()
    db.session.flush()
    _apply(conference, data, invitees)
    record("dialogue.conference.update", conference, before=before, summary=conference.title)
    return conference


def change_state(conference: DialogueConference, action: str, actor: User | None) -> DialogueConference:
    """Move a conference along planned → in session → closed → published (publishing publishes answers)."""
    if action == "publish" and conference.state == ConferenceState.published:
        publish_answers(conference, actor)  # answers given since the first publication
        return conference
    step = TRANSITIONS.get(action)
    if step is None or conference.state != step[0]:
        raise DialogueError(_("This step is not possible in the conference's current state."))
    before = snapshot(conference)
    conference.state = step[1]
    if action == "publish":
        conference.published_at = clock.now()
        publish_answers(conference, actor)
    record(f"dialogue.conference.{action}", conference, before=before, summary=conference.title)
    if action in ("close", "publish"):
        logger.info("conference %d %s", conference.id, conference.state.value)
    return conference
