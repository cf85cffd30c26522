"""What every dialogue page needs: the conference or comment of the URL, its comments, translated labels."""

from __future__ import annotations

import logging

from flask import abort
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.scope import can_see_comment, can_see_conference
from survey_app.dialogue.vocabulary import category_names
from survey_app.extensions import db
from survey_app.models.dialogue import (
    CommentChannel,
    CommentStatus,
    ConferenceForm,
    ConferenceState,
    DialogueComment,
    DialogueConference,
    SpeakerKind,
)

logger = logging.getLogger(__name__)


def language() -> str:
    """The request's UI language."""
    return str(get_locale() or "vi")


def conference_or_404(conference_id: int) -> DialogueConference:
    """The conference of the URL when the user may see it."""
    conference = db.session.get(DialogueConference, conference_id)
    if conference is None or not can_see_conference(current_user, conference):
        abort(404)
    return conference


def comment_or_404(comment_id: int) -> DialogueComment:
    """The comment of the URL when the user may see it."""
    comment = db.session.get(DialogueComment, comment_id)
    if comment is None or not can_see_comment(current_user, comment):
        abort(404)
    return comment


def conference_comments(conference: DialogueConference) -> list[DialogueComment]:
    """The conference's comments in order, with their departments and fields loaded at once."""
    return list(
        db.session.scalars(
            select(DialogueComment)
            .where(DialogueComment.conference_id == conference.id)
            .options(selectinload(DialogueComment.department), selectinload(DialogueComment.field))
            .order_by(DialogueComment.number)
        )
    )


def labels() -> dict:
    """The enums' labels and the category names, translated once per request (a ledger has 500 rows)."""
    names = category_names(language())
    return {
        "states": {state: state.label for state in ConferenceState},
        "forms": {form: form.label for form in ConferenceForm},
        "speakers": {kind: kind.label for kind in SpeakerKind},
        "channels": {channel: channel.label for channel in CommentChannel},
        "statuses": {status: status.label for status in CommentStatus},
        "category_name": lambda code: names.get(code, code),
    }


def refused(error: DialogueError) -> str:
    """Undo the request's changes after a rule refused them; the message to show."""
    db.session.rollback()
    logger.info("dialogue change refused: %s", error)
    return str(error)
