"""JSON API of the dialogue feature: conferences, comments, answers and status changes, statistics."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey_app.analytics.dialogue_queries import dialogue_stats
from survey_app.api.auth import api_user, token_required
from survey_app.auth.permissions import Capability, in_scope
from survey_app.dialogue import services
from survey_app.extensions import db
from survey_app.models import ProcedureField, Unit
from survey_app.models.dialogue import (
    CommentChannel,
    ConferenceForm,
    DialogueComment,
    DialogueConference,
    SpeakerKind,
)
from survey_app.org.services import get_unit_by_code, subtree_ids_query

blp = Blueprint(
    "dialogue_api",
    __name__,
    url_prefix="/api/v1",
    description="Dialogue conferences: conferences, comments, answers, follow-up and statistics",
)

Length = ma.validate.Length
OneOf = ma.validate.OneOf


# --- schemas ------------------------------------------------------------------------------------


class ConferenceInSchema(ma.Schema):
    """A conference to plan."""

    title = ma.fields.String(required=True, validate=Length(min=1, max=300))
    host_unit = ma.fields.String(required=True, metadata={"description": "Code of the host unit"})
    held_at = ma.fields.AwareDateTime(
        required=True,
        default_timezone=services.local_zone(),
        metadata={"example": "2018-06-01T08:00:00+07:00"},
    )
    chair = ma.fields.String(load_default="", validate=Length(max=200))
    co_organiser = ma.fields.String(load_default="", validate=Length(max=200))
    venue = ma.fields.String(load_default="", validate=Length(max=300))
    form = ma.fields.String(load_default="conference", validate=OneOf([f.value for f in ConferenceForm]))
    scope = ma.fields.String(load_default="", validate=Length(max=4000))
    expected_participants = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(0, 100000)
    )
    invitees = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "Unit codes"})


class CommentInSchema(ma.Schema):
    """A comment raised at (or sent before) a conference, with its answer on the spot or its assignment."""

    content = ma.fields.String(required=True, validate=Length(min=1, max=services.MAX_CONTENT))
    category = ma.fields.String(
        required=True, metadata={"description": "Category code (data/categories.csv)"}
    )
    speaker_kind = ma.fields.String(load_default="individual", validate=OneOf([k.value for k in SpeakerKind]))
    speaker_name = ma.fields.String(load_default="", validate=Length(max=200))
    speaker_organisation = ma.fields.String(load_default="", validate=Length(max=200))
    name_consent = ma.fields.Boolean(load_default=False)
    channel = ma.fields.String(load_default="spoken", validate=OneOf([c.value for c in CommentChannel]))
    field = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Procedure field code"}
    )
    addressed_department = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Unit code"}
    )
    outcome = ma.fields.String(load_default="none", validate=OneOf(services.OUTCOMES))
    answered_by = ma.fields.String(load_default="", validate=Length(max=200))
    answer = ma.fields.String(load_default="", validate=Length(max=services.MAX_ANSWER))
    department = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "Unit code"})
    due_on = ma.fields.Date(load_default=None, allow_none=True)
    client_key = ma.fields.String(load_default=None, allow_none=True, validate=Length(max=64))


STATUS_CHANGES = ("answered_on_spot", "assigned", "forwarded", "in_progress", "answered")


class StatusChangeSchema(ma.Schema):
    """A step of a comment's follow-up."""

    status = ma.fields.String(required=True, validate=OneOf(STATUS_CHANGES))
    department = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "for assigned"}
    )
    due_on = ma.fields.Date(load_default=None, allow_none=True, metadata={"description": "for assigned"})
    body = ma.fields.String(
        load_default="", validate=Length(max=300), metadata={"description": "for forwarded"}
    )
    note = ma.fields.String(load_default="", validate=Length(max=1000))
    answer = ma.fields.String(load_default="", validate=Length(max=services.MAX_ANSWER))
    answered_by = ma.fields.String(load_default="", validate=Length(max=200))


class StateChangeSchema(ma.Schema):
    """A step of a conference: start, close, publish."""

    action = ma.fields.String(required=True, validate=OneOf(list(services.TRANSITIONS)))


class EventSchema(ma.Schema):
    """One step of a comment's status history."""

    status = ma.fields.Function(lambda e: e.status.value)
    at = ma.fields.DateTime()
    actor = ma.fields.String(attribute="actor_label")
    note = ma.fields.String()


