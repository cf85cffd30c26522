"""Demo conferences rebuilt from press reports (data/reconstructions.json), each marked with what is invented.

The hosts are the units of the time: the pre-2025 district codes, found as they stood on the conference day
(skipped when the demo's unit tree does not hold them). An article that reports no dialogue conference gives
none; the data file lists it with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from survey_app.core import clock
from survey_app.dialogue.comments import CommentInput, Outcome, add_comment
from survey_app.dialogue.conferences import ConferenceData, change_state, create_conference
from survey_app.extensions import db
from survey_app.models import ProcedureField, Unit
from survey_app.models.dialogue import ConferenceForm, DialogueConference, SpeakerKind
from survey_app.org.services import get_unit_by_code, unit_for_code_on

DATA = Path(__file__).resolve().parent / "data"
# The steps a reconstructed conference goes through, up to the state the article shows.
STEPS = {
    "planned": [],
    "in_session": ["start"],
    "closed": ["start", "close"],
    "published": ["start", "close", "publish"],
}


def load(name: str = "reconstructions.json") -> dict:
    """A JSON file of data/."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def host_of_the_time(code: str, day: date) -> Unit | None:
    """The unit that held the code on the day (a district before the 2025 reform), else today's holder."""
    return unit_for_code_on(code, day) or get_unit_by_code(code)


def _conference(host: Unit, title: str) -> DialogueConference | None:
    return db.session.scalar(
        select(DialogueConference).where(
            DialogueConference.host_unit_id == host.id, DialogueConference.title == title
        )
    )


def annotate(item: dict) -> Iterator[str]:
    """Mark a conference another seed made (Tây Hồ 2018) as a reconstruction; the Front attends it."""
    data = load(item["data_file"])
    host = host_of_the_time(item["host"], date.fromisoformat(item["held_on"]))
    conference = _conference(host, data["title"]) if host is not None else None
    if conference is None or conference.reconstruction_note:
        return
    conference.co_organiser = data["co_organiser"]
    conference.guests = data.get("guests", "")
    conference.reconstruction_note = item["reconstruction_note"]
    yield f"dialogue: {data['title']} marked as a reconstruction"


def rebuild(item: dict) -> Iterator[str]:
    """One conference of an article, with the comments it reports."""
    held_at = datetime.fromisoformat(item["held_at_local"]).replace(tzinfo=clock.local_zone())
    host = host_of_the_time(item["host"], held_at.date())
    if host is None or _conference(host, item["title"]) is not None:
        return
    fields = dict(db.session.execute(select(ProcedureField.code, ProcedureField.id)).all())
    with clock.recorded_at(held_at - timedelta(days=14)):
        conference = create_conference(
            ConferenceData(
                title=item["title"],
                held_at=held_at,
                chair=item["chair"],
                venue=item["venue"],
                form=ConferenceForm(item["form"]),
                scope=item["scope"],
                conclusion=item["conclusion"],
                guests=item.get("guests", ""),
                reconstruction_note=item["reconstruction_note"],
            ),
            host,
            None,
        )
    steps = STEPS[item["state"]]
    if "start" in steps:
        with clock.recorded_at(held_at):
            change_state(conference, "start", None)
    for i, comment in enumerate(item["comments"]):
        answered = bool(comment.get("answer"))
        with clock.recorded_at(held_at + timedelta(minutes=20 + 10 * i)):
            add_comment(
                conference,
                CommentInput(
                    content=comment["content"],
                    category=comment["category"],
                    speaker_kind=SpeakerKind(comment["speaker_kind"]),
                    field_id=fields.get(comment.get("field", "")),
                    outcome=Outcome.on_spot if answered else Outcome.none,
                    answered_by=comment.get("answered_by", ""),
                    answer=comment.get("answer", ""),
                ),
                None,
            )
    for step in steps[1:]:
        with clock.recorded_at(held_at + timedelta(hours=3)):
            change_state(conference, step, None)
    db.session.flush()
    yield f"dialogue: {item['title']} ({host.name}, {held_at:%d/%m/%Y}), reconstructed from the press"


def seed() -> Iterator[str]:
    """Rebuild the conferences of the articles and mark the ones other seeds made; again, nothing."""
    data = load()
    for item in data["annotate"]:
        yield from annotate(item)
    for item in data["conferences"]:
        yield from rebuild(item)
