"""API resources of comments: logging them, one comment, its status history and follow-up steps."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey_app.api.auth import api_user, token_required
from survey_app.auth.permissions import Capability
from survey_app.dialogue.api import blp
from survey_app.dialogue.api.lookups import refuse, scoped_comment, scoped_conference, unit_named
from survey_app.dialogue.api.schemas import (
    ClassificationSchema,
    CommentInSchema,
    CommentSchema,
    EventSchema,
    NoticeSchema,
    StatusChangeSchema,
)
from survey_app.dialogue.comments import (
    CommentInput,
    add_comment_and,
    assign,
    forward,
    start_work,
)
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.handling import (
    answer_on_spot_with_outcome,
    answer_with_outcome,
    classify,
    record_notice,
)
from survey_app.extensions import db
from survey_app.models import ProcedureField
from survey_app.models.dialogue import DialogueComment, DialogueConference


def load_comments(conference: DialogueConference) -> list[DialogueComment]:
    """The conference's comments in order, with what their answers show loaded at once."""
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


def _procedure_field(code: str | None) -> ProcedureField | None:
    if not code:
        return None
    field = db.session.scalar(select(ProcedureField).where(ProcedureField.code == code))
    if field is None:
        abort(422, message=_("Choose a procedure field from the list."), errors={"json": {"field": []}})
    return field


@blp.route("/dialogue/conferences/<int:conference_id>/comments")
class Comments(MethodView):
    """The comments of a conference."""

    @blp.response(200, CommentSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    def get(self, conference_id: int):
        """Every comment of the conference, in order, with its status history."""
        return load_comments(scoped_conference(conference_id))

    @blp.response(201, CommentSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required(Capability.enter_data)
    @blp.arguments(CommentInSchema, location="json")
    def post(self, data: dict, conference_id: int):
        """Record a comment: with outcome on_spot its answer, with outcome written its department, due date.

        A comment sent again with the same client_key is stored once; 422 when the comment is refused.
        """
        conference = scoped_conference(conference_id)
        field = _procedure_field(data["field"])
        addressed = unit_named(data["addressed_department"], "addressed_department", required=False)
        department = unit_named(data["department"], "department", required=False)
        try:
            comment = add_comment_and(
                db.session.commit,
                conference,
                CommentInput(
                    content=data["content"],
                    category=data["category"],
                    speaker_kind=data["speaker_kind"],
                    speaker_name=data["speaker_name"],
                    speaker_organisation=data["speaker_organisation"],
                    speaker_contact=data["speaker_contact"],
                    name_consent=data["name_consent"],
                    channel=data["channel"],
                    field_id=field.id if field else None,
                    addressed_department_id=addressed.id if addressed else None,
                    outcome=data["outcome"],
                    answered_by=data["answered_by"],
                    answer=data["answer"],
                    handling_outcome=data["handling_outcome"],
                    department_id=department.id if department else None,
                    due_on=data["due_on"],
                    client_key=data["client_key"],
                    received_on=data["received_on"],
                ),
                api_user(),
            )
        except DialogueError as error:
            refuse(error)
        return comment


@blp.route("/dialogue/comments/<int:comment_id>")
class Comment(MethodView):
    """One comment."""

    @blp.response(200, CommentSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    def get(self, comment_id: int):
        """A comment with its status history (the host's people, or the department it is assigned to)."""
        return scoped_comment(comment_id)


@blp.route("/dialogue/comments/<int:comment_id>/status")
class CommentStatus(MethodView):
    """A comment's follow-up."""

    @blp.response(200, EventSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    def get(self, comment_id: int):
        """The status history: who changed what, when."""
        return scoped_comment(comment_id).events

    @blp.response(200, CommentSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required(Capability.enter_data)
    @blp.arguments(StatusChangeSchema, location="json")
    def post(self, data: dict, comment_id: int):
        """Record an answer or a status change: on the spot, assigned, forwarded, in progress, answered.

        422 when the change is not possible in the comment's current status.
        """
        comment = scoped_comment(comment_id)
        user = api_user()
        status = data["status"]
        try:
            if status == "answered_on_spot":
                answer_on_spot_with_outcome(
                    comment, data["answered_by"], data["answer"], data["handling_outcome"], user
                )
            elif status == "assigned":
                department = unit_named(data["department"], "department")
                assign(comment, department.id, data["due_on"], user)
            elif status == "forwarded":
                forward(comment, data["body"], user, data["note"])
            elif status == "in_progress":
                start_work(comment, user, data["note"])
            else:
                answer_with_outcome(
                    comment, data["answer"], data["handling_outcome"], user, answered_by=data["answered_by"]
                )
        except DialogueError as error:
            refuse(error)
        db.session.commit()
        return comment


@blp.route("/dialogue/comments/<int:comment_id>/classification")
class CommentClassification(MethodView):
    """A comment's classification (NĐ 20/2008 Điều 14)."""

    @blp.response(200, CommentSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    def get(self, comment_id: int):
        """The comment with its classification: competence and basis (null: not yet said)."""
        return scoped_comment(comment_id)

    @blp.response(200, CommentSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required(Capability.enter_data)
    @blp.arguments(ClassificationSchema, location="json")
    def post(self, data: dict, comment_id: int):
        """Classify a comment not answered yet; 422 naming the field when the pair is not possible (basis
        missing for one within the competence, given for one outside it, within for a forwarded one)."""
        comment = scoped_comment(comment_id)
        try:
            classify(comment, data["competence"], data["basis"], api_user())
        except DialogueError as error:
            refuse(error)
        db.session.commit()
        return comment


@blp.route("/dialogue/comments/<int:comment_id>/notice")
class CommentNotice(MethodView):
    """The notice of a comment's result to the person who raised it (NĐ 20/2008 Điều 19)."""

    @blp.response(200, CommentSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required()
    def get(self, comment_id: int):
        """The comment with its notice: notified_on, notice_means, notice_reference (null while not sent)
        and awaiting_notice."""
        return scoped_comment(comment_id)

    @blp.response(200, CommentSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @token_required(Capability.enter_data)
    @blp.arguments(NoticeSchema, location="json")
    def post(self, data: dict, comment_id: int):
        """Record that the result of a comment answered in writing was sent to its named speaker; 422 for an
        anonymous comment (its result is published), one not answered yet, or a date in the future."""
        comment = scoped_comment(comment_id)
        try:
            record_notice(comment, data["notified_on"], data["means"], api_user(), data["reference"])
        except DialogueError as error:
            refuse(error)
        db.session.commit()
        return comment
