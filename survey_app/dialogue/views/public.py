"""The public page of a published conference: comments and published answers, names only with consent."""

from __future__ import annotations

from flask import abort, render_template

from survey_app.dialogue.views import bp
from survey_app.dialogue.views.context import conference_comments, labels
from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, ConferenceState, DialogueConference

# Answers the public may read: those given at the conference and the published written ones.
SHOWN_STATUSES = (CommentStatus.answered_on_spot, CommentStatus.published)


@bp.get("/public/<int:conference_id>")
def public(conference_id: int):
    """The public page of a published conference: comments and published answers, names only with consent."""
    conference = db.session.get(DialogueConference, conference_id)
    if conference is None or conference.state != ConferenceState.published:
        abort(404)
    return render_template(
        "dialogue/public.html",
        conference=conference,
        comments=conference_comments(conference),
        shown=SHOWN_STATUSES,
        **labels(),
    )
