"""HTML pages of the dialogue feature: planning, live logging, follow-up ledger, minutes, public page."""

from __future__ import annotations

from datetime import UTC

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey_app.auth.permissions import Capability, require, scope_root
from survey_app.core.pdf import pdf_download, stylesheet
from survey_app.dialogue import documents, services
from survey_app.extensions import db
from survey_app.forms.dialogue import (
    ActionForm,
    AnswerForm,
    AssignForm,
    CommentForm,
    ConferencePlanForm,
    ForwardForm,
)
from survey_app.models import Unit, UnitKind
from survey_app.models.dialogue import (
    CommentChannel,
    CommentStatus,
    ConferenceForm,
    ConferenceState,
    DialogueComment,
    DialogueConference,
    SpeakerKind,
)
from survey_app.org.procedure_fields import active_fields
from survey_app.org.services import units_in_subtree

bp = Blueprint("dialogue", __name__, url_prefix="/dialogue")

HOST_KINDS = (UnitKind.province, UnitKind.district, UnitKind.ward, UnitKind.commune)
INVITABLE_KINDS = (UnitKind.district, UnitKind.department, UnitKind.ward, UnitKind.commune)


def _lang() -> str:
    return str(get_locale() or "vi")


def _conference_or_404(conference_id: int) -> DialogueConference:
    conference = db.session.get(DialogueConference, conference_id)
    if conference is None or not services.can_see_conference(current_user, conference):
        abort(404)
    return conference


def _comment_or_404(comment_id: int) -> DialogueComment:
    comment = db.session.get(DialogueComment, comment_id)
    if comment is None or not services.can_see_comment(current_user, comment):
        abort(404)
    return comment


def _labels() -> dict:
    """Every label a dialogue template needs, translated once per request (a ledger has 500 rows)."""
    lang = _lang()
    category_names = {category.code: category.name_in(lang) for category in services.categories()}
    return {
        "states": _translated(services.STATE_LABELS),
        "forms": _translated(services.FORM_LABELS),
        "speakers": _translated(services.SPEAKER_LABELS),
        "channels": _translated(services.CHANNEL_LABELS),
        "statuses": _translated(services.STATUS_LABELS),
        "category_name": lambda code: category_names.get(code, code),
    }


def _translated(labels: dict) -> dict:
    """The lazy labels of a mapping resolved in the request's language."""
    return {key: str(label) for key, label in labels.items()}


class _Response:
    """What the printable documents write for each comment."""

    text = staticmethod(documents.response_text)
    speaker = staticmethod(documents.speaker_text)


def _document_context(conference: DialogueConference) -> dict:
    """The heading and per-comment texts of the printable documents."""
    return {
        "doc": documents.header(conference),
        "response": _Response,
        "participants": documents.participants_text(conference),
        **_labels(),
    }


def _plan_form(conference: DialogueConference | None) -> ConferencePlanForm:
    form = ConferencePlanForm(obj=conference)
    root_id = scope_root(current_user)
    hosts = [u for u in units_in_subtree(root_id, kinds=HOST_KINDS) if u.is_active]
    hosts.sort(key=lambda u: u.id != current_user.unit_id)  # the official's own unit first
    form.host_unit_id.choices = [(u.id, f"{u.name} ({u.code})") for u in hosts]
    form.form.choices = [(k.value, services.FORM_LABELS[k]) for k in ConferenceForm]
    if conference is not None:
        form.host_unit_id.choices = [(conference.host_unit.id, conference.host_unit.name)]
        pool = services.invitable_units(conference.host_unit)
    else:
        # Units of the whole scope; the service checks they lie below the host finally chosen.
        pool = units_in_subtree(root_id, kinds=INVITABLE_KINDS)
        pool = [u for u in pool if u.is_active and u.id != root_id]
    form.invitee_ids.choices = [(u.id, u.name) for u in pool]
    if request.method == "GET" and conference is not None:
        local = conference.held_at.astimezone(services.local_zone())
        form.held_on.data = local.date()
        form.held_time.data = local.strftime("%H:%M")
        form.form.data = conference.form.value
        form.invitee_ids.data = [i.unit_id for i in conference.invitees]
    return form


