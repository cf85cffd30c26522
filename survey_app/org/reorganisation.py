"""Reorganisations as data: `old_code,new_code,effective_date` files (merges, splits, closings).

One row per old → new pair. On the effective date each old unit closes: *merged* when it has one
successor, *split* when it has several, *closed* when the row leaves new_code empty (a unit dissolved
without successor, e.g. a district on 1/7/2025). It keeps its row, its code and all its history.

THE RULE (one rule for merges and splits; shown on the unit page):
  A successor's figures include the whole history of each of its predecessors. A merge pools: the
  successor's figures are its own data plus its predecessors'. A split shares: each successor shows the
  whole history of the split unit, marked as shared with the other successors — a predecessor's past
  cannot be divided between them (a rating does not say which street it came from). Figures above the
  successors never count it twice: pooled queries go through unit_closure, which holds each (ancestor,
  descendant) pair once, so a province counts the split unit's ratings, responses and comments once
  however many of its successors it contains. The successors' figures of a split must therefore not be
  added up by hand; their common ancestor gives the right total.

Successors: a new code held by an active unit that does not close in the same file is that unit (a
department that absorbs another, a commune that already exists). Otherwise the successor is opened on
the effective date from the official list (org.official), under its province: the General Statistics
Office gives a new commune the code of one of its predecessors (Phường Tây Hồ took 00103, the code of
Phường Xuân La), so the closed unit and its successor may share a code; each keeps its own row.

A closing unit's open one-stop centres and departments that the file does not mention close with it on
the same day: their history stays under the unit (and so reaches its successors through it), and the
successor's own centre takes new data (its kiosks are registered there). Any other open sub-unit (a
ward of a closing district) needs its own row. The file is applied all or nothing, with line numbers;
applying it again changes nothing. Rows whose old code the platform does not hold are skipped and
counted (a national mapping applied to a platform that holds part of the country).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.audit.service import record, snapshot
from survey_app.core.spreadsheets import imported_id_problem
from survey_app.core.text import is_unstorable
from survey_app.extensions import db
from survey_app.models import SuccessionKind, Unit, UnitKind, UnitStatus, UnitSuccession
from survey_app.org import official
from survey_app.org.services import is_open_on, rebuild_closure

HEADER = ["old_code", "new_code", "effective_date"]
# Sub-units that end with the unit they belong to (a ward's one-stop centre, a district's phòng).
CLOSE_WITH_PARENT = (UnitKind.centre, UnitKind.department)
logger = logging.getLogger(__name__)


@dataclass
class ReorganisationResult:
    """What applying a reorganisation file did, or why it did nothing."""

    merged: int = 0
    split: int = 0
    closed: int = 0
    sub_units_closed: int = 0
    opened: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file was valid (and so was applied)."""
        return not self.errors

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.merged or self.split or self.closed or self.opened or self.sub_units_closed)

    def summary(self) -> str:
        """The counts line the command prints last."""
        return (
            f"units merged {self.merged}, split {self.split}, closed {self.closed} "
            f"(with {self.sub_units_closed} centres or departments); successors opened {self.opened}; "
            f"already recorded {self.unchanged}; not held here (skipped) {self.skipped}"
        )


@dataclass
class _Closing:
    """One old unit of the file with its successors' codes, in file order."""

    old_code: str
    effective: date
    lines: list[int]
    new_codes: list[str] = field(default_factory=list)
    unit: Unit | None = None


def _line_errors(lines: list[int], message: str) -> str:
    """A message prefixed by the line number(s) it concerns."""
    label = ", ".join(str(n) for n in lines)
    return _("Line %(line)s: ", line=label) + message


