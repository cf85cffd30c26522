"""Imports written a chunk at a time: each run is recorded so that a failed or abandoned one can be undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models.base import Base, UTCDateTime, utcnow


class ImportRun(Base):
    """One import in progress or done; the rows it created carry its id (sipas_response, dossier).

    `running` while its chunks are written, `done` once its last short transaction made it count. A run
    that failed, or stayed `running` past its heartbeat (the process was killed), is undone by deleting
    its rows (survey_app.sipas.transfer, survey_app.dossiers.services).
    """

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "sipas", "dossiers"
    target_id: Mapped[int] = mapped_column(Integer, index=True)  # the campaign imported into; 0: none
    state: Mapped[str] = mapped_column(String(12), default="running")  # running, done, failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the last chunk written
    rows: Mapped[int] = mapped_column(Integer, default=0)  # written so far