def _plan_data(form: ConferencePlanForm) -> services.ConferenceData:
    start = form.local_start().replace(tzinfo=services.local_zone()).astimezone(UTC)
    return services.ConferenceData(
        title=form.title.data or "",
        held_at=start,
        chair=form.chair.data or "",
        co_organiser=form.co_organiser.data or "",
        venue=form.venue.data or "",
        form=ConferenceForm(form.form.data),
        scope=form.scope.data or "",
        expected_participants=form.expected_participants.data,
        participant_organisations=form.participant_organisations.data,
        participant_individuals=form.participant_individuals.data,
        conclusion=form.conclusion.data or "",
        invitee_ids=list(form.invitee_ids.data or []),
    )


@bp.get("/")
@require(Capability.enter_data)
def index():
    """Conferences of the user's units, and the way to the department inbox."""
    conferences = db.session.scalars(
        services.conferences_query(current_user)
        .options(selectinload(DialogueConference.host_unit))
        .limit(200)
    ).all()
    counts = services.comment_counts([c.id for c in conferences])
    open_count = services.count(services.inbox_query(current_user, open_only=True))
    return render_template(
        "dialogue/index.html", conferences=conferences, counts=counts, open_count=open_count, **_labels()
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Capability.enter_data)
def new():
    """Plan a conference."""
    form = _plan_form(None)
    if form.validate_on_submit():
        host = db.session.get(Unit, form.host_unit_id.data)
        try:
            conference = services.create_conference(_plan_data(form), host, current_user)
        except services.DialogueError as exc:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Conference planned."), "success")
            return redirect(url_for("dialogue.conference", conference_id=conference.id))
    return render_template("dialogue/plan.html", form=form, conference=None)


@bp.route("/<int:conference_id>/edit", methods=["GET", "POST"])
@require(Capability.enter_data)
def edit(conference_id: int):
    """Change a conference's details."""
    conference = _conference_or_404(conference_id)
    form = _plan_form(conference)
    if form.validate_on_submit():
        try:
            services.update_conference(conference, _plan_data(form))
        except services.DialogueError as exc:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Conference saved."), "success")
            return redirect(url_for("dialogue.conference", conference_id=conference.id))
    return render_template("dialogue/plan.html", form=form, conference=conference)


def _assign_form(conference: DialogueConference, comments: list[DialogueComment]) -> AssignForm:
    form = AssignForm()
    form.comment_ids.choices = [(c.id, str(c.number)) for c in comments]
    form.department_id.choices = [(0, _("— choose —"))] + [
        (u.id, u.name) for u in services.department_choices(conference.host_unit)
    ]
    return form


def _load_conference_comments(conference: DialogueConference) -> list[DialogueComment]:
    return list(
        db.session.scalars(
            select(DialogueComment)
            .where(DialogueComment.conference_id == conference.id)
            .options(selectinload(DialogueComment.department), selectinload(DialogueComment.field))
            .order_by(DialogueComment.number)
        )
    )


@bp.get("/<int:conference_id>")
@require(Capability.enter_data)
def conference(conference_id: int):
    """The conference with its follow-up ledger."""
    conference = _conference_or_404(conference_id)
    comments = _load_conference_comments(conference)
    return render_template(
        "dialogue/conference.html",
        conference=conference,
        comments=comments,
        assign_form=_assign_form(conference, comments),
        action_form=ActionForm(),
        today=services.today(),
        is_overdue=services.is_overdue,
        **_labels(),
    )


@bp.post("/<int:conference_id>/state")
@require(Capability.enter_data)
def change_state(conference_id: int):
    """Start, close or publish a conference."""
    conference = _conference_or_404(conference_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.change_state(conference, form.action.data or "", current_user)
        except services.DialogueError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Conference: %(state)s.", state=services.STATE_LABELS[conference.state]), "success")
    return redirect(url_for("dialogue.conference", conference_id=conference.id))


@bp.post("/<int:conference_id>/assign")
@require(Capability.enter_data)
def bulk_assign(conference_id: int):
    """Assign the ticked comments to one department."""
    conference = _conference_or_404(conference_id)
    form = _assign_form(conference, conference.comments)
    if form.validate_on_submit():
        comments = services.find_comments(conference, form.comment_ids.data or [])
        try:
            done = services.bulk_assign(comments, form.department_id.data, form.due_on.data, current_user)
        except services.DialogueError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("%(n)d comments assigned.", n=done), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("dialogue.conference", conference_id=conference.id))


