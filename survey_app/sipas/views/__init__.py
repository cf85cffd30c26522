"""HTML pages of SIPAS, one blueprint: campaigns, results, import/export, paper batches, the online form.

Each module below holds the pages of one job and registers its routes on `bp` when imported; the
endpoints are `sipas.<function>`.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from survey_app.sipas.campaigns import QuestionnaireUnavailable

bp = Blueprint("sipas", __name__, url_prefix="/sipas")


@bp.errorhandler(QuestionnaireUnavailable)
def questionnaire_unavailable(error: QuestionnaireUnavailable):
    """A campaign that has no readable questionnaire: say so (409), never a 500."""
    return render_template("error.html", code=409, message=str(error)), 409


# Imported for their routes, after bp exists (they register on it).
from survey_app.sipas.views import batches, campaigns, online, results, transfer  # noqa: E402, F401
