"""Results of a campaign: the index tables of a unit's subtree, on screen and laid out for printing."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user

from survey_app.analytics.sipas_queries import campaign_report, sample_progress
from survey_app.auth.permissions import Capability, in_scope, require, scope_root
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models.sipas import Channel
from survey_app.sipas.campaigns import participating_units, questionnaire_of
from survey_app.sipas.views import bp
from survey_app.sipas.views.lookups import campaign_or_404, ui_language


def _report_context(code: str) -> dict:
    """What the results page and the printable report show."""
    campaign = campaign_or_404(code)
    root = scope_root(current_user)
    choices = participating_units(campaign, root)
    owner = campaign.owner_unit
    if owner is not None and (root is None or in_scope(current_user, owner.id)):
        choices = [owner, *[u for u in choices if u.id != owner.id]]
    elif root is not None and choices and all(u.id != root for u in choices):
        choices = [current_user.unit, *choices]  # the user's own unit, pooled over its wards
    if not choices:
        abort(404)
    wanted = request.args.get("unit")
    unit = next((u for u in choices if u.code == wanted), None) if wanted else choices[0]
    if unit is None:
        abort(404)
    questionnaire = questionnaire_of(campaign)
    parts = [u for u in participating_units(campaign, root) if u.id != unit.id]
    minimum = current_app.config["SMALL_SAMPLE_MIN"]
    return {
        "campaign": campaign,
        "questionnaire": questionnaire,
        "lang": ui_language(),
        "unit": unit,
        "choices": choices,
        "report": campaign_report(db.session, campaign, unit, questionnaire=questionnaire, min_n=minimum),
        "min_n": minimum,
        "by_unit": [
            (u, campaign_report(db.session, campaign, u, questionnaire=questionnaire, min_n=minimum))
            for u in parts
            if in_scope(current_user, u.id)
        ],
        "progress": [
            r for r in sample_progress(db.session, campaign) if in_scope(current_user, r["unit"].id)
        ],
        "Channel": Channel,
        "today": clock.today(),
    }


@bp.get("/campaigns/<code>/results")
@require(Capability.read_results, Capability.enter_data)
def results(code: str):
    """Index tables of a unit's subtree: overall, elements, criteria, units, sample progress."""
    return render_template("sipas/results.html", **_report_context(code))


@bp.get("/campaigns/<code>/report")
@require(Capability.read_results, Capability.enter_data)
def print_report(code: str):
    """The same figures laid out for printing."""
    return render_template("sipas/report.html", **_report_context(code))
