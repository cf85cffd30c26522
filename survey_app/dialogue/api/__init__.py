"""JSON API of the dialogue feature (`/api/v1`): conferences, comments, answers and status changes, figures.

One flask-smorest blueprint; its resources live in modules by job (conferences, comments, stats) that
register on it when imported below. Bodies and query strings are read through the schemas of
`schemas.py` with `@blp.arguments`, answers written with `@blp.response`, so `/api/v1/openapi.json`
describes both exactly as validated.
"""

from __future__ import annotations

from survey_app.api.blueprint import ApiBlueprint

blp = ApiBlueprint(
    "dialogue_api",
    __name__,
    url_prefix="/api/v1",
    description="Dialogue conferences: conferences, comments, answers, follow-up and statistics",
)

# The resource modules register their routes on blp, so they are imported once it exists.
from survey_app.dialogue.api import comments, conferences, stats  # noqa: E402, F401