class CommentSchema(ma.Schema):
    """A comment and where its follow-up stands."""

    id = ma.fields.Integer()
    number = ma.fields.Integer()
    conference_id = ma.fields.Integer()
    speaker_kind = ma.fields.Function(lambda c: c.speaker_kind.value)
    speaker_name = ma.fields.String()
    speaker_organisation = ma.fields.String()
    name_consent = ma.fields.Boolean()
    channel = ma.fields.Function(lambda c: c.channel.value)
    category = ma.fields.String()
    field = ma.fields.Function(lambda c: c.field.code if c.field else None)
    content = ma.fields.String()
    addressed_department = ma.fields.Function(
        lambda c: c.addressed_department.code if c.addressed_department else None
    )
    status = ma.fields.Function(lambda c: c.status.value)
    department = ma.fields.Function(lambda c: c.department.code if c.department else None)
    due_on = ma.fields.Date(allow_none=True)
    forwarded_to = ma.fields.String()
    answered_on_spot = ma.fields.Boolean()
    answered_by = ma.fields.String()
    answer = ma.fields.String()
    answered_at = ma.fields.DateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(EventSchema), attribute="events")


class ConferenceSchema(ma.Schema):
    """A conference."""

    id = ma.fields.Integer()
    title = ma.fields.String()
    host_unit = ma.fields.Function(lambda c: c.host_unit.code)
    held_at = ma.fields.DateTime()
    state = ma.fields.Function(lambda c: c.state.value)
    form = ma.fields.Function(lambda c: c.form.value)
    chair = ma.fields.String()
    co_organiser = ma.fields.String()
    venue = ma.fields.String()
    scope = ma.fields.String()
    expected_participants = ma.fields.Integer(allow_none=True)
    invitees = ma.fields.Function(lambda c: [i.unit.code for i in c.invitees])


class ConferenceDetailSchema(ConferenceSchema):
    """A conference with its comments."""

    comments = ma.fields.List(ma.fields.Nested(CommentSchema))


class ConferenceQuerySchema(ma.Schema):
    """Filters of the conference list."""

    unit = ma.fields.String(load_default=None, metadata={"description": "Unit code (its whole subtree)"})
    from_ = ma.fields.Date(load_default=None, data_key="from")
    to = ma.fields.Date(load_default=None)


class StatsQuerySchema(ma.Schema):
    """Unit and period of the statistics."""

    unit = ma.fields.String(required=True, metadata={"description": "Unit code (its whole subtree)"})
    from_ = ma.fields.Date(
        load_default=None, data_key="from", metadata={"description": "Default: 1 year ago"}
    )
    to = ma.fields.Date(load_default=None, metadata={"description": "Default: today"})


class StatsSchema(ma.Schema):
    """Dialogue figures of a unit's subtree."""

    unit = ma.fields.String()
    unit_name = ma.fields.String()
    from_ = ma.fields.Date(data_key="from")
    to = ma.fields.Date()
    conferences = ma.fields.Integer()
    comments = ma.fields.Integer()
    by_category = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    by_department = ma.fields.List(ma.fields.Dict())
    answered_on_spot = ma.fields.Integer()
    on_spot_share = ma.fields.Float(allow_none=True, metadata={"description": "percent"})
    written = ma.fields.Integer()
    answered_in_writing = ma.fields.Integer()
    answered_in_writing_on_time = ma.fields.Integer()
    written_due = ma.fields.Integer()
    on_time_share = ma.fields.Float(allow_none=True, metadata={"description": "percent"})
    overdue = ma.fields.Integer()


# --- helpers ------------------------------------------------------------------------------------