@bp.get("/<int:conference_id>/invitation")
@require(Capability.enter_data)
def invitation(conference_id: int):
    """The printable invitation (giấy mời)."""
    conference = _conference_or_404(conference_id)
    return render_template("dialogue/invitation.html", conference=conference, **_document_context(conference))


def _comment_form(conference: DialogueConference) -> CommentForm:
    form = CommentForm()
    lang = _lang()
    form.category.choices = [(c.code, c.name_in(lang)) for c in services.categories()]
    form.speaker_kind.choices = [(k.value, services.SPEAKER_LABELS[k]) for k in SpeakerKind]
    form.channel.choices = [(k.value, services.CHANNEL_LABELS[k]) for k in CommentChannel]
    form.field_id.choices = [(0, _("— none —"))] + [(f.id, f.name_in(lang)) for f in active_fields()]
    units = [(u.id, u.name) for u in services.department_choices(conference.host_unit)]
    form.addressed_department_id.choices = [(0, _("— none —")), *units]
    form.department_id.choices = [(0, _("— same as addressed —")), *units]
    form.outcome.choices = [
        ("on_spot", _("Answered on the spot")),
        ("written", _("Needs a written answer")),
        ("none", _("Decide later")),
    ]
    return form


def _comment_input(form: CommentForm) -> services.CommentInput:
    return services.CommentInput(
        content=form.content.data or "",
        category=form.category.data or "",
        speaker_kind=SpeakerKind(form.speaker_kind.data),
        speaker_name=form.speaker_name.data or "",
        speaker_organisation=form.speaker_organisation.data or "",
        name_consent=bool(form.name_consent.data),
        channel=CommentChannel(form.channel.data),
        field_id=form.field_id.data or None,
        addressed_department_id=form.addressed_department_id.data or None,
        outcome=form.outcome.data or "none",
        answered_by=form.answered_by.data or "",
        answer=form.answer.data or "",
        department_id=form.department_id.data or None,
        due_on=form.due_on.data,
        client_key=(form.client_key.data or "")[:64] or None,
    )


def _comment_json(comment: DialogueComment) -> dict:
    return {
        "id": comment.id,
        "number": comment.number,
        "client_key": comment.client_key,
        "status": comment.status.value,
        "status_label": str(services.STATUS_LABELS[comment.status]),
        "category": services.category_name(comment.category, _lang()),
        "content": comment.content,
        "department": comment.department.name if comment.department else "",
        "due_on": comment.due_on.strftime("%d/%m/%Y") if comment.due_on else "",
    }


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/<int:conference_id>/live")
@require(Capability.enter_data)
def live(conference_id: int):
    """The keyboard-first live-logging screen."""
    conference = _conference_or_404(conference_id)
    form = _comment_form(conference)
    return _render_live(conference, form)


def _render_live(conference: DialogueConference, form: CommentForm, status: int = 200):
    comments = _load_conference_comments(conference)
    return (
        render_template(
            "dialogue/live.html",
            conference=conference,
            form=form,
            comments=comments[::-1],
            default_due=services.default_due_on(conference),
            **_labels(),
        ),
        status,
    )


@bp.post("/<int:conference_id>/comments")
@require(Capability.enter_data)
def add_comment(conference_id: int):
    """Record one comment (from the live screen's script as JSON, or as a plain form)."""
    conference = _conference_or_404(conference_id)
    form = _comment_form(conference)
    if form.validate_on_submit():
        try:
            comment = services.add_comment_and(
                db.session.commit, conference, _comment_input(form), current_user
            )
        except services.DialogueError as exc:
            db.session.rollback()
            form.content.errors = [*form.content.errors, str(exc)]
        else:
            if _wants_json():
                return jsonify(_comment_json(comment)), 201
            flash(_("Comment %(n)d recorded.", n=comment.number), "success")
            return redirect(url_for("dialogue.live", conference_id=conference.id))
    if _wants_json():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return jsonify({"message": _("Please correct the errors below."), "errors": errors}), 400
    return _render_live(conference, form)


@bp.get("/inbox")
@require(Capability.enter_data)
def inbox():
    """The comments assigned to the user's department, open ones first, overdue ones marked."""
    show_all = request.args.get("all") == "1"
    comments = db.session.scalars(
        services.inbox_query(current_user, open_only=not show_all)
        .options(selectinload(DialogueComment.conference), selectinload(DialogueComment.department))
        .limit(500)
    ).all()
    return render_template(
        "dialogue/inbox.html",
        comments=comments,
        show_all=show_all,
        today=services.today(),
        is_overdue=services.is_overdue,
        **_labels(),
    )


