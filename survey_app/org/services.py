"""The unit tree: ancestors (closure), subtree queries, and creating, changing, closing, merging units."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, delete, insert, or_, select

from survey_app.analytics import kiosk_pooled, sipas_pooled
from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import (
    SuccessionKind,
    Unit,
    UnitClosure,
    UnitKind,
    UnitStatus,
    UnitSuccession,
)

logger = logging.getLogger(__name__)


class OrgError(ValueError):
    """A change to the organisation that the rules do not allow; the message is user-facing."""


# --- the unit graph -------------------------------------------------------------------------


def rebuild_closure() -> None:
    """Recompute every (ancestor, descendant) pair from parent links and successions.

    A successor counts as a parent of its predecessor (a merged or split unit's history rolls up into
    each successor and everything above them); the closure holds each pair once, so a pooled query
    through it counts a predecessor's data once at any common ancestor. The tree is small (thousands of
    units) and changes rarely, so a full rebuild is simpler and safer than incremental bookkeeping.
    """
    ups: dict[int, list[int]] = {
        uid: ([parent] if parent is not None else [])
        for uid, parent in db.session.execute(select(Unit.id, Unit.parent_id))
    }
    for predecessor, successor in db.session.execute(
        select(UnitSuccession.predecessor_id, UnitSuccession.successor_id)
    ):
        ups[predecessor].append(successor)
    rows = []
    for uid in ups:
        depth_of = {uid: 0}
        frontier = [uid]
        while frontier:
            nxt = []
            for node in frontier:
                for up in ups.get(node, []):
                    if up not in depth_of:
                        depth_of[up] = depth_of[node] + 1
                        nxt.append(up)
            frontier = nxt
        rows.extend({"ancestor_id": a, "descendant_id": uid, "depth": d} for a, d in depth_of.items())
    db.session.execute(delete(UnitClosure))
    if rows:
        db.session.execute(insert(UnitClosure), rows)
    # The summaries per ancestor (kiosk, SIPAS) were pooled through the old closure.
    kiosk_pooled.clear(db.session)
    sipas_pooled.clear(db.session)


def subtree_ids_query(unit_id: int):
    """A SELECT of the ids of a unit and everything below or merged into it."""
    return select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == unit_id)


# Built once: every scoped page asks these (building a SELECT costs more than running it).
_WITHIN = select(UnitClosure.depth).where(
    UnitClosure.ancestor_id == bindparam("ancestor_id"), UnitClosure.descendant_id == bindparam("unit_id")
)
# An official code is held by one active unit; closed units may share it (the GSO reuses codes).
_BY_CODE = (
    select(Unit)
    .where(Unit.code == bindparam("code"))
    .order_by(case((Unit.status == UnitStatus.active, 0), else_=1), Unit.active_to.desc(), Unit.id.desc())
    .limit(1)
)


def is_within(unit_id: int, ancestor_id: int) -> bool:
    """Whether unit_id is the ancestor or lies in its subtree."""
    return db.session.execute(_WITHIN, {"ancestor_id": ancestor_id, "unit_id": unit_id}).first() is not None


def units_in_subtree(root_id: int | None, *, kinds: Iterable[UnitKind] | None = None) -> list[Unit]:
    """Units of a subtree (every unit when root_id is None), ordered by name."""
    query = select(Unit).order_by(Unit.name)
    if root_id is not None:
        query = query.where(Unit.id.in_(subtree_ids_query(root_id)))
    if kinds:
        query = query.where(Unit.kind.in_(list(kinds)))
    return list(db.session.scalars(query))


def tree_rows(root_id: int | None) -> list[tuple[Unit, int]]:
    """The subtree as (unit, indent level) rows in display order (parents before children)."""
    return _in_tree_order(units_in_subtree(root_id))


def unit_picker_rows(root_id: int | None, current: Unit) -> list[tuple[str, str, int]]:
    """(code, name, indent level) of a drill-down unit picker around `current`, in display order.

    The path from the top of the scope down to `current`, its siblings and its children. A country has
    some ten thousand communes: the whole tree in every page would be megabytes of options.
    """
    near = [
        Unit.id.in_(select(UnitClosure.ancestor_id).where(UnitClosure.descendant_id == current.id)),
        Unit.parent_id == current.id,
    ]
    if current.id != root_id:
        near.append(
            Unit.parent_id.is_(None) if current.parent_id is None else Unit.parent_id == current.parent_id
        )
    query = select(Unit.id, Unit.parent_id, Unit.code, Unit.name).where(or_(*near)).order_by(Unit.name)
    if root_id is not None:
        query = query.where(Unit.id.in_(subtree_ids_query(root_id)))
    return [(row.code, row.name, level) for row, level in _in_tree_order(db.session.execute(query).all())]


def _in_tree_order(units: list) -> list[tuple]:
    """Items with `id` and `parent_id`, as (item, level) with parents before their children."""
    by_parent: dict[int | None, list] = {}
    ids = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(parent, []).append(unit)
    rows: list[tuple] = []

    def walk(parent: int | None, level: int) -> None:
        for unit in by_parent.get(parent, []):
            rows.append((unit, level))
            walk(unit.id, level + 1)

    walk(None, 0)
    return rows


def get_unit_by_code(code: str) -> Unit | None:
    """The unit that holds an official code today (else the last closed unit that held it), if any."""
    return db.session.scalar(_BY_CODE, {"code": code})


def unit_for_code_on(code: str, day: date) -> Unit | None:
    """The unit that held an official code on a day (a 2024 row for code 00103 means Phường Xuân La)."""
    for unit in db.session.scalars(select(Unit).where(Unit.code == code).order_by(Unit.id)):
        if is_open_on(unit, day):
            return unit
    return None


# --- when a unit collects data ---------------------------------------------------------------


def is_open_on(unit: Unit, day: date) -> bool:
    """Whether the unit operates on a local calendar day: opened by then and not yet closed.

    `active_to` is the closing day (the effective date of a merger, split or closure): the unit is
    open on the days before it. A unit closed without a date is closed on every day.
    """
    if unit.active_from is not None and day < unit.active_from:
        return False
    if unit.status != UnitStatus.active and unit.active_to is None:
        return False
    return unit.active_to is None or day < unit.active_to


def is_open_today(unit: Unit) -> bool:
    """Whether the unit operates today: what a picker for new data (a device, a batch, a host) offers.

    Not `is_active`: a reorganisation recorded ahead of its effective date leaves the old unit open and
    the successor not yet open until that day.
    """
    return is_open_on(unit, clock.today())


def accepts_data(unit: Unit, at: datetime | date) -> bool:
    """Whether a rating, response, comment, device or campaign dated `at` may be attributed to the unit.

    An aware datetime is read on the local calendar (Asia/Ho_Chi_Minh by default): a rating made at
    23:30 on 30/6 belongs to the day before a 1/7 closing and is accepted even if it arrives later
    (an offline tablet's backlog); one dated on or after the closing day is refused.
    """
    day = clock.local_date(at) if isinstance(at, datetime) else at
    return is_open_on(unit, day)


def _check_parent(unit: Unit | None, parent: Unit | None) -> None:
    """Refuse a parent that would make a cycle or that no longer operates."""
    if parent is None:
        return
    if not parent.is_active:
        raise OrgError(_("The parent unit is closed or merged."))
    if unit is not None and unit.id is not None and is_within(parent.id, unit.id):
        raise OrgError(_("A unit cannot be placed under itself or its own sub-units."))


def create_unit(
    *, code: str, name: str, kind: UnitKind, parent: Unit | None, active_from: date | None = None
) -> Unit:
    """Add a unit to the tree."""
    code = code.strip()
    if get_unit_by_code(code):
        raise OrgError(_("A unit with code %(code)s already exists.", code=code))
    _check_parent(None, parent)
    unit = Unit(code=code, name=name.strip(), kind=kind, parent=parent, active_from=active_from)
    db.session.add(unit)
    db.session.flush()
    rebuild_closure()
    record("unit.create", unit, summary=f"{unit.code} {unit.name}")
    return unit


def update_unit(
    unit: Unit,
    *,
    name: str,
    kind: UnitKind,
    parent: Unit | None,
    active_from: date | None,
) -> Unit:
    """Rename, re-kind or move a unit; its history stays attached to it."""
    before = snapshot(unit)
    moved = (parent.id if parent else None) != unit.parent_id
    if moved:
        _check_parent(unit, parent)
    unit.name, unit.kind, unit.parent, unit.active_from = name.strip(), kind, parent, active_from
    db.session.flush()
    if moved:
        rebuild_closure()
    record("unit.update", unit, before=before, summary=f"{unit.code} {unit.name}")
    return unit


def close_unit(unit: Unit, *, on: date) -> Unit:
    """Close a unit without a successor; its history is kept."""
    if not unit.is_active:
        raise OrgError(_("This unit is already closed or merged."))
    if any(child.is_active for child in unit.children):
        raise OrgError(_("Close or move the active sub-units first."))
    before = snapshot(unit)
    unit.status, unit.active_to = UnitStatus.closed, on
    record("unit.close", unit, before=before, summary=f"{unit.code} {unit.name}")
    logger.info("unit %s closed on %s", unit.code, on.isoformat())
    return unit


# Wards, communes and special zones are one level since 01/7/2025 and merge into one another.
LOCAL_KINDS = frozenset({UnitKind.ward, UnitKind.commune, UnitKind.special_zone})


def successor_kinds(kind: UnitKind) -> frozenset[UnitKind]:
    """The kinds a unit of `kind` may merge into: a ward into a ward, commune or special zone, a
    department into a department, and so on: never across levels."""
    return LOCAL_KINDS if kind in LOCAL_KINDS else frozenset({kind})


def _province_of(unit: Unit) -> Unit | None:
    """The province (or centrally-run city) a unit lies in, following parent links."""
    node: Unit | None = unit
    while node is not None and node.kind != UnitKind.province:
        node = node.parent
    return node


# One-stop dossier codes start with the province's prefix (Hà Nội H26, as the dossiers API's example).
DOSSIER_PREFIX = {"01": "H26", "31": "H27"}


def dossier_code_prefix(unit: Unit) -> str:
    """How the one-stop system's dossier codes of a unit begin: province prefix and receiving body.

    The receiving body is a one-stop shop's commune or district (00103-TT → 00103), or a branch of the
    province's centre itself (01-TTPVHCC-CN1): cutting the branch's code would give two branches one prefix.
    """
    province = _province_of(unit)
    base, _dash, suffix = unit.code.rpartition("-")
    body = base if suffix in ("TT", "MC") else unit.code
    return f"{DOSSIER_PREFIX.get(province.code if province else '', 'H26')}.{body}"


def check_merge(unit: Unit, into: Unit) -> None:
    """Refuse a merger the rules do not allow (see merge_unit); the message says why."""
    if not unit.is_active:
        raise OrgError(_("This unit is already closed or merged."))
    if into.id == unit.id or not into.is_active:
        raise OrgError(_("Choose another, active unit as the successor."))
    if is_within(into.id, unit.id):
        raise OrgError(_("A unit cannot be merged into its own sub-unit."))
    if into.kind not in successor_kinds(unit.kind):
        raise OrgError(
            _(
                "A unit of kind “%(kind)s” cannot be merged into one of kind “%(into_kind)s”: "
                "choose a unit of the same level.",
                kind=unit.kind.label,
                into_kind=into.kind.label,
            )
        )
    province = _province_of(unit)
    if province is not None and _province_of(into) is not province:
        raise OrgError(_("The successor must be in the same province as %(name)s.", name=unit.name))


def merge_candidates(unit: Unit, root_id: int | None) -> list[Unit]:
    """Active units of the scope that `unit` may merge into (the rules of check_merge), by name.

    Three queries whatever the size of the province: an active unit's ancestors in the closure are its
    parents (only closed predecessors roll up into successors), so "in the province" is a subtree test.
    """
    own_subtree = set(db.session.scalars(subtree_ids_query(unit.id)))
    province = _province_of(unit)
    in_province = set(db.session.scalars(subtree_ids_query(province.id))) if province else None
    return [
        into
        for into in units_in_subtree(root_id, kinds=successor_kinds(unit.kind))
        if into.is_active and into.id not in own_subtree and (in_province is None or into.id in in_province)
    ]


def merge_unit(unit: Unit, *, into: Unit, on: date) -> Unit:
    """Merge a unit into a successor: its ratings stay its own and roll up into the successor."""
    check_merge(unit, into)
    before = snapshot(unit)
    unit.status, unit.active_to = UnitStatus.merged, on
    unit.successor_links.append(UnitSuccession(successor=into, effective_on=on, kind=SuccessionKind.merge))
    # Active sub-units (a ward's one-stop centre, say) move to the successor with it.
    for child in list(unit.children):
        if child.is_active:
            child.parent = into
    db.session.flush()
    rebuild_closure()
    record("unit.merge", unit, before=before, summary=f"{unit.code} → {into.code}")
    logger.info("unit %s merged into %s on %s", unit.code, into.code, on.isoformat())
    return unit
