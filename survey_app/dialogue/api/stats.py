"""API resource of the dialogue figures of a unit's subtree."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_smorest import abort

from survey_app.analytics.dialogue_queries import dialogue_stats
from survey_app.api.auth import token_required
from survey_app.auth.permissions import Capability
from survey_app.core import clock
from survey_app.dialogue.api import blp
from survey_app.dialogue.api.lookups import scoped_unit
from survey_app.dialogue.api.schemas import StatsQuerySchema, StatsSchema
from survey_app.extensions import db


def year_before(day: date) -> date:
    """The day after the same date a year earlier (29/2 → 1/3)."""
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:
        return date(day.year - 1, 3, 1)


@blp.route("/stats/dialogue", methods=["GET"])
@blp.response(200, StatsSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@token_required(Capability.read_results)
@blp.arguments(StatsQuerySchema, location="query")
def stats(args: dict):
    """Conferences held in a unit's subtree, comments by category and department, share answered on the spot,
    share answered in writing by the deadline (of those answered or due) and overdue counts (422 when the
    period ends before it starts)."""
    unit = scoped_unit(args["unit"])
    today = clock.today()
    end = args["to"] or today
    start = args["from_"] or year_before(end)
    if start > end:
        abort(422, message=_("The start date is after the end date."), errors={"query": {"from": []}})
    figures = dialogue_stats(db.session, unit, start, end, today=today, zone=clock.local_zone())
    return {"unit": unit.code, "unit_name": unit.name, "from_": start, "to": end, **figures}
