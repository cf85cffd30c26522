"""Procedure fields (lĩnh vực): the reference list every feature tags its data with."""

from __future__ import annotations

import csv
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from survey_app.audit.service import record, snapshot
from survey_app.extensions import db
from survey_app.models import ProcedureField
from survey_app.org.services import OrgError


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
