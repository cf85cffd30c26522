"""The public scoreboard (no login): aggregates only, no free text, small cells suppressed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from survey_app.dashboards import scoreboard, settings
from survey_app.extensions import limiter
from survey_app.org.services import get_unit_by_code

public_bp = Blueprint("scoreboard", __name__, url_prefix="/public")


@public_bp.get("/<code>")
@limiter.limit("120 per minute")
def board(code: str):
    """How the units under a province or district are doing: published figures, aggregates only."""
    unit = get_unit_by_code(code)
    if unit is None:
        abort(404)
    month, error = scoreboard.parse_month(request.args.get("month"))
    board_data = scoreboard.build(unit, month)
    return render_template(
        "dashboards/public.html",
        unit=unit,
        board=board_data,
        month_error=error,
        min_n=settings.min_n(),
        board_link=scoreboard.board_link,
    )
