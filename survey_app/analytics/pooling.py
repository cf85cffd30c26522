"""Shared pieces of the cube reads: bind parameters, pooling over a unit's subtree, the unit-tree look-ups.

Statements on a dashboard's path are built once, at import, with bind parameters: building a SELECT and its
cache key costs SQLAlchemy 0.2–0.5 ms, more than most of these queries take in the database. Pooled subtree
figures join `unit_closure` on descendant_id = the fact's unit and filter or group by ancestor_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from survey_app.analytics.periods import split_period
from survey_app.models import Unit, UnitClosure

closure = UnitClosure.__table__
units = Unit.__table__

ROOT = sa.bindparam("root_id", type_=sa.Integer)
ANCESTORS = sa.bindparam("ancestor_ids", expanding=True, type_=sa.Integer)
IDS = sa.bindparam("ids", expanding=True, type_=sa.Integer)
START = sa.bindparam("start", type_=sa.Date)
END = sa.bindparam("end", type_=sa.Date)


def under(unit_column, root=ROOT):
    """Join condition + filter: facts whose unit lies in the subtree of `root` (the root_id parameter)."""
    return sa.and_(closure.c.descendant_id == unit_column, closure.c.ancestor_id == root)


def under_each(unit_column, ancestors=ANCESTORS):
    """Join condition + filter: facts in the subtree of any of `ancestors` (group by ancestor_id)."""
    return sa.and_(closure.c.descendant_id == unit_column, closure.c.ancestor_id.in_(ancestors))


def pooled(table, period, *keys):
    """(*keys, level, n) of a roll-up pooled over the subtree of ROOT, for periods between START and END."""
    return (
        sa.select(*keys, table.c.level, sa.func.sum(table.c.n))
        .select_from(table.join(closure, under(table.c.unit_id)))
        .where(period.between(START, END))
        .group_by(*keys, table.c.level)
    )


def by_ancestor(table, period):
    """(ancestor id, level, n) of a unit roll-up for each of ANCESTORS' subtrees, between START and END."""
    return (
        sa.select(closure.c.ancestor_id, table.c.level, sa.func.sum(table.c.n))
        .select_from(table.join(closure, under_each(table.c.unit_id)))
        .where(period.between(START, END))
        .group_by(closure.c.ancestor_id, table.c.level)
    )


def period_reads(start: date, end: date, by_month, by_day) -> list[tuple]:
    """(statement, first, last) reads covering [start, end]: whole months by month, the edge days by day."""
    months, edges = split_period(start, end)
    reads = [(by_month, min(months), max(months))] if months else []
    return reads + [(by_day, first, last) for first, last in edges]


def as_date(value) -> date:
    """SQLite hands dates back as text in some aggregate queries."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


_CHILDREN = (
    sa.select(units.c.id, units.c.code, units.c.name).where(units.c.parent_id == ROOT).order_by(units.c.name)
)
_SUBTREE_SIZE = sa.select(sa.func.count()).where(closure.c.ancestor_id == ROOT)
_UNIT_NAMES = sa.select(units.c.id, units.c.name).where(units.c.id.in_(IDS))


def child_units(session: Session, unit_id: int) -> list[tuple[int, str, str]]:
    """(id, code, name) of a unit's direct children, by name."""
    return [(int(i), str(c), str(n)) for i, c, n in session.execute(_CHILDREN, {"root_id": unit_id})]


def subtree_size(session: Session, root_id: int) -> int:
    """Units in a subtree, the root included."""
    return int(session.scalar(_SUBTREE_SIZE, {"root_id": root_id}) or 0)


def unit_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """{id: name} of some units."""
    if not ids:
        return {}
    return {int(i): str(n) for i, n in session.execute(_UNIT_NAMES, {"ids": list(ids)})}


# --- summaries per ancestor (analytics.kiosk_pooled, analytics.sipas_pooled) ------------------------

_LARGE = (
    sa.select(closure.c.ancestor_id)
    .where(closure.c.ancestor_id.in_(ANCESTORS))
    .group_by(closure.c.ancestor_id)
    .having(sa.func.count() >= sa.bindparam("min_units"))
)


def large_subtrees(session: Session, ids: Sequence[int], min_units: int) -> set[int]:
    """The ancestors among `ids` with at least `min_units` units in their subtree (worth a summary)."""
    if not ids:
        return set()
    return {
        int(a) for a in session.scalars(_LARGE, {"ancestor_ids": sorted(set(ids)), "min_units": min_units})
    }


def holds_writes(session: Session) -> bool:
    """Whether the session has writes in progress (a summary filled now would miss them; on SQLite a fill
    would wait for its lock)."""
    if isinstance(session, scoped_session):
        session = session()
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    return bool(connection.connection.dbapi_connection.in_transaction)  # BEGIN is sent before a write only


def dialect_name(connection) -> str:
    """The dialect's name of a Connection or a Session."""
    dialect = getattr(connection, "dialect", None) or connection.get_bind().dialect
    return str(dialect.name)


def upsert(table, dialect: str):
    """INSERT … ON CONFLICT of the dialect (add .on_conflict_do_nothing() or _do_update())."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)
