"""HTML pages of SIPAS, one blueprint: campaigns, results, import/export, paper batches, the online form.

Each module below holds the pages of one job and registers its routes on `bp` when imported; the
endpoints are `sipas.<function>`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sipas", __name__, url_prefix="/sipas")

# Imported for their routes, after bp exists (they register on it).
from survey_app.sipas.views import batches, campaigns, online, results, transfer  # noqa: E402, F401
