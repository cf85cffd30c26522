"""API resources of conferences: the list, planning, one conference, its state."""

from __future__ import annotations

from datetime import timedelta

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy.orm import selectinload

from survey_app.api.auth import api_user, token_required
from survey_app.auth.permissions import Capability, in_scope
from survey_app.core import clock
from survey_app.dialogue.api import blp
from survey_app.dialogue.api.comments import load_comments
from survey_app.dialogue.api.lookups import refuse, scoped_conference, scoped_unit, unit_named
from survey_app.dialogue.api.schemas import (
    ConferenceDetailSchema,
    ConferenceInSchema,
    ConferenceQuerySchema,
    ConferenceSchema,
    StateChangeSchema,
)
from survey_app.dialogue.conferences import ConferenceData, change_state, create_conference
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.scope import conferences_query
from survey_app.extensions import db
from survey_app.models.dialogue import DialogueConference
from survey_app.org.services import subtree_ids_query

LIST_LIMIT = 1000


@blp.route("/dialogue/conferences")
class Conferences(MethodView):
    """The conferences of the token owner's subtree."""

    @blp.response(200, ConferenceSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    @blp.arguments(ConferenceQuerySchema, location="query")
    def get(self, args: dict):
        """Conferences hosted in the token owner's subtree (or a unit's subtree), newest first."""
        query = conferences_query(api_user()).options(
            selectinload(DialogueConference.host_unit),
            selectinload(DialogueConference.invitees),
        )
        if args["unit"]:
            unit = scoped_unit(args["unit"])
            query = query.where(DialogueConference.host_unit_id.in_(subtree_ids_query(unit.id)))
        if args["from_"]:
            query = query.where(DialogueConference.held_at >= clock.start_of_day(args["from_"]))
        if args["to"]:
            query = query.where(
                DialogueConference.held_at < clock.start_of_day(args["to"] + timedelta(days=1))
            )
        return db.session.scalars(query.limit(LIST_LIMIT)).all()

    @blp.response(201, ConferenceSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @token_required(Capability.enter_data)
    @blp.arguments(ConferenceInSchema, location="json")
    def post(self, data: dict):
        """Plan a conference of a unit in the token owner's subtree (422 when the data or unit is refused)."""
        host = unit_named(data["host_unit"], "host_unit")
        if not in_scope(api_user(), host.id):
            abort(
                422,
                message=_("No unit %(code)s in your scope.", code=host.code),
                errors={"json": {"host_unit": []}},
            )
        invitees = [unit_named(code, "invitees") for code in data["invitees"]]
        try:
            conference = create_conference(
                ConferenceData(
                    title=data["title"],
                    held_at=data["held_at"],
                    chair=data["chair"],
                    co_organiser=data["co_organiser"],
                    venue=data["venue"],
                    form=data["form"],
                    scope=data["scope"],
                    expected_participants=data["expected_participants"],
                    invitee_ids=[u.id for u in invitees],
                    guests=data["guests"],
                    minutes_number=data["minutes_number"],
                    notice_number=data["notice_number"],
                    signer_name=data["signer_name"],
                    signer_capacity=data["signer_capacity"],
                    recipients=data["recipients"],
                ),
                host,
                api_user(),
            )
        except DialogueError as error:
            refuse(error)
        db.session.commit()
        return conference


@blp.route("/dialogue/conferences/<int:conference_id>")
class Conference(MethodView):
    """One conference."""

    @blp.response(200, ConferenceDetailSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    def get(self, conference_id: int):
        """A conference with every comment and its status history."""
        conference = scoped_conference(conference_id)
        load_comments(conference)
        return conference


@blp.route("/dialogue/conferences/<int:conference_id>/state")
class ConferenceState(MethodView):
    """Where a conference is: planned → in session → closed → published."""

    @blp.response(200, ConferenceSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    def get(self, conference_id: int):
        """The conference (its `state` field)."""
        return scoped_conference(conference_id)

    @blp.response(200, ConferenceSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required(Capability.enter_data)
    @blp.arguments(StateChangeSchema, location="json")
    def post(self, data: dict, conference_id: int):
        """Start, close or publish a conference (publishing publishes every held written answer).

        422 when the step is not possible in the conference's current state.
        """
        conference = scoped_conference(conference_id)
        try:
            change_state(conference, data["action"], api_user())
        except DialogueError as error:
            refuse(error)
        db.session.commit()
        return conference
