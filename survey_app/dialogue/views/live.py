"""The live-logging screen: comments typed during the conference, recorded one by one."""

from __future__ import annotations

import logging

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth.permissions import Capability, require
from survey_app.core import clock
from survey_app.core.formatting import vn_date
from survey_app.dialogue.comments import CommentInput, Outcome, add_comment_and
from survey_app.dialogue.deadlines import default_due_on
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.scope import department_choices
from survey_app.dialogue.views import bp
from survey_app.dialogue.views.context import (
    conference_comments,
    conference_or_404,
    labels,
    language,
    refused,
)
from survey_app.dialogue.vocabulary import categories, category_name
from survey_app.extensions import db
from survey_app.forms.dialogue import CommentForm
from survey_app.models.dialogue import (
    CommentChannel,
    DialogueComment,
    DialogueConference,
    HandlingOutcome,
    SpeakerKind,
)
from survey_app.org.procedure_fields import fields_taking_data

logger = logging.getLogger(__name__)

MAX_CLIENT_KEY = 64
# The form field beside which a rule's refusal is shown (DialogueError.field → CommentForm field).
FORM_FIELDS = {
    "answer": "answer",
    "answered_by": "answered_by",
    "handling_outcome": "handling_outcome",
    "department": "department_id",
    "received_on": "received_on",
    "speaker_name": "speaker_name",
    "speaker_organisation": "speaker_organisation",
    "speaker_contact": "speaker_contact",
}


def _comment_form(conference: DialogueConference) -> CommentForm:
    form = CommentForm()
    lang = language()
    form.category.choices = [("", _("— choose —"))] + [(c.code, c.name_in(lang)) for c in categories()]
    form.speaker_kind.choices = SpeakerKind.choices()
    form.channel.choices = CommentChannel.choices()
    # The fields of the conference's day: today's for a conference of today, the old ones for a 2018
    # conference entered late.
    held_on = clock.local_date(conference.held_at)
    fields = fields_taking_data(held_on)
    form.field_id.choices = [(0, _("— none —"))] + [(f.id, f.name_in(lang)) for f in fields]
    units = [(u.id, u.name) for u in department_choices(conference.host_unit)]
    form.addressed_department_id.choices = [(0, _("— none —")), *units]
    form.department_id.choices = [(0, _("— same as addressed —")), *units]
    form.outcome.choices = Outcome.choices()
    form.handling_outcome.choices = [("", _("— none —")), *HandlingOutcome.choices()]
    return form


def _comment_input(form: CommentForm) -> CommentInput:
    return CommentInput(
        content=form.content.data or "",
        category=form.category.data or "",
        speaker_kind=SpeakerKind(form.speaker_kind.data),
        speaker_name=form.speaker_name.data or "",
        speaker_organisation=form.speaker_organisation.data or "",
        speaker_contact=form.speaker_contact.data or "",
        name_consent=bool(form.name_consent.data),
        channel=CommentChannel(form.channel.data),
        field_id=form.field_id.data or None,
        addressed_department_id=form.addressed_department_id.data or None,
        outcome=form.outcome.data or Outcome.none,
        answered_by=form.answered_by.data or "",
        answer=form.answer.data or "",
        handling_outcome=HandlingOutcome(form.handling_outcome.data) if form.handling_outcome.data else None,
        department_id=form.department_id.data or None,
        due_on=form.due_on.data,
        client_key=(form.client_key.data or "")[:MAX_CLIENT_KEY] or None,
        received_on=form.received_on.data,
    )


def _comment_detail(comment: DialogueComment) -> str:
    """What the live list adds after the status: the handling's outcome, or who answers in writing by when."""
    parts = []
    if comment.handling_outcome is not None:
        parts.append(_("Outcome") + ": " + str(comment.handling_outcome.label))
    if comment.department is not None:
        parts.append(
            _(
                "%(department)s, answer due %(date)s",
                department=comment.department.name,
                date=vn_date(comment.due_on),
            )
            if comment.due_on
            else comment.department.name
        )
    return " · ".join(parts)


def _comment_json(comment: DialogueComment) -> dict:
    """What the live screen's script shows of a recorded comment."""
    return {
        "id": comment.id,
        "number": comment.number,
        "client_key": comment.client_key,
        "status": comment.status.value,
        "status_label": comment.status.label,
        "detail": _comment_detail(comment),
        "category": category_name(comment.category, language()),
        "content": comment.content,
        "department": comment.department.name if comment.department else "",
        "due_on": comment.due_on.strftime("%d/%m/%Y") if comment.due_on else "",
    }


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _render_live(conference: DialogueConference, form: CommentForm):
    comments = conference_comments(conference)
    return render_template(
        "dialogue/live.html",
        conference=conference,
        form=form,
        comments=comments[::-1],
        default_due=default_due_on(conference),
        detail=_comment_detail,
        **labels(),
    )


@bp.get("/<int:conference_id>/live")
@require(Capability.enter_data)
def live(conference_id: int):
    """The keyboard-first live-logging screen."""
    conference = conference_or_404(conference_id)
    return _render_live(conference, _comment_form(conference))


@bp.post("/<int:conference_id>/comments")
@require(Capability.enter_data)
def add_comment(conference_id: int):
    """Record one comment (from the live screen's script as JSON, or as a plain form)."""
    conference = conference_or_404(conference_id)
    form = _comment_form(conference)
    if form.validate_on_submit():
        try:
            comment = add_comment_and(db.session.commit, conference, _comment_input(form), current_user)
        except DialogueError as exc:
            target = getattr(form, FORM_FIELDS.get(exc.field or "", "content"))
            target.errors = [*target.errors, refused(exc)]
        else:
            if _wants_json():
                return jsonify(_comment_json(comment)), 201
            flash(_("Comment %(n)d recorded.", n=comment.number), "success")
            return redirect(url_for("dialogue.live", conference_id=conference.id))
    elif form.errors:
        logger.info("comment for conference %d refused: %s", conference.id, ", ".join(sorted(form.errors)))
    if _wants_json():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return jsonify({"message": _("Please correct the errors below."), "errors": errors}), 400
    return _render_live(conference, form)
