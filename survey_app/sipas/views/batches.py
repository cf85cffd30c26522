"""Paper batches: open one, type its forms keyboard-first, close it; correct a form or leave it out."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth.permissions import Capability, in_scope, require, scope_root
from survey_app.extensions import db
from survey_app.forms.common import ActionForm
from survey_app.forms.sipas import BatchForm
from survey_app.models.sipas import SipasBatch, SipasCampaign, SipasResponse
from survey_app.org.services import is_open_today
from survey_app.sipas.batches import (
    batch_count,
    batch_responses,
    batches_of,
    enter_paper_form,
    open_batch,
    read_typed_answers,
)
from survey_app.sipas.batches import close_batch as close_paper_batch
from survey_app.sipas.campaigns import SipasError, participating_units, questionnaire_of
from survey_app.sipas.responses import answers_of, set_excluded, update_response
from survey_app.sipas.views import bp
from survey_app.sipas.views.lookups import batch_or_404, campaign_or_404, ui_language

TYPED_KEY_LENGTH = 2  # what the entry screen keeps of a typed key when it shows the form again


def _typed_keys(questionnaire) -> dict[str, str]:
    """The keys typed for each question, as posted (shown again beside the problems)."""
    return {code: request.form.get(code, "").strip()[:TYPED_KEY_LENGTH] for code in questionnaire.all_codes}


@bp.route("/campaigns/<code>/batches", methods=["GET", "POST"])
@require(Capability.enter_data)
def batches(code: str):
    """Paper batches of the campaign; open a new one."""
    campaign = campaign_or_404(code)
    root = scope_root(current_user)
    units = participating_units(campaign, root)
    # Offered: the units open today; accepted on a post: every participating unit, so the service says
    # why a closed one is refused (or takes forms collected before its closing: the paper backlog).
    offered = [u for u in units if is_open_today(u) or request.method == "POST"]
    form = BatchForm(units=[(u.id, f"{u.name} ({u.code})") for u in offered])
    if form.validate_on_submit():
        unit = next((u for u in units if u.id == form.unit_id.data), None)
        if unit is None:
            abort(404)
        try:
            batch = open_batch(
                campaign,
                unit,
                place=form.place.data,
                collected_on=form.collected_on.data,
                forms_in_hand=form.forms_in_hand.data,
                user_id=current_user.id,
            )
        except SipasError as exc:
            form.collected_on.errors.append(str(exc))
        else:
            db.session.commit()
            return redirect(url_for("sipas.batch", batch_id=batch.id))
    rows = [(b, batch_count(b)) for b in batches_of(campaign, root)]
    return render_template("sipas/batches.html", campaign=campaign, form=form, rows=rows)


@bp.route("/batches/<int:batch_id>", methods=["GET", "POST"])
@require(Capability.enter_data)
def batch(batch_id: int):
    """The keyboard-first entry screen of a batch: one key per answer, Enter saves the form."""
    batch = batch_or_404(batch_id)
    questionnaire = questionnaire_of(batch.campaign)
    typed, problems = {}, {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        typed = _typed_keys(questionnaire)
        answers, problems = read_typed_answers(questionnaire, request.form)
        if not problems:
            try:
                enter_paper_form(batch, answers, request.form.get("comment", ""), current_user.id)
            except SipasError as exc:
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Form %(n)d saved.", n=batch_count(batch)), "success")
                return redirect(url_for("sipas.batch", batch_id=batch.id))
    typed_so_far = batch_responses(batch)
    return render_template(
        "sipas/batch.html",
        batch=batch,
        questionnaire=questionnaire,
        lang=ui_language(),
        typed=typed,
        problems=problems,
        forms=typed_so_far,
        count=len(typed_so_far),
        form=ActionForm(),
        comment=request.form.get("comment", "") if request.method == "POST" else "",
    )


@bp.post("/batches/<int:batch_id>/close")
@require(Capability.enter_data)
def close_batch(batch_id: int):
    """Close a batch when the number typed matches the forms in hand."""
    batch = batch_or_404(batch_id)
    if ActionForm().validate_on_submit():
        try:
            close_paper_batch(batch)
        except SipasError as exc:
            flash(str(exc), "error")
            return redirect(url_for("sipas.batch", batch_id=batch.id))
        db.session.commit()
        flash(_("Batch closed: %(n)d forms.", n=batch.forms_in_hand), "success")
    return redirect(url_for("sipas.batches", code=batch.campaign.code))


@bp.route("/responses/<int:response_id>/edit", methods=["GET", "POST"])
@require(Capability.enter_data)
def edit_response(response_id: int):
    """Correct a typed paper form; the change is logged with who and when."""
    response = db.session.get(SipasResponse, response_id)
    if response is None or response.batch_id is None or not in_scope(current_user, response.unit_id):
        abort(404)
    batch = db.session.get(SipasBatch, response.batch_id)
    questionnaire = questionnaire_of(batch.campaign)
    typed = {code: str(value) for code, value in answers_of(response).items()}
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        typed = _typed_keys(questionnaire)
        answers, problems = read_typed_answers(questionnaire, request.form)
        if not problems:
            try:
                update_response(response, answers, request.form.get("comment", ""))
            except SipasError as exc:
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Form corrected."), "success")
                return redirect(url_for("sipas.batch", batch_id=batch.id))
    return render_template(
        "sipas/edit_response.html",
        batch=batch,
        response=response,
        questionnaire=questionnaire,
        lang=ui_language(),
        typed=typed,
        problems=problems,
        form=ActionForm(),
        comment=response.comment,
    )


@bp.post("/responses/<int:response_id>/exclude")
@require(Capability.enter_data)
def toggle_excluded(response_id: int):
    """Leave a form out of every figure (a spoiled or duplicate form), or take it back in; logged."""
    response = db.session.get(SipasResponse, response_id)
    if response is None or not in_scope(current_user, response.unit_id):
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            set_excluded(response, not response.excluded, request.form.get("reason", ""))
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _("Form left out of the figures.") if response.excluded else _("Form counted again."),
                "success",
            )
    if response.batch_id:
        return redirect(url_for("sipas.batch", batch_id=response.batch_id))
    campaign = db.session.get(SipasCampaign, response.campaign_id)
    return redirect(url_for("sipas.campaign", code=campaign.code))
