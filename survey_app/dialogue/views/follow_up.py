"""Follow-up pages of a department: its inbox and one comment (answer, forward, progress)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from survey_app.auth.permissions import Capability, require
from survey_app.core import clock
from survey_app.dialogue.comments import answer_in_writing, forward, start_work
from survey_app.dialogue.deadlines import forward_deadline, lateness
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.scope import can_see_conference, inbox_query
from survey_app.dialogue.views import bp
from survey_app.dialogue.views.context import comment_or_404, labels, refused
from survey_app.dialogue.vocabulary import PLACEHOLDER, answer_templates
from survey_app.extensions import db
from survey_app.forms.common import ActionForm
from survey_app.forms.dialogue import AnswerForm, ForwardForm
from survey_app.models.dialogue import DialogueComment

INBOX_LIMIT = 500


@bp.get("/inbox")
@require(Capability.enter_data)
def inbox():
    """The comments assigned to the user's department, open ones first, overdue ones marked."""
    show_all = request.args.get("all") == "1"
    comments = db.session.scalars(
        inbox_query(current_user, open_only=not show_all)
        .options(selectinload(DialogueComment.conference), selectinload(DialogueComment.department))
        .limit(INBOX_LIMIT)
    ).all()
    return render_template(
        "dialogue/inbox.html",
        comments=comments,
        show_all=show_all,
        today=clock.today(),
        lateness=lateness,
        **labels(),
    )


@bp.route("/comments/<int:comment_id>", methods=["GET", "POST"])
@require(Capability.enter_data)
def comment(comment_id: int):
    """One comment: its history, and the department's answer, forward or progress."""
    comment = comment_or_404(comment_id)
    answer_form = AnswerForm(prefix="a")
    forward_form = ForwardForm(prefix="f")
    progress_form = ActionForm(prefix="p")
    if request.method == "POST":
        kind = request.form.get("kind", "")
        form = {"answer": answer_form, "forward": forward_form, "progress": progress_form}.get(kind)
        if form is not None and form.validate_on_submit():
            try:
                if kind == "answer":
                    answer_in_writing(
                        comment,
                        answer_form.answer.data,
                        current_user,
                        answered_by=answer_form.answered_by.data or "",
                    )
                elif kind == "forward":
                    forward(comment, forward_form.body.data, current_user, forward_form.note.data or "")
                else:
                    start_work(comment, current_user)
            except DialogueError as exc:
                if kind == "answer" and exc.field == "answer":
                    # shown beside the answer it is about
                    answer_form.answer.errors = [*answer_form.answer.errors, refused(exc)]
                else:
                    flash(refused(exc), "error")
            else:
                db.session.commit()
                flash(
                    _("Comment %(n)d: %(status)s.", n=comment.number, status=comment.status.label), "success"
                )
                return redirect(url_for("dialogue.comment", comment_id=comment.id))
        elif form is None:
            flash(_("Choose an action."), "error")
    return render_template(
        "dialogue/comment.html",
        comment=comment,
        answer_form=answer_form,
        forward_form=forward_form,
        progress_form=progress_form,
        templates=answer_templates(),
        placeholder_pattern=PLACEHOLDER.pattern,
        today=clock.today(),
        lateness=lateness,
        forward_deadline=forward_deadline(comment),
        can_see_conference=can_see_conference(current_user, comment.conference),
        **labels(),
    )
