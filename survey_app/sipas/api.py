"""JSON API of the sipas feature: the campaigns a token's scope sees, and a campaign's index figures."""

from __future__ import annotations

from http import HTTPStatus

import marshmallow as ma
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import abort

from survey_app.analytics.sipas_queries import campaign_report
from survey_app.api.auth import api_user, token_required
from survey_app.api.blueprint import ApiBlueprint
from survey_app.auth.permissions import Capability, in_scope, scope_root
from survey_app.extensions import db
from survey_app.models.sipas import CampaignState
from survey_app.org.services import get_unit_by_code
from survey_app.sipas.campaigns import (
    QuestionnaireUnavailable,
    campaign_visible,
    get_campaign,
    questionnaire_of,
    visible_campaigns,
)

blp = ApiBlueprint("sipas_api", __name__, url_prefix="/api/v1", description="SIPAS surveys")

# Errors every endpoint may answer, documented by the API's shared error responses.
UNAUTHORIZED, FORBIDDEN, NOT_FOUND = (HTTPStatus(code).name for code in (401, 403, 404))


# --- schemas ------------------------------------------------------------------------------------


class SipasCampaignSchema(ma.Schema):
    """A campaign as the list shows it."""

    code = ma.fields.String()
    name = ma.fields.String()
    questionnaire = ma.fields.String(metadata={"description": "Questionnaire version, e.g. sipas-2023"})
    start_on = ma.fields.Date()
    end_on = ma.fields.Date()
    state = ma.fields.String(metadata={"enum": [state.value for state in CampaignState]})
    owner_unit = ma.fields.Function(
        lambda campaign: campaign.owner_unit.code if campaign.owner_unit else None,
        metadata={"type": "string", "nullable": True, "description": "Code of the unit running it"},
    )
    units = ma.fields.Function(
        lambda campaign: sorted(link.unit.code for link in campaign.units),
        metadata={"type": "array", "items": {"type": "string"}, "description": "Codes of the units"},
    )


class SipasCampaignListSchema(ma.Schema):
    """The campaigns of the token's scope, newest first."""

    campaigns = ma.fields.List(ma.fields.Nested(SipasCampaignSchema))


class SipasStatsQuerySchema(ma.Schema):
    """Which campaign, and which unit's subtree."""

    campaign = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1),
        metadata={"description": "Campaign code", "example": "SIPAS-2026-HN"},
    )
    unit = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1),
        metadata={"description": "Unit code: the figures pool its whole subtree", "example": "003"},
    )

    def handle_error(self, error, data, *, many, **kwargs):
        """Every refused parameter was missing or empty: say so in the user's language."""
        raise ma.ValidationError({name: [_("Required.")] for name in error.messages})

    summaries = {
        "campaign": _l("Give a campaign code and a unit code."),
        "unit": _l("Give a campaign code and a unit code."),
    }


Percent = ma.fields.Float(
    allow_none=True, metadata={"description": "Percent, unrounded; null without answers"}
)


def _percent_by_code(description: str) -> ma.fields.Dict:
    """{code: percent or null}."""
    return ma.fields.Dict(keys=ma.fields.String(), values=Percent, metadata={"description": description})


class SipasCriterionFiguresSchema(ma.Schema):
    """One criterion's figures."""

    index = ma.fields.Float(allow_none=True, metadata={"description": "Share of answers 4 or 5, percent"})
    n = ma.fields.Integer(metadata={"description": "Valid answers (1–5)"})
    mean = ma.fields.Float(allow_none=True, metadata={"description": "Mean score on the 1–5 scale"})
    ci_low = ma.fields.Float(allow_none=True, metadata={"description": "95% Wilson interval, percent"})
    ci_high = ma.fields.Float(allow_none=True)
    counts = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(), metadata={"description": "Answers per level 1–5"}
    )
    blank = ma.fields.Integer(metadata={"description": "Responses that left the criterion blank"})
    dont_know = ma.fields.Integer(
        metadata={"description": '"Không biết / không trả lời" answers (stored code 99); not in n'}
    )
    withheld = ma.fields.Boolean(
        metadata={"description": "True when n is below min_n: index, mean and interval are then null"}
    )


