"""Another writer holding the database's lock, as a large import or a migration would, for the lock tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import event

from survey_app.config import AUTOCOMMIT_BIND
from survey_app.extensions import db

SHORT_WAIT_MS = 300  # the app's lock wait in these tests, instead of DATABASE_LOCK_WAIT_SECONDS (15 s)


def _engines():
    return [db.engine, db.engines[AUTOCOMMIT_BIND]]


@contextmanager
def short_lock_wait() -> Iterator[None]:
    """The app's connections give up on a lock after SHORT_WAIT_MS until exit (commits the session)."""

    def shorten(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor.execute(f"PRAGMA busy_timeout={SHORT_WAIT_MS}")
        else:
            cursor.execute(f"SET lock_timeout = {SHORT_WAIT_MS}")
            dbapi_connection.commit()  # a SET inside a transaction rolled back would be undone
        cursor.close()

    db.session.commit()  # its connection back to the pool, which is then emptied
    engines = _engines()
    for engine in engines:
        engine.dispose()
        event.listen(engine, "connect", shorten)
    try:
        yield
    finally:
        db.session.commit()
        for engine in engines:
            event.remove(engine, "connect", shorten)
            engine.dispose()


@contextmanager
def write_lock_held(*tables: str) -> Iterator[None]:
    """Another connection holds the write lock: SQLite's (BEGIN IMMEDIATE) or PostgreSQL's on `tables`."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        holder = psycopg.connect(url)
        holder.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")  # readers pass, writers wait
    try:
        yield
    finally:
        holder.rollback()
        holder.close()
