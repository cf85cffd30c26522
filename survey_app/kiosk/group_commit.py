"""The group committer: the ratings of concurrent requests of one app are written in one transaction.

Each request's commit (and on PostgreSQL the fsync and the roll-up row locks it holds until then) is the
cost of a busy ingest; one transaction for whatever arrived meanwhile pays it once. This is the one
place besides the views that commits (CONVENTIONS.md).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import current_app

from survey_app.config import AUTOCOMMIT_BIND
from survey_app.core.errors import is_database_busy
from survey_app.extensions import db
from survey_app.kiosk import writing
from survey_app.kiosk.errors import DeviceNotActive
from survey_app.kiosk.items import Batch, ItemResult

logger = logging.getLogger(__name__)


@dataclass
class _Queued:
    """One request's batch waiting for the writer, and how its write went."""

    batch: Batch
    done: bool = False
    results: list[ItemResult] | None = None
    error: BaseException | None = None
    alone: bool = False  # written in a transaction of its own


class _GroupCommit:
    """The batches of one app waiting for one writer to store them together."""

    def __init__(self) -> None:
        self.turn = threading.Condition()
        self.pending: list[_Queued] = []
        self.writing = False


def write_together(batch: Batch) -> list[ItemResult]:
    """Write a request's batch with whatever other requests queued meanwhile; its results, in order.

    A request that finds no writer at work writes every queued batch. Raises DeviceNotActive (nothing
    of this batch stored) or the error that made the write fail, nothing of the batch stored (a busy
    database: core.errors.is_database_busy, which the API answers 503). The caller's session must hold no
    write lock (on SQLite the writer, in another thread, would wait for it): the API notes the device's
    visit after ingest.
    """
    group = current_app.extensions.setdefault("kiosk_group_commit", _GroupCommit())
    mine = _Queued(batch)
    with group.turn:
        group.pending.append(mine)
        while not mine.done and group.writing:
            group.turn.wait()
        queued: list[_Queued] = []
        if not mine.done:  # nobody wrote it meanwhile: this request writes what is queued
            queued, group.pending, group.writing = group.pending, [], True
    if queued:
        outcomes: list | None = None
        error: BaseException | None = RuntimeError("The ratings were not written.")
        try:
            outcomes, error = _write_and_commit([q.batch for q in queued])
        finally:  # even when interrupted, no waiting request may wait forever
            with group.turn:
                for index, waiting in enumerate(queued):
                    waiting.done, waiting.alone = True, len(queued) == 1
                    _settle(waiting, outcomes[index] if outcomes is not None else None, error)
                group.writing = False
                group.turn.notify_all()
    if (
        mine.error is not None
        and not mine.alone
        and not isinstance(mine.error, DeviceNotActive)
        and not is_database_busy(mine.error)  # alone it would wait for the same lock again
    ):
        # Written again alone, so that another request's trouble cannot fail this one.
        logger.warning("kiosk group write failed (%s); writing a request's batch alone", mine.error)
        outcomes, error = _write_and_commit([batch])
        _settle(mine, outcomes[0] if outcomes is not None else None, error)
    if mine.error is not None:
        raise mine.error
    return mine.results


def _settle(
    queued: _Queued, outcome: list[ItemResult] | DeviceNotActive | None, error: BaseException | None
) -> None:
    """Hand a queued request the outcome of its write: its results, or the error to raise."""
    if error is not None:
        queued.results, queued.error = None, error
    elif isinstance(outcome, DeviceNotActive):
        queued.results, queued.error = None, outcome
    else:
        queued.results, queued.error = outcome, None


def _write_and_commit(batches: list[Batch]) -> tuple[list | None, BaseException | None]:
    """Write batches atomically: (each batch's outcome, None), or (None, the error) and nothing written.

    In the session's transaction when ratings open follow-ups (both are written or neither) or the
    caller's session has work in progress; otherwise as one self-committing INSERT.
    """
    try:
        session_busy = db.session.registry.has() and db.session().in_transaction()  # never makes one
        if session_busy or any(writing.opens_follow_up(c) for b in batches for c in b.candidates):
            outcomes = writing.write_batches(db.session.connection(), batches)
            db.session.commit()
        else:
            # The ratings are then one INSERT (the trigger adds the roll-ups), atomic on its own: in
            # autocommit it holds SQLite's write lock only inside that statement, so other server
            # processes wait less, and it saves PostgreSQL the round trip of a COMMIT.
            with db.engines[AUTOCOMMIT_BIND].connect() as connection:
                outcomes = writing.write_batches(connection, batches, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - handed to the requests of the batch, which raise it
        db.session.rollback()
        return None, exc
    return outcomes, None
