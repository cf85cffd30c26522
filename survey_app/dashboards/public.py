"""The public scoreboard (no login): aggregates only, no free text, small cells suppressed."""

from flask import Blueprint

public_bp = Blueprint("scoreboard", __name__, url_prefix="/public")
