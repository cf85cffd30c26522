"""The SIPAS count cube summed per (campaign, ancestor): a national read takes a few thousand summary rows,
not the ~10^5 cube rows of every unit pooled through unit_closure (twice: the country and its provinces).

Filled on read, never on the write path. A dashboard reading an ancestor with at least MIN_UNITS units
below it uses the summary when it is valid, else pools the cube live and, for a campaign no longer
collecting (closed or published: an open one changes too often for a summary to last), fills the summary
on a connection of its own from committed data. Validity, across processes:

- sipas_pooled_state (campaign_id, epoch): moved on by every change of the campaign's cube (`touch`, in the
  writer's transaction, from `sipas.count_cube`: responses, corrections, exclusions, imports, recounts)
  and for every campaign by every rebuild of unit_closure (`clear`: moves, merges, reorganisations);
- sipas_pooled_fill (campaign_id, ancestor_id, epoch): the campaign's epoch when its summary was read;
- a summary is used only while its fill's epoch is the campaign's epoch (one statement reads both).

A fill creates the state row and commits it, then reads the epoch *before* the cube: a change committed
after that read moves the epoch on (the summary is never used), a change committed before it is in the
cube the fill read. Epochs only grow (state rows go only with their campaign), so an old fill never
becomes valid again. The price: writers of one campaign queue on its state row until they commit
(PostgreSQL; SQLite writes one at a time anyway), taken first so that it adds no lock-order cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from survey_app.analytics import pooling
from survey_app.models import sipas as sipas_model

logger = logging.getLogger(__name__)

# As for the kiosk summaries: below this a live read is about as many rows as the summary.
MIN_UNITS = 100
# Campaigns whose summaries are filled; valid ones are read whatever the state (an open campaign's
# summary from before it was reopened stays right until its cube changes).
FILLED_STATES = ("closed", "published")

_state = sipas_model.SipasPooledState.__table__
_fill = sipas_model.SipasPooledFill.__table__
_campaigns = sipas_model.SipasCampaign.__table__
_closure = pooling.closure
# kind: (the summary table, the cube table it sums); the columns readers group by after (campaign,
# ancestor); the columns a summary keeps (the channel always: the dashboards filter by it).
_TABLES = {
    "counts": (sipas_model.SipasPooledCount.__table__, sipas_model.SipasCount.__table__),
    "responses": (sipas_model.SipasPooledUnitN.__table__, sipas_model.SipasUnitN.__table__),
}
_KEYS = {"counts": ("question_code", "value"), "responses": ("channel",)}
_STORED = {"counts": ("channel", "question_code", "value"), "responses": ("channel",)}

CAMPAIGNS = sa.bindparam("campaign_ids", expanding=True, type_=sa.Integer)
CODES = sa.bindparam("codes", expanding=True, type_=sa.String)
CHANNEL = sa.bindparam("channel", type_=sa.String)


def _valid(kind: str, by_codes: bool, by_channel: bool):
    """(campaign, ancestor, *key, n) of the valid summaries among CAMPAIGNS × ANCESTORS, filtered like the
    live read; key None: a valid summary with nothing to show (no responses, or none passing the filters)."""
    sums = _TABLES[kind][0]
    on = [sums.c.campaign_id == _fill.c.campaign_id, sums.c.ancestor_id == _fill.c.ancestor_id]
    if by_codes:
        on.append(sums.c.question_code.in_(CODES))
    if by_channel:
        on.append(sums.c.channel == CHANNEL)
    keys = [sums.c[k] for k in _KEYS[kind]]
    current = sa.and_(_state.c.campaign_id == _fill.c.campaign_id, _state.c.epoch == _fill.c.epoch)
    return (
        sa.select(_fill.c.campaign_id, _fill.c.ancestor_id, *keys, sa.func.sum(sums.c.n))
        .select_from(_fill.join(_state, current).outerjoin(sums, sa.and_(*on)))
        .where(_fill.c.campaign_id.in_(CAMPAIGNS), _fill.c.ancestor_id.in_(pooling.ANCESTORS))
        .group_by(_fill.c.campaign_id, _fill.c.ancestor_id, *keys)
    )


def _pooled(kind: str):
    """(campaign, ancestor, channel, …, n) of the cube pooled live over each of ANCESTORS, as stored."""
    cube = _TABLES[kind][1]
    stored = [cube.c[k] for k in _STORED[kind]]
    return (
        sa.select(cube.c.campaign_id, _closure.c.ancestor_id, *stored, sa.func.sum(cube.c.n))
        .select_from(cube.join(_closure, pooling.under_each(cube.c.unit_id)))
        .where(cube.c.campaign_id.in_(CAMPAIGNS))
        .group_by(cube.c.campaign_id, _closure.c.ancestor_id, *stored)
    )


# Built once (see analytics.pooling).
_VALID = {
    (kind, codes, channel): _valid(kind, codes, channel)
    for kind in _TABLES
    for codes in ((False, True) if kind == "counts" else (False,))
    for channel in (False, True)
}
_POOLED = {kind: _pooled(kind) for kind in _TABLES}
_FILLABLE = sa.select(_campaigns.c.id).where(
    _campaigns.c.id.in_(CAMPAIGNS), _campaigns.c.state.in_(FILLED_STATES)
)
_EPOCHS = sa.select(_state.c.campaign_id, _state.c.epoch).where(_state.c.campaign_id.in_(CAMPAIGNS))
_DELETE = {
    name: sa.delete(table).where(
        table.c.campaign_id == sa.bindparam("c"), table.c.ancestor_id == sa.bindparam("a")
    )
    for name, table in (*((kind, tables[0]) for kind, tables in _TABLES.items()), ("fill", _fill))
}


def summarised(session: Session, ids: Sequence[int]) -> set[int]:
    """The ancestors among `ids` worth summaries: at least MIN_UNITS units in their subtree."""
    return pooling.large_subtrees(session, ids, MIN_UNITS)


def read(
    session: Session, kind: str, campaign_ids: Sequence[int], ancestor_ids: Sequence[int], live, params: dict
) -> list[tuple]:
    """The rows `live` (a statement grouping the cube by campaign, ANCESTORS, *key) would give for
    `params`, from the valid summaries of large ancestors, live for the rest; fills what was missing."""
    large = summarised(session, ancestor_ids)
    if not large:
        return list(session.execute(live, params))
    filters = {k: params[k] for k in ("codes", "channel") if k in params}
    statement = _VALID[kind, "codes" in filters, "channel" in filters]
    rows: list[tuple] = []
    have: set[tuple[int, int]] = set()
    valid = session.execute(
        statement, {**filters, "campaign_ids": list(campaign_ids), "ancestor_ids": sorted(large)}
    )
    for campaign_id, ancestor_id, *key, n in valid:
        have.add((int(campaign_id), int(ancestor_id)))
        if key[0] is not None:
            rows.append((campaign_id, ancestor_id, *key, n))
    missing = {(c, a) for c in campaign_ids for a in ancestor_ids if (c, a) not in have}
    if not missing:
        return rows
    narrowed = {
        **params,
        "campaign_ids": sorted({c for c, _a in missing}),
        "ancestor_ids": sorted({a for _c, a in missing}),
    }
    rows.extend(row for row in session.execute(live, narrowed) if (int(row[0]), int(row[1])) in missing)
    fill(session, [(c, a) for c, a in missing if a in large])
    return rows


def fill(session: Session, pairs: Iterable[tuple[int, int]]) -> bool:
    """Summarise (campaign, ancestor) pairs of closed or published campaigns from committed data, on a
    connection of its own; whether it did. Skipped when the session holds writes or the database is busy."""
    pairs = sorted(set(pairs))
    if not pairs or pooling.holds_writes(session):
        return False
    fillable = set(session.scalars(_FILLABLE, {"campaign_ids": sorted({c for c, _a in pairs})}))
    pairs = [(c, a) for c, a in pairs if c in fillable]
    if not pairs:
        return False
    campaign_ids, ancestor_ids = sorted({c for c, _a in pairs}), sorted({a for _c, a in pairs})
    params = {"campaign_ids": campaign_ids, "ancestor_ids": ancestor_ids}
    engine = session.get_bind()
    try:
        # The state rows a writer moves on exist and are committed before any read (a campaign's first
        # cube write made its row already, unless its cube came in some other way).
        with engine.begin() as connection:
            missing = set(campaign_ids) - {c for c, _e in connection.execute(_EPOCHS, params)}
            if missing:
                insert = pooling.upsert(_state, connection.dialect.name).on_conflict_do_nothing()
                connection.execute(insert, [{"campaign_id": c, "epoch": 0} for c in sorted(missing)])
        with engine.connect() as connection:  # the epochs first, then the cube
            epochs = {int(c): int(e) for c, e in connection.execute(_EPOCHS, params)}
            sums = {kind: connection.execute(_POOLED[kind], params).all() for kind in _TABLES}
            connection.rollback()
        with engine.begin() as connection:
            moved = {c for c, e in connection.execute(_EPOCHS, params) if epochs.get(c) != e}
            done = [(c, a) for c, a in pairs if c not in moved]  # changed since: left to a later reader
            if not done:
                return False
            keys = [{"c": c, "a": a} for c, a in done]
            for statement in _DELETE.values():
                connection.execute(statement, keys)
            wanted = set(done)
            for kind, (table, _cube) in _TABLES.items():
                columns = ("campaign_id", "ancestor_id", *_STORED[kind], "n")
                values = [
                    dict(zip(columns, row, strict=True)) for row in sums[kind] if (row[0], row[1]) in wanted
                ]
                if values:
                    connection.execute(sa.insert(table), values)
            connection.execute(
                sa.insert(_fill), [{"campaign_id": c, "ancestor_id": a, "epoch": epochs[c]} for c, a in done]
            )
    except sa.exc.DBAPIError as error:
        logger.info("SIPAS pooled summaries not filled this time: %s", error)
        return False
    return True


def _touch_statement(dialect: str):
    upsert = pooling.upsert(_state, dialect).values(campaign_id=sa.bindparam("campaign_id"), epoch=1)
    return upsert.on_conflict_do_update(index_elements=["campaign_id"], set_={"epoch": _state.c.epoch + 1})


_TOUCH = {dialect: _touch_statement(dialect) for dialect in ("sqlite", "postgresql")}


def touch(connection, campaign_id: int) -> None:
    """The campaign's cube changes in this transaction: its summaries are no longer valid.

    Call it before the cube's own writes: writers then lock the state row first, in one order.
    """
    connection.execute(_TOUCH[pooling.dialect_name(connection)], {"campaign_id": campaign_id})


def clear(connection) -> None:
    """Every summary stale at once (unit_closure was rebuilt); their rows are dropped."""
    connection.execute(sa.update(_state).values(epoch=_state.c.epoch + 1))
    for table in (_fill, *(tables[0] for tables in _TABLES.values())):
        connection.execute(sa.delete(table))
