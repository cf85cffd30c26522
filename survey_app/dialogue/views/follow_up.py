"""Follow-up pages of a department: its inbox and one comment (answer, forward, progress)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from survey_app.auth.permissions import Capability, require
from survey_app.core import clock
from survey_app.dialogue.comments import forward, start_work
from survey_app.dialogue.deadlines import forward_deadline, lateness
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.handling import (
    answer_with_outcome,
    awaiting_notice,
    awaiting_notice_query,
    classify,
    record_notice,
)
from survey_app.dialogue.outcomes import needs_outcome
from survey_app.dialogue.scope import can_see_conference, inbox_query
from survey_app.dialogue.views import bp
from survey_app.dialogue.views.context import comment_or_404, labels, refused
from survey_app.dialogue.vocabulary import PLACEHOLDER, answer_templates
from survey_app.extensions import db
from survey_app.forms.common import ActionForm
from survey_app.forms.dialogue import AnswerForm, ClassifyForm, ForwardForm, NoticeForm
from survey_app.models.dialogue import (
    Competence,
    DialogueComment,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
)

INBOX_LIMIT = 500


@bp.get("/inbox")
@require(Capability.enter_data)
def inbox():
    """The comments assigned to the user's department, open ones first, overdue ones marked."""
    show_all = request.args.get("all") == "1"
    # answered comments whose named speaker has not been sent the result yet (NĐ 20/2008 Điều 19)
    to_notify = request.args.get("notice") == "1"
    if to_notify:
        query = awaiting_notice_query(current_user)
    else:
        query = inbox_query(current_user, open_only=not show_all)
    comments = db.session.scalars(
        query.options(
            selectinload(DialogueComment.conference), selectinload(DialogueComment.department)
        ).limit(INBOX_LIMIT)
    ).all()
    return render_template(
        "dialogue/inbox.html",
        comments=comments,
        show_all=show_all,
        to_notify=to_notify,
        awaiting_notice=awaiting_notice,
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
    answer_form.handling_outcome.choices = [("", _("— none —")), *HandlingOutcome.choices()]
    forward_form = ForwardForm(prefix="f")
    progress_form = ActionForm(prefix="p")
    classify_form = ClassifyForm(prefix="c")
    classify_form.competence.choices = Competence.choices()
    classify_form.basis.choices = HandlingBasis.choices()
    notice_form = NoticeForm(prefix="n")
    notice_form.notice_means.choices = [("", _("— choose —")), *NoticeMeans.choices()]
    if request.method == "GET":
        classify_form.competence.data = comment.competence.value if comment.competence else None
        classify_form.basis.data = comment.basis.value if comment.basis else None
        notice_form.notified_on.data = comment.notified_on or clock.today()
        notice_form.notice_means.data = comment.notice_means.value if comment.notice_means else ""
        notice_form.notice_reference.data = comment.notice_reference
    forms = {
        "answer": answer_form,
        "forward": forward_form,
        "progress": progress_form,
        "classify": classify_form,
        "notice": notice_form,
    }
    if request.method == "POST":
        kind = request.form.get("kind", "")
        form = forms.get(kind)
        if form is not None and form.validate_on_submit():
            try:
                if kind == "answer":
                    answer_with_outcome(
                        comment,
                        answer_form.answer.data,
                        HandlingOutcome(answer_form.handling_outcome.data)
                        if answer_form.handling_outcome.data
                        else None,
                        current_user,
                        answered_by=answer_form.answered_by.data or "",
                    )
                elif kind == "forward":
                    forward(comment, forward_form.body.data, current_user, forward_form.note.data or "")
                elif kind == "classify":
                    classify(
                        comment,
                        Competence(classify_form.competence.data),
                        HandlingBasis(classify_form.basis.data) if classify_form.basis.data else None,
                        current_user,
                    )
                elif kind == "notice":
                    record_notice(
                        comment,
                        notice_form.notified_on.data,
                        NoticeMeans(notice_form.notice_means.data),
                        current_user,
                        notice_form.notice_reference.data or "",
                    )
                else:
                    start_work(comment, current_user)
            except DialogueError as exc:
                # shown beside the input it is about when the form has it
                target = getattr(form, exc.field, None) if exc.field else None
                if target is not None:
                    target.errors = [*target.errors, refused(exc)]
                else:
                    flash(refused(exc), "error")
            else:
                db.session.commit()
                if kind == "classify":
                    message = _("Comment %(n)d classified.", n=comment.number)
                elif kind == "notice":
                    message = _("Comment %(n)d: the notice to the speaker is recorded.", n=comment.number)
                else:
                    message = _("Comment %(n)d: %(status)s.", n=comment.number, status=comment.status.label)
                flash(message, "success")
                return redirect(url_for("dialogue.comment", comment_id=comment.id))
        elif form is None:
            flash(_("Choose an action."), "error")
    return render_template(
        "dialogue/comment.html",
        comment=comment,
        answer_form=answer_form,
        forward_form=forward_form,
        progress_form=progress_form,
        classify_form=classify_form,
        notice_form=notice_form,
        needs_outcome=needs_outcome(comment),
        awaiting_notice=awaiting_notice(comment),
        templates=answer_templates(),
        placeholder_pattern=PLACEHOLDER.pattern,
        today=clock.today(),
        lateness=lateness,
        forward_deadline=forward_deadline(comment),
        can_see_conference=can_see_conference(current_user, comment.conference),
        **labels(),
    )
