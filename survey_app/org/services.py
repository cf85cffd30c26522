"""Rules of the unit tree, counters, staff and procedure fields."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, insert, or_, select

from survey_app.audit.service import record, snapshot
from survey_app.extensions import db
from survey_app.models import (
    Counter,
    ProcedureField,
    Staff,
    Unit,
    UnitClosure,
    UnitKind,
    UnitStatus,
)

UNIT_CSV_HEADER = ["code", "name", "kind", "parent_code"]
logger = logging.getLogger(__name__)


class OrgError(ValueError):
    """A change to the organisation that the rules do not allow; the message is user-facing."""


# --- the unit graph -------------------------------------------------------------------------


def rebuild_closure() -> None:
    """Recompute every (ancestor, descendant) pair from parent and successor links.

    The tree is small (thousands of units) and changes rarely, so a full rebuild is simpler
    and safer than incremental bookkeeping.
    """
    links = db.session.execute(select(Unit.id, Unit.parent_id, Unit.successor_id)).all()
    ups = {uid: [p for p in (parent, successor) if p is not None] for uid, parent, successor in links}
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


def subtree_ids_query(unit_id: int):
    """A SELECT of the ids of a unit and everything below or merged into it."""
    return select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == unit_id)


# Built once: every scoped page asks these (building a SELECT costs more than running it).
_WITHIN = select(UnitClosure.depth).where(
    UnitClosure.ancestor_id == bindparam("ancestor_id"), UnitClosure.descendant_id == bindparam("unit_id")
)
_BY_CODE = select(Unit).where(Unit.code == bindparam("code"))


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
    """The unit with an official code, if any."""
    return db.session.scalar(_BY_CODE, {"code": code})


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


def merge_unit(unit: Unit, *, into: Unit, on: date) -> Unit:
    """Merge a unit into a successor: its ratings stay its own and roll up into the successor."""
    if not unit.is_active:
        raise OrgError(_("This unit is already closed or merged."))
    if into.id == unit.id or not into.is_active:
        raise OrgError(_("Choose another, active unit as the successor."))
    if is_within(into.id, unit.id):
        raise OrgError(_("A unit cannot be merged into its own sub-unit."))
    before = snapshot(unit)
    unit.status, unit.active_to, unit.successor = UnitStatus.merged, on, into
    # Active sub-units (a ward's one-stop centre, say) move to the successor with it.
    for child in list(unit.children):
        if child.is_active:
            child.parent = into
    db.session.flush()
    rebuild_closure()
    record("unit.merge", unit, before=before, summary=f"{unit.code} → {into.code}")
    logger.info("unit %s merged into %s on %s", unit.code, into.code, on.isoformat())
    return unit


# --- bulk import ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What a unit import did, or why it did nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] | None = None

    @property
    def ok(self) -> bool:
        """Whether the file was valid (and so was applied)."""
        return not self.errors


def import_units_csv(text: str) -> ImportResult:
    """Import units from CSV text; any invalid row means nothing is imported."""
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != UNIT_CSV_HEADER:
        return ImportResult(
            errors=[_("Line 1: the header must be %(header)s.", header=",".join(UNIT_CSV_HEADER))]
        )
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    seen: dict[str, int] = {}
    rows: list[tuple[str, str, UnitKind, str]] = []
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            errors.append(_("Line %(line)d: expected 4 columns, found %(n)d.", line=line_no, n=len(row)))
            continue
        code, name, kind, parent_code = (cell.strip() for cell in row)
        problems = []
        if not code or len(code) > 32:
            problems.append(_("the code must have 1 to 32 characters"))
        elif code in seen:
            problems.append(_("code %(code)s repeats line %(other)d", code=code, other=seen[code]))
        if not name or len(name) > 200:
            problems.append(_("the name must have 1 to 200 characters"))
        if kind not in UnitKind.__members__:
            problems.append(_("unknown kind %(kind)s (use %(kinds)s)", kind=kind, kinds=", ".join(UnitKind)))
        if parent_code and parent_code not in seen and parent_code not in existing:
            problems.append(_("parent %(code)s is not known (list parents first)", code=parent_code))
        if parent_code and parent_code == code:
            problems.append(_("a unit cannot be its own parent"))
        if problems:
            errors.append(_("Line %(line)d: ", line=line_no) + "; ".join(problems) + ".")
        seen.setdefault(code, line_no)
        if not problems:
            rows.append((code, name, UnitKind(kind), parent_code))
    if errors:
        logger.info("unit import refused: %d problem(s), first on %s", len(errors), errors[0].split(":")[0])
        return ImportResult(errors=errors)

    result = ImportResult()
    by_code = dict(existing)
    for code, name, kind, parent_code in rows:
        parent = by_code.get(parent_code) if parent_code else None
        unit = by_code.get(code)
        if unit is None:
            unit = Unit(code=code, name=name, kind=kind, parent=parent)
            db.session.add(unit)
            by_code[code] = unit
            result.created += 1
        elif (unit.name, unit.kind, unit.parent_id) == (name, kind, parent.id if parent else None):
            result.unchanged += 1
        else:
            unit.name, unit.kind, unit.parent = name, kind, parent
            result.updated += 1
        db.session.flush()
    if result.created or result.updated:
        rebuild_closure()
        record(
            "unit.import",
            summary=f"{result.created} created, {result.updated} updated",
            after={"created": result.created, "updated": result.updated},
        )
    logger.info(
        "unit import: %d created, %d updated, %d unchanged", result.created, result.updated, result.unchanged
    )
    return result


def import_units_file(path: Path) -> ImportResult:
    """Import units from a UTF-8 CSV file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ImportResult(errors=[_("The file is not UTF-8 text.")])
    return import_units_csv(text)