def _parse(text: str) -> tuple[dict[str, _Closing], list[str]]:
    """The file's rows grouped by old code, or the line errors."""
    if is_unstorable(text):  # a NUL: a binary file, or text no database can store
        return {}, [_("The file is not a CSV text file.")]
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != HEADER:
        return {}, [_("Line 1: the header must be %(header)s.", header=",".join(HEADER))]
    closings: dict[str, _Closing] = {}
    seen: dict[tuple[str, str], int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            errors.append(_("Line %(line)d: expected 3 columns, found %(n)d.", line=line_no, n=len(row)))
            continue
        old_code, new_code, when = (cell.strip() for cell in row)
        problems = []
        if old_problem := imported_id_problem(row[0], column="old_code"):
            problems.append(old_problem)
        elif not old_code or len(old_code) > 32:
            problems.append(_("the old code must have 1 to 32 characters"))
        if new_problem := imported_id_problem(row[1], column="new_code"):
            problems.append(new_problem)
        elif len(new_code) > 32:
            problems.append(_("the new code must have at most 32 characters"))
        try:
            effective = date.fromisoformat(when)
        except ValueError:
            problems.append(_("the effective date must be written YYYY-MM-DD"))
            effective = None
        pair = (old_code, new_code)
        if pair in seen:
            problems.append(_("this pair repeats line %(other)d", other=seen[pair]))
        if problems:
            errors.append(_("Line %(line)d: ", line=line_no) + "; ".join(problems) + ".")
            continue
        seen[pair] = line_no
        closing = closings.setdefault(old_code, _Closing(old_code, effective, []))
        if closing.effective != effective:
            errors.append(
                _(
                    "Line %(line)d: %(code)s closes on one date only (line %(other)d says %(date)s).",
                    line=line_no,
                    code=old_code,
                    other=closing.lines[0],
                    date=closing.effective.isoformat(),
                )
            )
            continue
        closing.lines.append(line_no)
        if new_code:
            closing.new_codes.append(new_code)
    for closing in closings.values():
        if not closing.new_codes and len(closing.lines) > 1:
            errors.append(
                _line_errors(
                    closing.lines, _("%(code)s is both closed and succeeded.", code=closing.old_code)
                )
            )
    return closings, errors


def reorganise_csv(text: str) -> ReorganisationResult:
    """Apply a reorganisation; any invalid row means nothing changes."""
    closings, errors = _parse(text)
    if errors:
        return _refused(errors)
    units = list(db.session.scalars(select(Unit)))
    by_code: dict[str, list[Unit]] = {}
    for unit in units:
        by_code.setdefault(unit.code, []).append(unit)
    result = ReorganisationResult()

    def held_on(code: str, day: date) -> Unit | None:
        return next((u for u in by_code.get(code, []) if is_open_on(u, day)), None)

    for closing in closings.values():
        closing.unit = held_on(closing.old_code, closing.effective - timedelta(days=1))
    closing_ids = {c.unit.id for c in closings.values() if c.unit is not None}
    pending = [c for c in closings.values() if c.unit is not None]
    result.skipped = sum(len(c.lines) for c in closings.values() if c.unit is None)

    # Resolve every successor before changing anything.
    successors: dict[tuple[str, date], Unit | official.OfficialUnit] = {}
    for closing in pending:
        for code in closing.new_codes:
            key = (code, closing.effective)
            if key in successors:
                continue
            holder = held_on(code, closing.effective)
            if holder is not None and holder.id not in closing_ids:
                successors[key] = holder
                continue
            listed = official.official_unit(code)
            if listed is None:
                errors.append(
                    _line_errors(
                        closing.lines,
                        _(
                            "%(code)s is neither a unit open on %(date)s nor in the official list.",
                            code=code,
                            date=closing.effective.isoformat(),
                        ),
                    )
                )
            elif listed.parent_code and held_on(listed.parent_code, closing.effective) is None:
                errors.append(
                    _line_errors(
                        closing.lines,
                        _(
                            "province %(code)s is not on the platform: run units import-official "
                            "--province %(code)s first.",
                            code=listed.parent_code,
                        ),
                    )
                )
            else:
                successors[key] = listed
    for closing in pending:
        errors.extend(_check_closing(closing, successors, closing_ids, held_on))
    if errors:
        return _refused(errors)

    # Open the successors that the official list gives (after their code's old holder closes).
    to_close = [c for c in pending if c.unit.is_active]
    to_close.sort(key=lambda c: -_depth(c.unit))  # sub-units close before their parents
    before = {c.unit.id: snapshot(c.unit) for c in to_close}
    for closing in to_close:
        unit = closing.unit
        unit.status = (
            UnitStatus.closed
            if not closing.new_codes
            else UnitStatus.merged
            if len(closing.new_codes) == 1
            else UnitStatus.split
        )
        unit.active_to = closing.effective
    db.session.flush()
    for (code, effective), target in list(successors.items()):
        if isinstance(target, official.OfficialUnit):
            parent = held_on(target.parent_code, effective) if target.parent_code else None
            opened = Unit(
                code=target.code,
                name=target.name,
                kind=target.kind,
                parent=parent,
                status=UnitStatus.active,
                active_from=effective,
            )
            db.session.add(opened)
            by_code.setdefault(code, []).append(opened)
            successors[(code, effective)] = opened
            result.opened += 1
            record("unit.create", opened, summary=f"{opened.code} {opened.name} ({official.SOURCE})")
    db.session.flush()
    for closing in pending:
        if closing.unit.id in before:
            _apply(closing, successors, closing_ids, before[closing.unit.id], result)
        else:
            result.unchanged += len(closing.lines)
    if result.changed:
        db.session.flush()
        rebuild_closure()
    logger.info("reorganisation: %s", result.summary())
    return result


def _check_closing(closing: _Closing, successors: dict, closing_ids: set[int], held_on) -> list[str]:
    """Problems of one old unit: already closed otherwise, passing into itself, open sub-units."""
    unit = closing.unit
    targets = [successors.get((code, closing.effective)) for code in closing.new_codes]
    if any(t is None for t in targets):
        return []  # already reported
    if not unit.is_active:
        recorded = sorted(link.successor.code for link in unit.successor_links)
        if unit.active_to == closing.effective and recorded == sorted(closing.new_codes):
            return []
        return [
            _line_errors(
                closing.lines,
                _(
                    "%(code)s %(name)s was already closed on %(date)s with other successors (%(codes)s).",
                    code=unit.code,
                    name=unit.name,
                    date=unit.active_to.isoformat() if unit.active_to else "–",
                    codes=", ".join(recorded) or "–",
                ),
            )
        ]
    problems = []
    for target in targets:
        if isinstance(target, Unit) and target.id == unit.id:
            problems.append(_("%(code)s cannot succeed itself.", code=unit.code))
        elif isinstance(target, Unit) and _within(target, unit):
            problems.append(
                _("%(code)s cannot pass into its own sub-unit %(sub)s.", code=unit.code, sub=target.code)
            )
    still_open = [
        c.code
        for c in unit.children
        if c.is_active and c.id not in closing_ids and c.kind not in CLOSE_WITH_PARENT
    ]
    if still_open:
        problems.append(
            _(
                "%(code)s closes but its sub-units %(codes)s stay open: add rows for them.",
                code=unit.code,
                codes=", ".join(still_open),
            )
        )
    return [_line_errors(closing.lines, p) for p in problems]


def _apply(
    closing: _Closing, successors: dict, closing_ids: set[int], before: dict, result: ReorganisationResult
) -> None:
    """Record one old unit's successions, close its centres and departments, audit it."""
    unit = closing.unit
    targets = [successors[(code, closing.effective)] for code in closing.new_codes]
    kind = SuccessionKind.merge if len(targets) == 1 else SuccessionKind.split
    for target in targets:
        unit.successor_links.append(
            UnitSuccession(successor=target, effective_on=closing.effective, kind=kind)
        )
    for child in list(unit.children):
        if child.is_active and child.id not in closing_ids and child.kind in CLOSE_WITH_PARENT:
            child_before = snapshot(child)
            child.status, child.active_to = UnitStatus.closed, closing.effective
            result.sub_units_closed += 1
            record(
                "unit.close",
                child,
                before=child_before,
                summary=f"{child.code} {child.name} (with {unit.code})",
            )
    if unit.status == UnitStatus.merged:
        result.merged += 1
    elif unit.status == UnitStatus.split:
        result.split += 1
    else:
        result.closed += 1
    arrow = ", ".join(t.code for t in targets) or "–"
    record(
        "unit.reorganise",
        unit,
        before=before,
        summary=f"{unit.code} {unit.name} → {arrow} ({unit.status.value}, {closing.effective.isoformat()})",
    )
    logger.info("unit %s %s on %s → %s", unit.code, unit.status.value, closing.effective.isoformat(), arrow)


def _depth(unit: Unit) -> int:
    """How many parents a unit has (sub-units close before their parents)."""
    depth, node = 0, unit.parent
    while node is not None:
        depth, node = depth + 1, node.parent
    return depth


def _within(candidate: Unit, root: Unit) -> bool:
    """Whether candidate lies below root in the parent tree."""
    node = candidate.parent
    while node is not None:
        if node.id == root.id:
            return True
        node = node.parent
    return False


def _refused(errors: list[str]) -> ReorganisationResult:
    """A result that applies nothing."""
    logger.info("reorganisation refused: %d problem(s), first: %s", len(errors), errors[0].split(":")[0])
    return ReorganisationResult(errors=errors)


def reorganise_file(path: Path) -> ReorganisationResult:
    """Apply a reorganisation from a UTF-8 CSV file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ReorganisationResult(errors=[_("The file is not UTF-8 text.")])
    return reorganise_csv(text)
