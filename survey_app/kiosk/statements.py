"""Statements of the kiosk's hot paths, built once per dialect and run straight on the DBAPI cursor.

The ingest path runs a handful of statements per request; SQLAlchemy's set-up of each execution cost as
much as SQLite's own work, so one-row statements go through `core.prepared` instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import JSON, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from survey_app.core.prepared import Prepared
from survey_app.extensions import db

_STATEMENTS: dict[tuple[str, str], object] = {}
_PREPARED: dict[tuple, Prepared] = {}


def run(kind: str, build: Callable[[], object], params: dict | list[dict], connection=None) -> list:
    """Execute a Core statement built once per dialect on a connection (the session's); its rows.

    One set of parameters runs straight on the DBAPI cursor (core.prepared); several go through
    SQLAlchemy, which sends them as one statement.
    """
    connection = connection or db.session.connection()
    key = (kind, connection.dialect.name)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    if isinstance(params, list):
        return list(connection.execute(statement, params))
    prepared_key = (*key, *params)
    prepared = _PREPARED.get(prepared_key)
    if prepared is None:
        prepared = _PREPARED[prepared_key] = Prepared(statement, connection.dialect, params)
    return prepared.run(connection, params)


def dialect_insert(model, dialect_name: str | None = None):
    """A dialect-specific INSERT of a model, for ON CONFLICT clauses (the session's dialect by default)."""
    dialect_name = dialect_name or db.session.get_bind().dialect.name
    return (pg_insert if dialect_name == "postgresql" else sqlite_insert)(model.__table__)


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Write many rows at once in the session's transaction: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = db.session.connection().connection.driver_connection.cursor()
    names = ", ".join(f'"{name}"' for name in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(row[c], ensure_ascii=False) if c in json_columns else row[c] for c in columns]
            )
