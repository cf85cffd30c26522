"""Large imports written a chunk at a time on SQLite, kept all or nothing by an import run.

SQLite has one write lock for the whole database: an import written in one transaction holds it for as
long as it writes (minutes for a million rows), and every kiosk or form posting meanwhile fails after
its busy timeout. So on SQLite an import writes its new rows a chunk at a time, each chunk its own short
transaction followed by a short pause, and other writers get the lock between chunks. All or nothing is
kept by an import run (models/imports.py): the rows it creates carry the run's id, what the reports read
(count cubes) is written only in the import's last short transaction with the run's `done`, and if
anything fails the run's rows are deleted again (undo_run). A process killed midway leaves a `running`
run whose heartbeat stops; the next import of that kind undoes it (abandoned_runs). PostgreSQL locks
rows, not the database: there an import stays one transaction and a failure is a rollback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import and_, delete, or_, select, update

from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models.imports import ImportRun

logger = logging.getLogger(__name__)

ABANDONED_AFTER = timedelta(minutes=10)  # a running import whose last chunk is older than this was killed


def in_chunks() -> bool:
    """Whether imports commit chunk by chunk here (SQLite) rather than in one transaction (PostgreSQL)."""
    return db.session.get_bind().dialect.name == "sqlite"


def start_run(kind: str, target_id: int = 0) -> int:
    """Record a new import run; its id. Committed at once when imports go in chunks."""
    run = ImportRun(kind=kind, target_id=target_id, started_at=clock.now(), heartbeat_at=clock.now())
    db.session.add(run)
    db.session.flush()
    if in_chunks():
        db.session.commit()
    return run.id


def write_chunks(
    run_id: int,
    items: Sequence,
    write: Callable[[Sequence], None],
    *,
    size: int,
    pause: float,
    after_chunk: Callable[[int], None] | None = None,
) -> None:
    """Write items `size` at a time with `write`; on SQLite each chunk is committed, then a pause.

    SQLite's busy handler polls a waiting writer every 50-100 ms: an import taking the lock again at
    once could starve a kiosk until its busy timeout. `after_chunk` gets the number written so far.
    """
    chunked = in_chunks()
    for start in range(0, len(items), size):
        written = min(start + size, len(items))
        # A write first: the chunk's transaction takes the write lock at once (waiting its turn) rather
        # than reading first and finding, on upgrading, that another writer came in between.
        db.session.execute(
            update(ImportRun).where(ImportRun.id == run_id).values(heartbeat_at=clock.now(), rows=written)
        )
        write(items[start : start + size])
        if chunked:
            db.session.commit()
        if after_chunk is not None:
            after_chunk(written)
        if chunked and written < len(items):
            time.sleep(pause)


def finish_run(run_id: int) -> None:
    """Mark the run done, in the import's last transaction (the caller commits)."""
    db.session.execute(
        update(ImportRun).where(ImportRun.id == run_id).values(state="done", heartbeat_at=clock.now())
    )


def undo_run(run_id: int, delete_some: Callable[[int], bool]) -> None:
    """Delete what a run created: `delete_some(run_id)` deletes a chunk, False when none was left.

    Each chunk its own transaction; the run is marked failed first, so that if this process dies too
    the next import finishes the undo. Only for imports in chunks (elsewhere a rollback undoes all).
    """
    db.session.execute(update(ImportRun).where(ImportRun.id == run_id).values(state="failed"))
    db.session.commit()
    while delete_some(run_id):
        db.session.commit()
    db.session.execute(delete(ImportRun).where(ImportRun.id == run_id))
    db.session.commit()
    logger.info("import run %d undone", run_id)


def abandoned_runs(kind: str) -> list[int]:
    """Runs of a kind that failed, or stopped writing ABANDONED_AFTER ago (a killed process)."""
    stale = clock.now() - ABANDONED_AFTER
    return list(
        db.session.scalars(
            select(ImportRun.id).where(
                ImportRun.kind == kind,
                or_(
                    ImportRun.state == "failed",
                    and_(ImportRun.state == "running", ImportRun.heartbeat_at < stale),
                ),
            )
        )
    )


def is_running(kind: str, target_id: int = 0) -> bool:
    """Whether an import of this kind into this target is being written now."""
    return (
        db.session.scalar(
            select(ImportRun.id).where(
                ImportRun.kind == kind, ImportRun.target_id == target_id, ImportRun.state == "running"
            )
        )
        is not None
    )
