"""The objects a dialogue API request names, found in the token owner's scope (404/422 otherwise)."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from flask_smorest import abort

from survey_app.api.auth import api_user
from survey_app.auth.permissions import in_scope
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.scope import can_see_comment, can_see_conference
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.dialogue import DialogueComment, DialogueConference
from survey_app.org.services import get_unit_by_code

logger = logging.getLogger(__name__)


def unit_named(code: str | None, name: str, *, required: bool = True) -> Unit | None:
    """A unit by code given in body field `name`: 422 when it does not exist."""
    if not code:
        if required:
            abort(422, message=_("Give a unit code."), errors={"json": {name: [_("Required.")]}})
        return None
    unit = get_unit_by_code(code)
    if unit is None:
        abort(422, message=_("No unit %(code)s.", code=code), errors={"json": {name: [_("Unknown unit.")]}})
    return unit


def scoped_unit(code: str) -> Unit:
    """A unit of the token owner's subtree, by code: 404 otherwise."""
    unit = get_unit_by_code(code)
    if unit is None or not in_scope(api_user(), unit.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=code))
    return unit


def scoped_conference(conference_id: int) -> DialogueConference:
    """A conference hosted in the token owner's subtree: 404 otherwise."""
    conference = db.session.get(DialogueConference, conference_id)
    if conference is None or not can_see_conference(api_user(), conference):
        abort(404, message=_("No such conference in your scope."))
    return conference


def scoped_comment(comment_id: int) -> DialogueComment:
    """A comment the token owner may see (the host's people or its department): 404 otherwise."""
    comment = db.session.get(DialogueComment, comment_id)
    if comment is None or not can_see_comment(api_user(), comment):
        abort(404, message=_("No such comment in your scope."))
    return comment


def refuse(error: DialogueError) -> None:
    """Undo the request's changes and answer 422 with the rule that refused them."""
    db.session.rollback()
    logger.info("dialogue API change refused: %s", error)
    if error.field:
        abort(422, message=str(error), errors={"json": {error.field: [str(error)]}})
    abort(422, message=str(error))
