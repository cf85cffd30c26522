"""Kiosk roll-ups summed per ancestor for settled months: a national read takes hundreds of rows, not the
~10^5 month rows of every unit pooled through unit_closure.

Kept off the hot ingest path. A dashboard reading a settled month (one before `settled_before`) of some
ancestor uses the summary when it is valid, else pools the unit roll-ups live and fills the summary on a
connection of its own, from committed data. Validity:

- kiosk_pooled_state (ancestor_id, month, epoch, filled_epoch, filled_generation): `epoch` moves on with
  every change to that month's roll-ups below the ancestor once the month may be summarised (a late
  rating, a flag review: `touch`, in the writer's transaction or after its insert committed);
- kiosk_pooled_generation (one row) moves on when every summary goes stale at once (`clear`: unit_closure
  or the roll-ups rebuilt);
- a summary is used only while filled_epoch = epoch and filled_generation = the generation.

A fill reads the epoch and generation *before* the roll-ups: a change committed after that read moves one
of them on (the summary is never used), a change committed before it is in the roll-ups the fill read.
A writer's `touch` creates the state rows it moves on, so a fill beginning meanwhile waits for it
(PostgreSQL) or is serialised with it (SQLite). Months are "settled" SETTLE_DAYS after they end, while
ratings count as late as soon as their month is over: a write that began in the month has long committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from survey_app.analytics import pooling
from survey_app.analytics.periods import month_start
from survey_app.models import kiosk as kiosk_model

logger = logging.getLogger(__name__)

SETTLE_DAYS = 3
# Summaries only for ancestors with at least this many units in their subtree: below it the live read is
# about as many rows as the summary (a commune and its centre), and reading the summary costs more.
MIN_UNITS = 100

_generation = kiosk_model.KioskPooledGeneration.__table__
_state = kiosk_model.KioskPooledState.__table__
_sums = {"levels": kiosk_model.KioskPooledMonth.__table__, "reasons": kiosk_model.KioskPooledReason.__table__}
_sources = {"levels": kiosk_model.KioskUnitMonth.__table__, "reasons": kiosk_model.KioskReasonMonth.__table__}
_keys = {"levels": "level", "reasons": "reason"}
_closure = pooling.closure

MONTHS = sa.bindparam("months", expanding=True, type_=sa.Date)


def settled_before(today: date) -> date:
    """The first month not summarised: months before it ended at least SETTLE_DAYS ago."""
    return month_start(today - timedelta(days=SETTLE_DAYS))


def is_late(day: date, today: date) -> bool:
    """Whether a rating of `day` falls in a month a summary may hold (any month before today's)."""
    return day < month_start(today)


def _valid(kind: str):
    """(ancestor, month, key, n) of the valid summaries among ANCESTORS × MONTHS; key None: an empty month."""
    sums = _sums[kind]
    return (
        sa.select(_state.c.ancestor_id, _state.c.month, sums.c[_keys[kind]], sums.c.n)
        .select_from(
            _state.join(_generation, _generation.c.generation == _state.c.filled_generation).outerjoin(
                sums, sa.and_(sums.c.ancestor_id == _state.c.ancestor_id, sums.c.month == _state.c.month)
            )
        )
        .where(
            _state.c.ancestor_id.in_(pooling.ANCESTORS),
            _state.c.month.in_(MONTHS),
            _state.c.filled_epoch == _state.c.epoch,
        )
    )


def _live(kind: str):
    """(ancestor, month, key, n) of the unit roll-up pooled live over each of ANCESTORS' subtrees."""
    source = _sources[kind]
    key = source.c[_keys[kind]]
    return (
        sa.select(_closure.c.ancestor_id, source.c.month, key, sa.func.sum(source.c.n))
        .select_from(source.join(_closure, pooling.under_each(source.c.unit_id)))
        .where(source.c.month.in_(MONTHS))
        .group_by(_closure.c.ancestor_id, source.c.month, key)
    )


# Built once (see analytics.pooling).
_VALID = {kind: _valid(kind) for kind in _sums}
_LIVE = {kind: _live(kind) for kind in _sums}
_EPOCHS = sa.select(_state.c.ancestor_id, _state.c.month, _state.c.epoch).where(
    _state.c.ancestor_id.in_(pooling.ANCESTORS), _state.c.month.in_(MONTHS)
)
_GENERATION = sa.select(_generation.c.generation).where(_generation.c.id == 1)
_MARK_FILLED = (
    sa.update(_state)
    .where(
        _state.c.ancestor_id == sa.bindparam("a"),
        _state.c.month == sa.bindparam("m", type_=sa.Date),
        _state.c.epoch == sa.bindparam("e"),
    )
    .values(filled_epoch=sa.bindparam("e"), filled_generation=sa.bindparam("g"))
)

_FILLED = sa.select(
    _state.c.ancestor_id, _state.c.month, _state.c.epoch, _state.c.filled_epoch, _state.c.filled_generation
).where(_state.c.ancestor_id.in_(pooling.ANCESTORS), _state.c.month.in_(MONTHS))
_DELETE = {
    kind: sa.delete(table).where(
        table.c.ancestor_id == sa.bindparam("a"), table.c.month == sa.bindparam("m", type_=sa.Date)
    )
    for kind, table in _sums.items()
}


def month_levels(
    session: Session, ancestor_ids: Sequence[int], months: Sequence[date], settled_before: date | None
) -> list[tuple[int, date, str, int]]:
    """(ancestor, month, level, n) of kiosk_unit_month pooled over each ancestor's subtree, per month.

    Settled months (before `settled_before`) come from the valid summaries, the rest live; None: all live.
    For the ancestors `summarised` names: smaller subtrees are read live more cheaply by the caller.
    """
    return _read(session, "levels", ancestor_ids, months, settled_before)


def month_reasons(
    session: Session, ancestor_ids: Sequence[int], months: Sequence[date], settled_before: date | None
) -> list[tuple[int, date, str, int]]:
    """(ancestor, month, reason, n) of kiosk_reason_month pooled over each ancestor's subtree, per month."""
    return _read(session, "reasons", ancestor_ids, months, settled_before)


def _read(session: Session, kind: str, ancestor_ids, months, before: date | None) -> list:
    ids, wanted = sorted(set(ancestor_ids)), sorted(set(months))
    if not ids or not wanted:
        return []
    settled = [m for m in wanted if before is not None and m < before]
    rows: list[tuple[int, date, str, int]] = []
    have: set[tuple[int, date]] = set()
    if settled:
        for a, m, key, n in session.execute(_VALID[kind], {"ancestor_ids": ids, "months": settled}):
            have.add((int(a), pooling.as_date(m)))
            if key is not None:
                rows.append((int(a), pooling.as_date(m), str(key), int(n)))
    missing = [(a, m) for a in ids for m in wanted if (a, m) not in have]
    if not missing:
        return rows
    todo = set(missing)
    params = {"ancestor_ids": sorted({a for a, _m in missing}), "months": sorted({m for _a, m in missing})}
    for a, m, key, n in session.execute(_LIVE[kind], params):
        pair = (int(a), pooling.as_date(m))
        if pair in todo:
            rows.append((*pair, str(key), int(n)))
    to_fill = [(a, m) for a, m in missing if m in settled]
    if to_fill:
        fill(session, to_fill)
    return rows


def summarised(session: Session, ids: Sequence[int]) -> set[int]:
    """The ancestors among `ids` worth summaries: at least MIN_UNITS units in their subtree."""
    return pooling.large_subtrees(session, ids, MIN_UNITS)


def fill(session: Session, pairs: Iterable[tuple[int, date]]) -> bool:
    """Summarise (ancestor, month) pairs from committed data, on a connection of its own; whether it did.

    Skipped (the reader has its live figures) when the session holds writes or the database is busy.
    """
    pairs = sorted(set(pairs))
    if not pairs or pooling.holds_writes(session):
        return False
    engine = session.get_bind()
    ids, months = sorted({a for a, _m in pairs}), sorted({m for _a, m in pairs})
    try:
        with engine.begin() as connection:  # the rows to tag exist and are committed before any read
            dialect = connection.dialect.name
            new_generation = pooling.upsert(_generation, dialect).on_conflict_do_nothing()
            connection.execute(new_generation, {"id": 1, "generation": 0})
            fresh = [{"ancestor_id": a, "month": m, "epoch": 0} for a, m in pairs]
            connection.execute(pooling.upsert(_state, dialect).on_conflict_do_nothing(), fresh)
        with engine.connect() as connection:  # epoch and generation first, then the roll-ups
            generation = connection.scalar(_GENERATION)
            params = {"ancestor_ids": ids, "months": months}
            epochs = {(int(a), pooling.as_date(m)): int(e) for a, m, e in connection.execute(_EPOCHS, params)}
            sums: dict[str, dict[tuple[int, date], list[tuple[str, int]]]] = {}
            for kind, live in _LIVE.items():
                by_pair = sums.setdefault(kind, {})
                for a, m, key, n in connection.execute(live, params):
                    if n:
                        by_pair.setdefault((int(a), pooling.as_date(m)), []).append((str(key), int(n)))
            connection.rollback()
        with engine.begin() as connection:
            tags = [{"a": a, "m": m, "e": epochs[(a, m)], "g": generation} for a, m in pairs]
            connection.execute(_MARK_FILLED, tags)  # only where the epoch is still the one read
            marked = {
                (int(a), pooling.as_date(m))
                for a, m, e, filled, g in connection.execute(_FILLED, params)
                if e == filled and g == generation and epochs.get((int(a), pooling.as_date(m))) == e
            }
            for kind, table in _sums.items():
                # Changed since it was read: left to a later reader (and its rows to whoever filled it).
                done = [{"a": a, "m": m} for a, m in pairs if (a, m) in marked]
                if done:
                    connection.execute(_DELETE[kind], done)
                values = [
                    {"ancestor_id": a, "month": m, _keys[kind]: key, "n": n}
                    for a, m in pairs
                    if (a, m) in marked
                    for key, n in sums[kind].get((a, m), ())
                ]
                if values:
                    connection.execute(sa.insert(table), values)
    except (sa.exc.DBAPIError, KeyError) as error:
        logger.info("kiosk pooled summaries not filled this time: %s", error)
        return False
    return True


def touch_statement(dialect: str):
    """Move on the epoch of (each ancestor of :unit_id, :month), creating the state rows it needs."""
    month = sa.bindparam("month", type_=sa.Date)
    if dialect == "postgresql":  # SQLite's CAST(… AS DATE) would make a number of the text
        month = sa.cast(month, sa.Date)
    rows = (
        sa.select(_closure.c.ancestor_id, month, sa.literal(1))
        .where(_closure.c.descendant_id == sa.bindparam("unit_id"))
        .order_by(_closure.c.ancestor_id)  # one lock order for concurrent writers (PostgreSQL)
    )
    statement = pooling.upsert(_state, dialect).from_select(["ancestor_id", "month", "epoch"], rows)
    return statement.on_conflict_do_update(
        index_elements=["ancestor_id", "month"], set_={"epoch": _state.c.epoch + 1}
    )


_TOUCH = {dialect: touch_statement(dialect) for dialect in ("sqlite", "postgresql")}


_ABOVE = sa.select(_closure.c.ancestor_id).where(_closure.c.descendant_id == sa.bindparam("unit_id"))
_MONTH = sa.bindparam("late_month", type_=sa.Date)  # "month" is the column's own name in an UPDATE
# After an INSERT already committed (the ingest's autocommit path) the state rows that exist are enough:
# a fill creating its row later reads the roll-ups later still, the rating in them. The SELECT takes no
# write lock (SQLite), so a late rating under no summary costs one index probe.
SUMMARISED_ABOVE = (
    sa.select(sa.literal(1))
    .where(_state.c.month == _MONTH, _state.c.ancestor_id.in_(_ABOVE.scalar_subquery()))
    .limit(1)
)
BUMP_ABOVE = (
    sa.update(_state)
    .where(_state.c.month == _MONTH, _state.c.ancestor_id.in_(_ABOVE.scalar_subquery()))
    .values(epoch=_state.c.epoch + 1)
)


def touch(connection, unit_months: Iterable[tuple[int, date]]) -> None:
    """The roll-ups of these (unit, month) pairs changed: the summaries above them are no longer valid.

    In the writer's transaction: the state rows are created if missing, so that a fill beginning
    meanwhile waits for the writer's commit (PostgreSQL) instead of reading the roll-ups without it.
    """
    params = touch_params(unit_months)
    if params:
        connection.execute(_TOUCH[pooling.dialect_name(connection)], params)


def touch_params(unit_months: Iterable[tuple[int, date]], month_key: str = "month") -> list[dict]:
    """Parameters of touch_statement (or, month_key "late_month", of SUMMARISED_ABOVE and BUMP_ABOVE) for
    (unit, month) pairs, by month then unit (one lock order)."""
    pairs = sorted(set(unit_months), key=lambda pair: (pair[1], pair[0]))
    return [{"unit_id": u, month_key: m} for u, m in pairs]


def clear(connection) -> None:
    """Every summary stale at once (the closure or the roll-ups were rebuilt); their rows are dropped."""
    bump = pooling.upsert(_generation, pooling.dialect_name(connection)).values(id=1, generation=1)
    connection.execute(
        bump.on_conflict_do_update(index_elements=["id"], set_={"generation": _generation.c.generation + 1})
    )
    for table in (*_sums.values(), _state):
        connection.execute(sa.delete(table))
