"""Drafts of forms kept on the server, keyed by an opaque random key in the browser's session.

The signed session cookie can be read by anyone at a shared device (it is signed, not encrypted), so a
half-filled anonymous survey must not travel in it. The cookie holds only a random key; the answers live
in the `form_draft` table under the key's SHA-256 (a database reader cannot resume someone's draft), for
DRAFT_LIFETIME_HOURS after the last save, and are deleted on submit. Every app server sees the same
drafts. Nothing links a draft to a person: no user, no address.

    drafts.save("sipas:2026-q1:00109", {"page": 2, "answers": {...}})   # on each page
    drafts.load("sipas:2026-q1:00109")                                   # → the dict, or None
    drafts.clear("sipas:2026-q1:00109")                                  # on submit, in the same commit

The view commits (one commit per request), like any other change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app, session
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from survey_app.core import clock
from survey_app.core.text import UNSTORABLE
from survey_app.extensions import db
from survey_app.models.drafts import FormDraft

logger = logging.getLogger(__name__)

SESSION_KEY = "draft_key"
PURPOSE_MAX_CHARS = 120


class DraftError(ValueError):
    """A draft that cannot be kept (too large); the message is user-facing."""


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _session_key(create: bool) -> str | None:
    """This browser's draft key; a new random one when asked to create it."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str) and create:
        key = secrets.token_urlsafe(32)
        session[SESSION_KEY] = key
    return key if isinstance(key, str) else None


def _check_purpose(purpose: str) -> str:
    if not purpose or len(purpose) > PURPOSE_MAX_CHARS:
        raise ValueError(f"a draft purpose has 1 to {PURPOSE_MAX_CHARS} characters")
    return purpose


def _storable(value: Any) -> Any:
    """The value with text every database keeps: lone surrogates and NUL become U+FFFD."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


def save(purpose: str, data: dict[str, Any]) -> None:
    """Keep this browser's draft of a form (replacing the previous one) and drop expired drafts."""
    purpose = _check_purpose(purpose)
    data = _storable(data)
    size = len(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    if size > int(current_app.config["DRAFT_MAX_BYTES"]):
        raise DraftError(_("The answers are too long to be kept as a draft. Shorten them and try again."))
    now = clock.now()
    values = {
        "key_hash": _digest(_session_key(create=True)),
        "purpose": purpose,
        "data": data,
        "updated_at": now,
        "expires_at": now + timedelta(hours=float(current_app.config["DRAFT_LIFETIME_HOURS"])),
    }
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(FormDraft).values(**values)
    # Two saves of one browser at once (a double click) both land: the later one wins.
    statement = statement.on_conflict_do_update(
        index_elements=["key_hash", "purpose"],
        set_={"data": statement.excluded.data, "updated_at": now, "expires_at": values["expires_at"]},
    )
    db.session.execute(statement)
    purge_expired()


def load(purpose: str) -> dict[str, Any] | None:
    """This browser's unexpired draft of a form, or None."""
    key = _session_key(create=False)
    if key is None:
        return None
    draft = db.session.scalar(
        select(FormDraft).where(
            FormDraft.key_hash == _digest(key),
            FormDraft.purpose == _check_purpose(purpose),
            FormDraft.expires_at > clock.now(),
        )
    )
    return draft.data if draft else None


def clear(purpose: str) -> None:
    """Delete this browser's draft of a form (on submit)."""
    key = _session_key(create=False)
    if key is not None:
        db.session.execute(
            delete(FormDraft).where(
                FormDraft.key_hash == _digest(key), FormDraft.purpose == _check_purpose(purpose)
            )
        )


def purge_expired() -> int:
    """Delete every expired draft; how many."""
    result = db.session.execute(delete(FormDraft).where(FormDraft.expires_at <= clock.now()))
    if result.rowcount:
        logger.info("expired form drafts deleted: %d", result.rowcount)
    return result.rowcount
