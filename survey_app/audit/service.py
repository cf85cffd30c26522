"""Recording administrative actions in the audit log."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import inspect

from survey_app.extensions import db
from survey_app.models import AuditEntry

# Columns never copied into the log: secrets and blobs.
_HIDDEN_COLUMNS = {"password_hash", "token_hash", "photo", "questionnaire_text"}  # its sha256 is logged


def snapshot(obj: Any) -> dict[str, Any]:
    """A JSON-safe dict of a model's column values, for before/after records."""
    values: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in _HIDDEN_COLUMNS:
            continue
        values[attr.key] = _json_safe(getattr(obj, attr.key))
    return values


def _json_safe(value: Any) -> Any:
    """Turn dates, enums and other values into what JSON can hold."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def record(
    action: str,
    entity: Any = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
    actor_label: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the session; the caller's commit makes it durable with the change."""
    if entity is not None and getattr(entity, "id", 0) is None:
        db.session.flush()  # the entry needs the new row's id
    actor = current_user if has_request_context() and current_user.is_authenticated else None
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (actor.username if actor else "cli"),
        action=action,
        entity_type=type(entity).__name__ if entity is not None else "",
        entity_id=str(getattr(entity, "id", "")) if entity is not None else None,
        summary=summary[:300],
        before=before,
        after=after if after is not None else (snapshot(entity) if entity is not None else None),
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