@bp.route("/comments/<int:comment_id>", methods=["GET", "POST"])
@require(Capability.enter_data)
def comment(comment_id: int):
    """One comment: its history, and the department's answer, forward or progress."""
    comment = _comment_or_404(comment_id)
    answer_form = AnswerForm(prefix="a")
    forward_form = ForwardForm(prefix="f")
    action_form = ActionForm(prefix="p")
    if request.method == "POST":
        kind = request.form.get("kind", "")
        form = {"answer": answer_form, "forward": forward_form, "progress": action_form}.get(kind)
        if form is not None and form.validate_on_submit():
            try:
                if kind == "answer":
                    services.answer_in_writing(comment, answer_form.answer.data, current_user)
                elif kind == "forward":
                    services.forward(
                        comment, forward_form.body.data, current_user, forward_form.note.data or ""
                    )
                else:
                    services.start_work(comment, current_user)
            except services.DialogueError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(
                    _(
                        "Comment %(n)d: %(status)s.",
                        n=comment.number,
                        status=services.STATUS_LABELS[comment.status],
                    ),
                    "success",
                )
                return redirect(url_for("dialogue.comment", comment_id=comment.id))
        elif form is None:
            flash(_("Choose an action."), "error")
    return render_template(
        "dialogue/comment.html",
        comment=comment,
        answer_form=answer_form,
        forward_form=forward_form,
        action_form=action_form,
        templates=services.answer_templates(),
        today=services.today(),
        is_overdue=services.is_overdue,
        forward_deadline=services.forward_deadline(comment),
        can_see_conference=services.can_see_conference(current_user, comment.conference),
        **_labels(),
    )


@bp.get("/<int:conference_id>/<any(minutes, conclusion):kind>")
@require(Capability.enter_data)
def document(conference_id: int, kind: str):
    """The printable minutes (biên bản) or conclusion notice (thông báo kết luận)."""
    conference = _conference_or_404(conference_id)
    return render_template(
        f"dialogue/{kind}.html",
        conference=conference,
        comments=_load_conference_comments(conference),
        **_document_context(conference),
    )


@bp.get("/<int:conference_id>/<any(minutes, conclusion):kind>.docx")
@require(Capability.enter_data)
def document_docx(conference_id: int, kind: str):
    """The minutes or the conclusion notice as a Word document."""
    conference = _conference_or_404(conference_id)
    comments = _load_conference_comments(conference)
    data = (
        documents.minutes_docx(conference, comments)
        if kind == "minutes"
        else documents.conclusion_docx(conference, comments)
    )
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="{_document_name(conference, kind)}.docx"'},
    )


def _document_name(conference: DialogueConference, kind: str) -> str:
    """The download name of a conference document, without its extension."""
    return f"{'bien-ban' if kind == 'minutes' else 'thong-bao-ket-luan'}-{conference.id}"


@bp.get("/<int:conference_id>/<any(minutes, conclusion):kind>.pdf")
@require(Capability.enter_data)
def document_pdf(conference_id: int, kind: str):
    """The minutes or the conclusion notice as a PDF (the printable page when PDF cannot be made here)."""
    conference = _conference_or_404(conference_id)
    download = pdf_download(
        "dialogue/document_pdf.html",
        f"{_document_name(conference, kind)}.pdf",
        kind=kind,
        conference=conference,
        comments=_load_conference_comments(conference),
        document_css=stylesheet("dialogue-document.css"),
        **_document_context(conference),
    )
    if download is None:
        flash(_("PDF is not available on this server; use Print to save the document as PDF."), "error")
        return redirect(url_for("dialogue.document", conference_id=conference.id, kind=kind))
    return download


@bp.get("/public/<int:conference_id>")
def public(conference_id: int):
    """The public page of a published conference: comments and published answers, names only with consent."""
    conference = db.session.get(DialogueConference, conference_id)
    if conference is None or conference.state != ConferenceState.published:
        abort(404)
    comments = _load_conference_comments(conference)
    shown = (CommentStatus.answered_on_spot, CommentStatus.published)
    return render_template(
        "dialogue/public.html", conference=conference, comments=comments, shown=shown, **_labels()
    )
