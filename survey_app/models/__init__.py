"""All models, imported here so Alembic and the app see one metadata."""

# Feature models register their tables on import; use them from their own modules.
from survey_app.models import dialogue, dossiers, drafts, imports, kiosk, sipas  # noqa: F401
from survey_app.models.audit import AuditEntry
from survey_app.models.auth import ApiToken, Role, User
from survey_app.models.base import Base, UTCDateTime, utcnow
from survey_app.models.org import (
    Counter,
    ProcedureField,
    Staff,
    SuccessionKind,
    Unit,
    UnitClosure,
    UnitKind,
    UnitStatus,
    UnitSuccession,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Counter",
    "ProcedureField",
    "Role",
    "Staff",
    "SuccessionKind",
    "UTCDateTime",
    "Unit",
    "UnitClosure",
    "UnitKind",
    "UnitStatus",
    "UnitSuccession",
    "User",
    "utcnow",
]