def _json_body(schema: ma.Schema) -> dict:
    """The JSON body loaded through a schema; 422 with the field errors otherwise."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(422, message=_("Send a JSON object."), errors={"json": [_("Send a JSON object.")]})
    try:
        return schema.load(payload)
    except ma.ValidationError as error:
        abort(422, message=_("Some fields are not valid."), errors={"json": error.messages})


def _query(schema: ma.Schema) -> dict:
    try:
        return schema.load(request.args)
    except ma.ValidationError as error:
        abort(422, message=_("Some parameters are not valid."), errors={"query": error.messages})


def _unit(code: str | None, name: str, *, required: bool = True) -> Unit | None:
    """A unit by code: 422 when it does not exist."""
    if not code:
        if required:
            abort(422, message=_("Give a unit code."), errors={"json": {name: [_("Required.")]}})
        return None
    unit = get_unit_by_code(code)
    if unit is None:
        abort(422, message=_("No unit %(code)s.", code=code), errors={"json": {name: [_("Unknown unit.")]}})
    return unit


def _scoped_unit(code: str) -> Unit:
    unit = get_unit_by_code(code)
    if unit is None or not in_scope(api_user(), unit.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=code))
    return unit


def _conference(conference_id: int) -> DialogueConference:
    conference = db.session.get(DialogueConference, conference_id)
    if conference is None or not services.can_see_conference(api_user(), conference):
        abort(404, message=_("No such conference in your scope."))
    return conference


def _comment(comment_id: int) -> DialogueComment:
    comment = db.session.get(DialogueComment, comment_id)
    if comment is None or not services.can_see_comment(api_user(), comment):
        abort(404, message=_("No such comment in your scope."))
    return comment


def _refused(error: services.DialogueError) -> None:
    db.session.rollback()
    abort(422, message=str(error))


# --- conferences --------------------------------------------------------------------------------


def _planned(data: dict) -> DialogueConference:
    host = _unit(data["host_unit"], "host_unit")
    if not in_scope(api_user(), host.id):
        abort(
            422,
            message=_("No unit %(code)s in your scope.", code=host.code),
            errors={"json": {"host_unit": []}},
        )
    invitees = [_unit(code, "invitees") for code in data["invitees"]]
    try:
        conference = services.create_conference(
            services.ConferenceData(
                title=data["title"],
                held_at=data["held_at"],
                chair=data["chair"],
                co_organiser=data["co_organiser"],
                venue=data["venue"],
                form=ConferenceForm(data["form"]),
                scope=data["scope"],
                expected_participants=data["expected_participants"],
                invitee_ids=[u.id for u in invitees],
            ),
            host,
            api_user(),
        )
    except services.DialogueError as error:
        _refused(error)
    db.session.commit()
    return conference


@blp.route("/dialogue/conferences")
class Conferences(MethodView):
    """The conferences of the token owner's subtree."""

    @blp.doc(parameters=[{"in": "query", "schema": ConferenceQuerySchema}])
    @blp.response(200, ConferenceSchema(many=True))
    @token_required()
    def get(self):
        """Conferences hosted in the token owner's subtree (or a unit's subtree), newest first."""
        args = _query(ConferenceQuerySchema())
        query = services.conferences_query(api_user()).options(
            selectinload(DialogueConference.host_unit),
            selectinload(DialogueConference.invitees),
        )
        if args["unit"]:
            unit = _scoped_unit(args["unit"])
            query = query.where(DialogueConference.host_unit_id.in_(subtree_ids_query(unit.id)))
        zone = services.local_zone()
        if args["from_"]:
            low = datetime.combine(args["from_"], time(), zone)
            query = query.where(DialogueConference.held_at >= low)
        if args["to"]:
            high = datetime.combine(args["to"] + timedelta(days=1), time(), zone)
            query = query.where(DialogueConference.held_at < high)
        return db.session.scalars(query.limit(1000)).all()

    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": ConferenceInSchema}}})
    @blp.response(201, ConferenceSchema)
    @blp.alt_response(422, description="Invalid conference")
    @token_required(Capability.enter_data)
    def post(self):
        """Plan a conference of a unit in the token owner's subtree."""
        return _planned(_json_body(ConferenceInSchema()))


@blp.route("/dialogue/conferences/<int:conference_id>")
class Conference(MethodView):
    """One conference."""

    @blp.response(200, ConferenceDetailSchema)
    @token_required()
    def get(self, conference_id: int):
        """A conference with every comment and its status history."""
        conference = _conference(conference_id)
        _load_comments(conference)
        return conference


@blp.route("/dialogue/conferences/<int:conference_id>/state")
class ConferenceState(MethodView):
    """Where a conference is: planned → in session → closed → published."""

    @blp.response(200, ConferenceSchema)
    @token_required()
    def get(self, conference_id: int):
        """The conference (its `state` field)."""
        return _conference(conference_id)

    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": StateChangeSchema}}})
    @blp.response(200, ConferenceSchema)
    @blp.alt_response(422, description="Step not possible now")
    @token_required(Capability.enter_data)
    def post(self, conference_id: int):
        """Start, close or publish a conference (publishing publishes every held written answer)."""
        conference = _conference(conference_id)
        data = _json_body(StateChangeSchema())
        try:
            services.change_state(conference, data["action"], api_user())
        except services.DialogueError as error:
            _refused(error)
        db.session.commit()
        return conference


# --- comments -----------------------------------------------------------------------------------


def _load_comments(conference: DialogueConference) -> list[DialogueComment]:
    return list(
        db.session.scalars(
            select(DialogueComment)
            .where(DialogueComment.conference_id == conference.id)
            .options(
                selectinload(DialogueComment.events),
                selectinload(DialogueComment.department),
                selectinload(DialogueComment.addressed_department),
                selectinload(DialogueComment.field),
            )
            .order_by(DialogueComment.number)
        )
    )


