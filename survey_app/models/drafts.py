"""Drafts of forms kept on the server (half-filled anonymous surveys), never in the browser's cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models.base import Base, UTCDateTime, utcnow


class FormDraft(Base):
    """One draft of one form for one browser: the browser holds only a random key, stored here hashed."""

    __tablename__ = "form_draft"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the session's key
    purpose: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. "sipas:<campaign>:<unit>"
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
