"""JSON API of the sipas feature: the campaigns a token's scope sees, and a campaign's index figures."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from survey_app.analytics.sipas_queries import campaign_report
from survey_app.api.auth import api_user, token_required
from survey_app.auth.permissions import Capability, in_scope, scope_root
from survey_app.org.services import get_unit_by_code
from survey_app.sipas import services

blp = Blueprint("sipas_api", __name__, url_prefix="/api/v1", description="SIPAS surveys")


@blp.route("/sipas/campaigns", methods=["GET"])
@token_required(Capability.read_results)
def campaigns():
    """Campaigns run by, or with a unit taking part in, the token's scope, newest first."""
    found = services.visible_campaigns(scope_root(api_user()), with_units=True)
    return jsonify(
        campaigns=[
            {
                "code": campaign.code,
                "name": campaign.name,
                "questionnaire": campaign.questionnaire,
                "start_on": campaign.start_on.isoformat(),
                "end_on": campaign.end_on.isoformat(),
                "state": campaign.state.value,
                "owner_unit": campaign.owner_unit.code if campaign.owner_unit else None,
                "units": sorted(link.unit.code for link in campaign.units),
            }
            for campaign in found
        ]
    )


@blp.route("/stats/sipas", methods=["GET"])
@token_required(Capability.read_results)
def stats():
    """A unit subtree's figures in one campaign.

    n, SIPAS (overall), aspects, elements, criteria with 95% intervals and counts, responses per channel,
    expectation and perception shares; values unrounded, as `flask sipas report --format json` gives them.
    """
    code, unit_code = request.args.get("campaign", ""), request.args.get("unit", "")
    missing = {
        name: [_("Required.")] for name, value in (("campaign", code), ("unit", unit_code)) if not value
    }
    if missing:
        abort(422, message=_("Give a campaign code and a unit code."), errors={"query": missing})
    user = api_user()
    campaign = services.get_campaign(code)
    if campaign is None or not services.campaign_visible(campaign, scope_root(user)):
        abort(404, message=_("No campaign %(code)s in your scope.", code=code))
    unit = get_unit_by_code(unit_code)
    if unit is None or not in_scope(user, unit.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=unit_code))
    figures = campaign_report(campaign, unit)
    return jsonify(
        campaign=campaign.code,
        campaign_name=campaign.name,
        questionnaire=campaign.questionnaire,
        unit_name=unit.name,
        **figures,
    )