# --- counters and staff ---------------------------------------------------------------------


def save_counter(counter: Counter | None, *, unit: Unit, code: str, name: str, active: bool) -> Counter:
    """Create or update a counter of a one-stop shop."""
    code = code.strip()
    clash = db.session.scalar(select(Counter).where(Counter.unit_id == unit.id, Counter.code == code))
    if clash is not None and clash is not counter:
        raise OrgError(_("This unit already has a counter with code %(code)s.", code=code))
    before = snapshot(counter) if counter else None
    if counter is None:
        counter = Counter(unit=unit)
        db.session.add(counter)
    counter.code, counter.name, counter.active = code, name.strip(), active
    record("counter.update" if before else "counter.create", counter, before=before, summary=name)
    return counter


def save_staff(
    staff: Staff | None,
    *,
    unit: Unit,
    full_name: str,
    title: str,
    counter: Counter | None,
    active: bool,
    photo: tuple[bytes, str] | None = None,
) -> Staff:
    """Create or update a civil servant; a photo is (bytes, mime type)."""
    if counter is not None and counter.unit_id != unit.id:
        raise OrgError(_("The counter belongs to another unit."))
    before = snapshot(staff) if staff else None
    if staff is None:
        staff = Staff(unit=unit)
        db.session.add(staff)
    staff.full_name, staff.title, staff.counter, staff.active = (
        full_name.strip(),
        title.strip(),
        counter,
        active,
    )
    if photo is not None:
        staff.photo, staff.photo_mime = photo
        staff.photo_version = (staff.photo_version or 0) + 1
    record("staff.update" if before else "staff.create", staff, before=before, summary=full_name)
    return staff


# --- procedure fields -----------------------------------------------------------------------


def save_field(
    field: ProcedureField | None, *, code: str, name_vi: str, name_en: str, active: bool
) -> ProcedureField:
    """Create or update a procedure field."""
    code = code.strip()
    clash = db.session.scalar(select(ProcedureField).where(ProcedureField.code == code))
    if clash is not None and clash is not field:
        raise OrgError(_("A procedure field with code %(code)s already exists.", code=code))
    before = snapshot(field) if field else None
    if field is None:
        position = db.session.scalar(select(func.coalesce(func.max(ProcedureField.position), 0)))
        field = ProcedureField(position=position + 1)
        db.session.add(field)
    field.code, field.name_vi, field.name_en, field.active = code, name_vi.strip(), name_en.strip(), active
    record("field.update" if before else "field.create", field, before=before, summary=name_vi)
    return field


def seed_procedure_fields(path: Path) -> int:
    """Load procedure fields from a CSV (code,name_vi,name_en); existing codes are left alone."""
    existing = set(db.session.scalars(select(ProcedureField.code)))
    added = 0
    with path.open(encoding="utf-8") as handle:
        for position, row in enumerate(csv.DictReader(handle), start=1):
            if row["code"] in existing:
                continue
            db.session.add(
                ProcedureField(
                    code=row["code"], name_vi=row["name_vi"], name_en=row["name_en"], position=position
                )
            )
            added += 1
    return added


def active_fields() -> list[ProcedureField]:
    """Procedure fields in display order."""
    return list(
        db.session.scalars(
            select(ProcedureField).where(ProcedureField.active).order_by(ProcedureField.position)
        )
    )
