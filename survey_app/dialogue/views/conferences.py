"""Pages of the conferences: the list, planning and editing, the follow-up ledger, state steps, assignment."""

from __future__ import annotations

from datetime import UTC

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from survey_app.auth.permissions import Capability, has_capability, require, scope_root
from survey_app.core import clock
from survey_app.dialogue.comments import answer_counts, comment_counts, find_comments
from survey_app.dialogue.comments import bulk_assign as assign_comments
from survey_app.dialogue.conferences import ConferenceData, create_conference, update_conference
from survey_app.dialogue.conferences import change_state as move_conference
from survey_app.dialogue.deadlines import lateness
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.handling import awaiting_notice
from survey_app.dialogue.scope import conferences_query, department_choices, invitable_units, open_in_inbox
from survey_app.dialogue.views import bp
from survey_app.dialogue.views.context import conference_comments, conference_or_404, labels, refused
from survey_app.extensions import db
from survey_app.forms.dialogue import AssignForm, ConferencePlanForm, ConferenceStepForm
from survey_app.models import Unit, UnitKind
from survey_app.models.dialogue import ConferenceForm, DialogueComment, DialogueConference, SignerCapacity
from survey_app.org.services import is_open_today, units_in_subtree

HOST_KINDS = (UnitKind.province, UnitKind.district, UnitKind.ward, UnitKind.commune)
# Offered on a new plan, before the host is chosen; the service checks they lie below the host.
INVITABLE_KINDS = (UnitKind.district, UnitKind.department, UnitKind.ward, UnitKind.commune)
LIST_LIMIT = 200


def _plan_form(conference: DialogueConference | None) -> ConferencePlanForm:
    form = ConferencePlanForm(obj=conference)
    root_id = scope_root(current_user)
    # Offered: the open units; accepted on a post: closed ones too, so the service says why it refuses
    # one after its closing (and takes a conference it held before, entered late).
    hosts = [
        u for u in units_in_subtree(root_id, kinds=HOST_KINDS) if is_open_today(u) or request.method == "POST"
    ]
    hosts.sort(key=lambda u: u.id != current_user.unit_id)  # the official's own unit first
    form.host_unit_id.choices = [(u.id, f"{u.name} ({u.code})") for u in hosts]
    form.form.choices = ConferenceForm.choices()
    form.signer_capacity.choices = SignerCapacity.choices()
    if conference is not None:
        form.host_unit_id.choices = [(conference.host_unit.id, conference.host_unit.name)]
        pool = invitable_units(conference.host_unit)
    else:
        pool = units_in_subtree(root_id, kinds=INVITABLE_KINDS)
        pool = [u for u in pool if is_open_today(u) and u.id != root_id]
    form.invitee_ids.choices = [(u.id, u.name) for u in pool]
    if request.method == "GET" and conference is not None:
        local = conference.held_at.astimezone(clock.local_zone())
        form.held_on.data = local.date()
        form.held_time.data = local.strftime("%H:%M")
        form.form.data = conference.form.value
        form.signer_capacity.data = conference.signer_capacity.value
        form.invitee_ids.data = [i.unit_id for i in conference.invitees]
    return form


def _plan_data(form: ConferencePlanForm, conference: DialogueConference | None = None) -> ConferenceData:
    start = form.local_start().replace(tzinfo=clock.local_zone()).astimezone(UTC)
    return ConferenceData(
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
        guests=form.guests.data or "",
        minutes_number=form.minutes_number.data or "",
        notice_number=form.notice_number.data or "",
        signer_name=form.signer_name.data or "",
        signer_capacity=SignerCapacity(form.signer_capacity.data or SignerCapacity.vice_chair.value),
        recipients=form.recipients.data or "",
        # Not typed on the page: kept as the demo wrote it.
        reconstruction_note=conference.reconstruction_note if conference else "",
    )


def _assign_form(conference: DialogueConference, comments: list[DialogueComment]) -> AssignForm:
    form = AssignForm()
    form.comment_ids.choices = [(c.id, str(c.number)) for c in comments]
    form.department_id.choices = [(0, _("— choose —"))] + [
        (u.id, u.name) for u in department_choices(conference.host_unit)
    ]
    return form


