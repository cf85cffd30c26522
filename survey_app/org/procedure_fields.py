"""Procedure fields (lĩnh vực): the reference list every feature tags its data with.

The list (survey_app/data/procedure_fields.csv) follows today's ministries. The mergers of 1/3/2025
(Nghị quyết 176/2025/QH15 on the Government's structure) ended four fields named after a ministry:
Lao động - Thương binh và Xã hội (labour to Bộ Nội vụ, social protection to Bộ Y tế, vocational
education to Bộ Giáo dục và Đào tạo), Tài nguyên - Môi trường (Bộ Nông nghiệp và Môi trường), Giao
thông vận tải (Bộ Xây dựng) and Văn hóa - Thông tin (Bộ Văn hóa, Thể thao và Du lịch). Such a field is
never renamed or deleted: old ratings, comments and dossiers keep showing the name they were recorded
with. It is closed to new data from `until` (`ProcedureField.active_to`), and its `successors` are
offered instead. Pickers for new data ask `fields_taking_data(day)`.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import ProcedureField
from survey_app.org.services import OrgError

logger = logging.getLogger(__name__)


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


@dataclass
class SeedResult:
    """What seeding the reference list did."""

    added: int = 0
    superseded: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.added or self.superseded)

    def summary(self) -> str:
        """The line the set-up command prints."""
        return f"procedure fields added: {self.added}, marked as superseded: {self.superseded}"


def seed_procedure_fields(path: Path) -> SeedResult:
    """Bring the stored fields in line with the reference list (code,name_vi,name_en,until,successors).

    Idempotent. A code not stored yet is added (in list order on a fresh platform, after the fields
    already there otherwise). A stored field the list supersedes gets its closing day and successors,
    once: a field an administrator has already given a closing day is left as it is. No name is ever
    changed: a stored name is either the one old data was recorded with or an administrator's wording.
    """
    stored = {field.code: field for field in db.session.scalars(select(ProcedureField))}
    next_position = max((field.position for field in stored.values()), default=0) + 1
    fresh = not stored
    result = SeedResult()
    with path.open(encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=1):
            until = date.fromisoformat(row["until"]) if row.get("until") else None
            successors = " ".join((row.get("successors") or "").split())
            field = stored.get(row["code"])
            if field is None:
                field = ProcedureField(
                    code=row["code"],
                    name_vi=row["name_vi"],
                    name_en=row["name_en"],
                    active=True,
                    position=line if fresh else next_position,
                    active_to=until,
                    successor_codes=successors,
                )
                next_position += 0 if fresh else 1
                db.session.add(field)
                stored[field.code] = field
                result.added += 1
            elif until is not None and field.active_to is None:
                before = snapshot(field)
                field.active_to, field.successor_codes = until, successors
                record("field.update", field, before=before, summary=field.name_vi)
                result.superseded += 1
    if result.changed:
        logger.info("procedure fields seeded: %s", result.summary())
    return result


def fields_taking_data(day: date | None = None) -> list[ProcedureField]:
    """The fields new data dated `day` (today by default) may be tagged with, in display order."""
    day = day or clock.today()
    listing = db.session.scalars(
        select(ProcedureField).where(ProcedureField.active).order_by(ProcedureField.position)
    )
    return [field for field in listing if field.takes_data_on(day)]


def active_fields() -> list[ProcedureField]:
    """The fields offered for new data today (superseded and switched-off ones left out)."""
    return fields_taking_data()


def field_ids_on(day: date) -> dict[str, int]:
    """{code: id} for data dated `day`: a code superseded by then stands for its first successor.

    For generated data (the demo) written with one vocabulary across the reform.
    """
    fields = {f.code: f for f in db.session.scalars(select(ProcedureField))}
    out = {}
    for code in fields:
        field, seen = fields[code], set()
        while field.active_to is not None and day >= field.active_to and field.successor_code_list:
            seen.add(field.code)
            following = fields.get(field.successor_code_list[0])
            if following is None or following.code in seen:
                break
            field = following
        out[code] = field.id
    return out


def field_refusal(field: ProcedureField, day: date) -> str | None:
    """None when data dated `day` may take the field; else a translated sentence naming its successors."""
    if field.takes_data_on(day):
        return None
    if field.active_to is None or day < field.active_to:
        return _("The procedure field %(name)s is switched off.", name=field.name_vi)
    return _(
        "The procedure field %(name)s was replaced on %(date)s by: %(successors)s.",
        name=field.name_vi,
        date=field.active_to.strftime("%d/%m/%Y"),
        successors=successor_names(field) or "–",
    )


def successor_names(field: ProcedureField, language: str = "vi") -> str:
    """The names of the fields that took `field` over, for a refusal or a note ("A; B")."""
    codes = field.successor_code_list
    if not codes:
        return ""
    by_code = {
        f.code: f.name_in(language)
        for f in db.session.scalars(select(ProcedureField).where(ProcedureField.code.in_(codes)))
    }
    return "; ".join(by_code[code] for code in codes if code in by_code)
