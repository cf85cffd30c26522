"""HTML pages of the dialogue feature: planning, live logging, follow-up ledger, documents, public page.

One blueprint (`dialogue`, under /dialogue); its pages live in modules by job that register on it when
imported below: conferences (list, plan, ledger, steps, assignment), live (live logging), follow_up
(a department's inbox and comment page), documents (invitation, minutes, conclusion notice) and public.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dialogue", __name__, url_prefix="/dialogue")

# The page modules register their routes on bp, so they are imported once it exists.
from survey_app.dialogue.views import conferences, documents, follow_up, live, public  # noqa: E402, F401
