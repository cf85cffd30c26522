"""Units in bulk: the CSV import (code,name,kind,parent_code), all or nothing, idempotent."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.audit.service import record
from survey_app.core.spreadsheets import imported_id_problem
from survey_app.core.text import is_unstorable
from survey_app.extensions import db
from survey_app.models import Unit, UnitKind
from survey_app.org.services import rebuild_closure

UNIT_CSV_HEADER = ["code", "name", "kind", "parent_code"]
logger = logging.getLogger(__name__)


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
    if is_unstorable(text):  # a NUL: a binary file, or text no database can store
        return ImportResult(errors=[_("The file is not a CSV text file.")])
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
        if code_problem := imported_id_problem(row[0], column="code"):
            problems.append(code_problem)
        elif not code or len(code) > 32:
            problems.append(_("the code must have 1 to 32 characters"))
        elif code in seen:
            problems.append(_("code %(code)s repeats line %(other)d", code=code, other=seen[code]))
        if not name or len(name) > 200:
            problems.append(_("the name must have 1 to 200 characters"))
        if kind not in UnitKind.__members__:
            problems.append(_("unknown kind %(kind)s (use %(kinds)s)", kind=kind, kinds=", ".join(UnitKind)))
        if parent_problem := imported_id_problem(row[3], column="parent_code"):
            problems.append(parent_problem)
        elif parent_code and parent_code not in seen and parent_code not in existing:
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