@bp.get("/")
@require(Capability.enter_data, Capability.read_results)
def index():
    """Conferences of the user's units, and the way to the department inbox."""
    conferences = db.session.scalars(
        conferences_query(current_user).options(selectinload(DialogueConference.host_unit)).limit(LIST_LIMIT)
    ).all()
    return render_template(
        "dialogue/index.html",
        conferences=conferences,
        counts=comment_counts([c.id for c in conferences]),
        open_count=open_in_inbox(current_user),
        can_enter=has_capability(current_user, Capability.enter_data),
        **labels(),
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Capability.enter_data)
def new():
    """Plan a conference."""
    form = _plan_form(None)
    if form.validate_on_submit():
        host = db.session.get(Unit, form.host_unit_id.data)
        try:
            conference = create_conference(_plan_data(form), host, current_user)
        except DialogueError as exc:
            form.title.errors = [*form.title.errors, refused(exc)]
        else:
            db.session.commit()
            flash(_("Conference planned."), "success")
            return redirect(url_for("dialogue.conference", conference_id=conference.id))
    return render_template("dialogue/plan.html", form=form, conference=None)


@bp.route("/<int:conference_id>/edit", methods=["GET", "POST"])
@require(Capability.enter_data)
def edit(conference_id: int):
    """Change a conference's details."""
    conference = conference_or_404(conference_id)
    form = _plan_form(conference)
    if form.validate_on_submit():
        try:
            update_conference(conference, _plan_data(form, conference))
        except DialogueError as exc:
            form.title.errors = [*form.title.errors, refused(exc)]
        else:
            db.session.commit()
            flash(_("Conference saved."), "success")
            return redirect(url_for("dialogue.conference", conference_id=conference.id))
    return render_template("dialogue/plan.html", form=form, conference=conference)


@bp.get("/<int:conference_id>")
@require(Capability.enter_data, Capability.read_results)
def conference(conference_id: int):
    """The conference with its follow-up ledger."""
    conference = conference_or_404(conference_id)
    comments = conference_comments(conference)
    return render_template(
        "dialogue/conference.html",
        conference=conference,
        comments=comments,
        assign_form=_assign_form(conference, comments),
        step_form=ConferenceStepForm(),
        today=clock.today(),
        lateness=lateness,
        awaiting_notice=awaiting_notice,
        can_enter=has_capability(current_user, Capability.enter_data),
        **labels(),
    )


CONFIRMED_STEPS = ("close", "publish")  # asked again, with the number of comments still without an answer


@bp.post("/<int:conference_id>/state")
@require(Capability.enter_data)
def change_state(conference_id: int):
    """Start, close or publish a conference."""
    conference = conference_or_404(conference_id)
    form = ConferenceStepForm()
    if form.validate_on_submit():
        if form.action.data in CONFIRMED_STEPS and form.confirmed.data != "yes":
            unanswered, total = answer_counts(conference)
            return render_template(
                "dialogue/confirm_step.html",
                conference=conference,
                form=form,
                action=form.action.data,
                unanswered=unanswered,
                total=total,
            )
        try:
            move_conference(conference, form.action.data or "", current_user)
        except DialogueError as exc:
            flash(refused(exc), "error")
        else:
            db.session.commit()
            flash(_("Conference: %(state)s.", state=conference.state.label), "success")
    return redirect(url_for("dialogue.conference", conference_id=conference.id))


@bp.post("/<int:conference_id>/assign")
@require(Capability.enter_data)
def bulk_assign(conference_id: int):
    """Assign the ticked comments to one department."""
    conference = conference_or_404(conference_id)
    form = _assign_form(conference, conference.comments)
    if form.validate_on_submit():
        comments = find_comments(conference, form.comment_ids.data or [])
        try:
            done = assign_comments(comments, form.department_id.data, form.due_on.data, current_user)
        except DialogueError as exc:
            flash(refused(exc), "error")
        else:
            db.session.commit()
            flash(_("%(n)d comments assigned.", n=done), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("dialogue.conference", conference_id=conference.id))