def _recorded(conference: DialogueConference, data: dict) -> DialogueComment:
    field = None
    if data["field"]:
        field = db.session.scalar(select(ProcedureField).where(ProcedureField.code == data["field"]))
        if field is None:
            abort(422, message=_("Choose a procedure field from the list."), errors={"json": {"field": []}})
    addressed = _unit(data["addressed_department"], "addressed_department", required=False)
    department = _unit(data["department"], "department", required=False)
    try:
        comment = services.add_comment_and(
            db.session.commit,
            conference,
            services.CommentInput(
                content=data["content"],
                category=data["category"],
                speaker_kind=SpeakerKind(data["speaker_kind"]),
                speaker_name=data["speaker_name"],
                speaker_organisation=data["speaker_organisation"],
                name_consent=data["name_consent"],
                channel=CommentChannel(data["channel"]),
                field_id=field.id if field else None,
                addressed_department_id=addressed.id if addressed else None,
                outcome=data["outcome"],
                answered_by=data["answered_by"],
                answer=data["answer"],
                department_id=department.id if department else None,
                due_on=data["due_on"],
                client_key=data["client_key"],
            ),
            api_user(),
        )
    except services.DialogueError as error:
        _refused(error)
    return comment


@blp.route("/dialogue/conferences/<int:conference_id>/comments")
class Comments(MethodView):
    """The comments of a conference."""

    @blp.response(200, CommentSchema(many=True))
    @token_required()
    def get(self, conference_id: int):
        """Every comment of the conference, in order, with its status history."""
        return _load_comments(_conference(conference_id))

    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": CommentInSchema}}})
    @blp.response(201, CommentSchema)
    @blp.alt_response(422, description="Invalid comment")
    @token_required(Capability.enter_data)
    def post(self, conference_id: int):
        """Record a comment: with outcome on_spot its answer, with outcome written its department, due date.

        A comment sent again with the same client_key is stored once.
        """
        conference = _conference(conference_id)
        return _recorded(conference, _json_body(CommentInSchema()))


@blp.route("/dialogue/comments/<int:comment_id>")
class Comment(MethodView):
    """One comment."""

    @blp.response(200, CommentSchema)
    @token_required()
    def get(self, comment_id: int):
        """A comment with its status history (the host's people, or the department it is assigned to)."""
        return _comment(comment_id)


@blp.route("/dialogue/comments/<int:comment_id>/status")
class CommentStatus(MethodView):
    """A comment's follow-up."""

    @blp.response(200, EventSchema(many=True))
    @token_required()
    def get(self, comment_id: int):
        """The status history: who changed what, when."""
        return _comment(comment_id).events

    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": StatusChangeSchema}}})
    @blp.response(200, CommentSchema)
    @blp.alt_response(422, description="Change not possible")
    @token_required(Capability.enter_data)
    def post(self, comment_id: int):
        """Record an answer or a status change (on the spot, assigned, forwarded, in progress, answered)."""
        comment = _comment(comment_id)
        data = _json_body(StatusChangeSchema())
        user = api_user()
        status = data["status"]
        try:
            if status == "answered_on_spot":
                services.answer_on_spot(comment, data["answered_by"], data["answer"], user)
            elif status == "assigned":
                department = _unit(data["department"], "department")
                services.assign(comment, department.id, data["due_on"], user)
            elif status == "forwarded":
                services.forward(comment, data["body"], user, data["note"])
            elif status == "in_progress":
                services.start_work(comment, user, data["note"])
            else:
                services.answer_in_writing(comment, data["answer"], user)
        except services.DialogueError as error:
            _refused(error)
        db.session.commit()
        return comment


# --- statistics ---------------------------------------------------------------------------------


@blp.route("/stats/dialogue", methods=["GET"])
@blp.doc(parameters=[{"in": "query", "schema": StatsQuerySchema}])
@blp.response(200, StatsSchema)
@token_required(Capability.read_results)
def stats():
    """Conferences held in a unit's subtree, comments by category and department, share answered on the spot,
    share answered in writing by the deadline (of those answered or due) and overdue counts."""
    args = _query(StatsQuerySchema())
    unit = _scoped_unit(args["unit"])
    end = args["to"] or services.today()
    start = args["from_"] or _year_before(end)
    if start > end:
        abort(422, message=_("The start date is after the end date."), errors={"query": {"from": []}})
    figures = dialogue_stats(unit, start, end, today=services.today(), zone=services.local_zone())
    return {"unit": unit.code, "unit_name": unit.name, "from_": start, "to": end, **figures}


def _year_before(day: date) -> date:
    """The day after the same date a year earlier (29/2 → 1/3)."""
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:
        return date(day.year - 1, 3, 1)
