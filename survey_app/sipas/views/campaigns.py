"""Campaign pages: the list, creation, one campaign with its units and sample progress, state changes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from survey_app.analytics.sipas_queries import sample_progress
from survey_app.auth.permissions import Capability, has_capability, in_scope, require, scope_root
from survey_app.extensions import db
from survey_app.forms.common import ActionForm
from survey_app.forms.sipas import CampaignForm, CampaignUnitForm
from survey_app.models import Unit
from survey_app.sipas.campaigns import (
    TRANSITIONS,
    SipasError,
    create_campaign,
    file_changed_since_copy,
    keeps_copy_refreshed,
    questionnaire_of,
    remove_campaign_unit,
    set_campaign_unit,
    visible_campaigns,
)
from survey_app.sipas.campaigns import change_state as change_campaign_state
from survey_app.sipas.questionnaire import catalogue
from survey_app.sipas.views import bp
from survey_app.sipas.views.lookups import (
    campaign_or_404,
    managed_campaign_or_404,
    manages,
    ui_language,
    unit_choices,
)


@bp.get("/campaigns")
@login_required
def campaigns():
    """Campaigns the user's units run or take part in."""
    return render_template(
        "sipas/campaigns.html",
        campaigns=visible_campaigns(scope_root(current_user)),
        can_manage=has_capability(current_user, Capability.manage_people),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@require(Capability.manage_people)
def new_campaign():
    """Create a campaign in draft."""
    lang = ui_language()
    found = catalogue()
    form = CampaignForm(
        questionnaires=[(v, q.title(lang)) for v, q in sorted(found.versions.items())],
        units=unit_choices(),
    )
    if form.validate_on_submit():
        owner = db.session.get(Unit, form.owner_id.data)
        if owner is None or not in_scope(current_user, owner.id):
            form.owner_id.errors.append(_("Choose a unit of yours."))
        else:
            try:
                campaign = create_campaign(
                    code=form.code.data,
                    name=form.name.data,
                    questionnaire=form.questionnaire.data,
                    start_on=form.start_on.data,
                    end_on=form.end_on.data,
                    channels=form.channels.data,
                    owner_unit=owner,
                )
            except SipasError as exc:
                form.code.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Campaign %(code)s created.", code=campaign.code), "success")
                return redirect(url_for("sipas.campaign", code=campaign.code))
    return render_template("sipas/campaign_form.html", form=form, refused=found.errors)


@bp.get("/campaigns/<code>")
@login_required
def campaign(code: str):
    """A campaign: state, participating units with sample progress, links to every channel."""
    campaign = campaign_or_404(code)
    root = scope_root(current_user)
    manage = has_capability(current_user, Capability.manage_people) and manages(campaign)
    progress = [
        row
        for row in sample_progress(db.session, campaign)
        if root is None or in_scope(current_user, row["unit"].id)
    ]
    return render_template(
        "sipas/campaign.html",
        campaign=campaign,
        questionnaire=questionnaire_of(campaign),
        file_changed=file_changed_since_copy(campaign),
        follows_file=keeps_copy_refreshed(campaign),
        progress=progress,
        manage=manage,
        unit_form=CampaignUnitForm(units=unit_choices()) if manage else None,
        action_form=ActionForm(),
        can_enter=has_capability(current_user, Capability.enter_data),
        can_read=has_capability(current_user, Capability.read_results),
    )


@bp.post("/campaigns/<code>/units")
@require(Capability.manage_people)
def add_unit(code: str):
    """Add a participating unit (or change its target)."""
    campaign = managed_campaign_or_404(code)
    form = CampaignUnitForm(units=unit_choices(with_closed=True))  # a closed unit is refused with its reason
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        if unit is None or not in_scope(current_user, unit.id):
            abort(404)
        try:
            link = set_campaign_unit(campaign, unit, target=form.target.data, population=form.population.data)
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _("%(unit)s takes part with a target of %(n)d forms.", unit=unit.name, n=link.target),
                "success",
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("sipas.campaign", code=campaign.code))


@bp.post("/campaigns/<code>/units/<int:unit_id>/remove")
@require(Capability.manage_people)
def remove_unit(code: str, unit_id: int):
    """Take a unit out of the campaign."""
    campaign = managed_campaign_or_404(code)
    link = next((link for link in campaign.units if link.unit_id == unit_id), None)
    if link is None or not in_scope(current_user, unit_id):
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            remove_campaign_unit(campaign, link)
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
    return redirect(url_for("sipas.campaign", code=campaign.code))


@bp.post("/campaigns/<code>/state/<action>")
@require(Capability.manage_people)
def change_state(code: str, action: str):
    """Open, close or publish a campaign."""
    campaign = managed_campaign_or_404(code)
    if action not in TRANSITIONS:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            change_campaign_state(campaign, action)
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("The campaign is now %(state)s.", state=campaign.state.label), "success")
    return redirect(url_for("sipas.campaign", code=campaign.code))