class _UnansweredSchema(ma.Schema):
    """Blank and "don't know" answers of one question."""

    blank = ma.fields.Integer()
    dont_know = ma.fields.Integer()


class SipasStatsSchema(ma.Schema):
    """A unit subtree's figures in one campaign, from counts pooled over the subtree."""

    campaign = ma.fields.String()
    campaign_name = ma.fields.String()
    questionnaire = ma.fields.String()
    method = ma.fields.String(
        metadata={
            "description": "The questionnaire's measurement method ('2017' or '2022'; '' when a local "
            "questionnaire names none): figures of different methods are not comparable"
        }
    )
    unit = ma.fields.String()
    unit_name = ma.fields.String()
    n = ma.fields.Integer(metadata={"description": "Counted responses"})
    overall = ma.fields.Float(allow_none=True, metadata={"description": "SIPAS index, percent"})
    aspects = _percent_by_code("Index per aspect")
    elements = _percent_by_code("Index per element")
    criteria = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(SipasCriterionFiguresSchema))
    channels = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(), metadata={"description": "Responses per channel"}
    )
    expectations = _percent_by_code("Share wanting each expectation item (its top levels)")
    perceptions = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(keys=ma.fields.String(), values=Percent),
        metadata={"description": "Share of each option value per question"},
    )
    unanswered = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(_UnansweredSchema),
        metadata={"description": 'Blank and "don\'t know" answers of each non-criterion question'},
    )
    min_n = ma.fields.Integer(
        metadata={
            "description": "The small-sample minimum (SMALL_SAMPLE_MIN): an index is null when a criterion "
            "it is built from has fewer valid answers (criteria without any valid answer are left out)"
        }
    )
    withheld = ma.fields.List(
        ma.fields.String(), metadata={"description": "Codes of the withheld figures ('overall' included)"}
    )
    left_out = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Element code → its criteria without valid answers, left out of its index"},
    )


# --- endpoints ----------------------------------------------------------------------------------


@blp.route("/sipas/campaigns", methods=["GET"])
@blp.response(200, SipasCampaignListSchema)
@blp.alt_response(401, response=UNAUTHORIZED)
@blp.alt_response(403, response=FORBIDDEN)
@token_required(Capability.read_results)
def campaigns():
    """Campaigns run by, or with a unit taking part in, the token's scope, newest first."""
    return {"campaigns": visible_campaigns(scope_root(api_user()), with_units=True)}


@blp.route("/stats/sipas", methods=["GET"])
@token_required(Capability.read_results)
@blp.arguments(SipasStatsQuerySchema, location="query", as_kwargs=True)
@blp.response(200, SipasStatsSchema)
@blp.alt_response(401, response=UNAUTHORIZED)
@blp.alt_response(403, response=FORBIDDEN)
@blp.alt_response(404, response=NOT_FOUND)
@blp.alt_response(409, description="The campaign has no readable questionnaire")
def stats(campaign: str, unit: str):
    """A unit subtree's figures in one campaign.

    n, SIPAS (overall), aspects, elements, criteria with 95% intervals and counts, responses per channel,
    expectation and perception shares; values unrounded, as `flask sipas report --format json` gives them.
    """
    user = api_user()
    found = get_campaign(campaign)
    if found is None or not campaign_visible(found, scope_root(user)):
        abort(404, message=_("No campaign %(code)s in your scope.", code=campaign))
    subtree = get_unit_by_code(unit)
    if subtree is None or not in_scope(user, subtree.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=unit))
    try:
        questionnaire = questionnaire_of(found)
    except QuestionnaireUnavailable as exc:
        abort(409, message=str(exc))
    figures = campaign_report(
        db.session, found, subtree, questionnaire=questionnaire, min_n=current_app.config["SMALL_SAMPLE_MIN"]
    )
    return {
        "campaign": found.code,
        "campaign_name": found.name,
        "questionnaire": found.questionnaire,
        "method": questionnaire.method,
        "unit_name": subtree.name,
        **figures,
    }
