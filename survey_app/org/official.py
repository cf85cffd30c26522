"""The official list of current units (34 provinces, 3,321 communes since 1/7/2025) and its import.

The list comes from the `vietnam-provinces` package (official codes of the General Statistics Office),
never typed by hand. The import is idempotent and never deletes a unit; it renames, re-kinds or moves
an existing unit only when that unit holds no data (ratings, responses, conferences, devices…): a unit
with data that differs from the official list is held back and named, to go through a reorganisation
(org.reorganisation) that keeps its history under its own code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import vietnam_provinces
from flask_babel import gettext as _
from sqlalchemy import exists, select
from vietnam_provinces import Province, VietNamDivisionType, Ward

from survey_app.audit.service import record
from survey_app.extensions import db
from survey_app.models import Base, Unit, UnitKind, UnitStatus
from survey_app.org.services import OrgError, rebuild_closure

logger = logging.getLogger(__name__)

SOURCE = f"vietnam-provinces {vietnam_provinces.__version__} (data of {vietnam_provinces.__data_version__})"
KINDS = {
    VietNamDivisionType.TINH: UnitKind.province,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitKind.province,
    VietNamDivisionType.PHUONG: UnitKind.ward,
    VietNamDivisionType.XA: UnitKind.commune,
    VietNamDivisionType.DAC_KHU: UnitKind.special_zone,
}
# The communes of the official list are those in force since the two-tier reform of 01/7/2025: a commune
# created by the import opens on that day, so a reorganisation file of 1/7/2025 never takes it for one of
# the old units whose code it reuses (they were open the day before).
COMMUNES_SINCE = date(2025, 7, 1)
# Tables that describe the organisation itself: a unit referenced only by these holds no data.
STRUCTURE_TABLES = {"unit", "unit_closure", "unit_succession", "user_account", "counter", "staff"}


@dataclass(frozen=True)
class OfficialUnit:
    """A current unit of the official list."""

    code: str
    name: str
    kind: UnitKind
    parent_code: str | None


def province_code(number: int) -> str:
    """A province code as the GSO writes it: two digits (01 Hà Nội)."""
    return f"{int(number):02d}"


def commune_code(number: int) -> str:
    """A commune code as the GSO writes it: five digits (00103 Phường Tây Hồ)."""
    return f"{int(number):05d}"


def _province_name(province: Province) -> str:
    """The province's full name; the package leaves out "Tỉnh" (the GSO writes "Tỉnh Cao Bằng")."""
    if province.division_type == VietNamDivisionType.TINH and not province.name.startswith("Tỉnh "):
        return f"Tỉnh {province.name}"
    return province.name


@cache
def official_units() -> dict[str, OfficialUnit]:
    """Every current unit by code: the provinces first, then the communes, in the package's order."""
    units: dict[str, OfficialUnit] = {}
    for province in Province.iter_all():
        code = province_code(province.code)
        units[code] = OfficialUnit(code, _province_name(province), UnitKind.province, None)
    for ward in Ward.iter_all():
        code = commune_code(ward.code)
        units[code] = OfficialUnit(
            code, ward.name, KINDS[ward.division_type], province_code(ward.province_code)
        )
    return units


def official_unit(code: str) -> OfficialUnit | None:
    """The current official unit with a code, if any."""
    return official_units().get(code)


@dataclass
class OfficialImportResult:
    """What an import of the official list did."""

    created: dict[str, int] = field(default_factory=lambda: {"provinces": 0, "communes": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"provinces": 0, "communes": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"provinces": 0, "communes": 0})
    held_back: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return any(self.created.values()) or any(self.updated.values())

    def summary(self) -> str:
        """The counts line the command prints last."""
        return (
            f"provinces: {self.created['provinces']} created, {self.updated['provinces']} updated, "
            f"{self.unchanged['provinces']} unchanged; communes: {self.created['communes']} created, "
            f"{self.updated['communes']} updated, {self.unchanged['communes']} unchanged"
        )


def units_with_data(unit_ids: list[int]) -> set[int]:
    """Those of the units that some data row (outside the organisation's own tables) refers to."""
    if not unit_ids:
        return set()
    found: set[int] = set()
    for table in Base.metadata.sorted_tables:
        if table.name in STRUCTURE_TABLES:
            continue
        for key in table.foreign_keys:
            if key.column.table.name != "unit":
                continue
            for unit_id in unit_ids:
                if unit_id not in found and db.session.scalar(select(exists().where(key.parent == unit_id))):
                    found.add(unit_id)
    return found


def import_official(province: str | None = None) -> OfficialImportResult:
    """Create or bring up to date the current provinces and communes (one province with `province`)."""
    wanted = list(official_units().values())
    if province is not None:
        province = province.strip().zfill(2)
        if official_unit(province) is None or official_unit(province).kind != UnitKind.province:
            raise OrgError(_("%(code)s is not the code of a current province.", code=province))
        wanted = [u for u in wanted if province in (u.code, u.parent_code)]
    active = {
        unit.code: unit for unit in db.session.scalars(select(Unit).where(Unit.status == UnitStatus.active))
    }
    code_of = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    result = OfficialImportResult()
    differing: list[tuple[Unit, OfficialUnit]] = []
    new_units: list[tuple[Unit, OfficialUnit]] = []
    for official in wanted:
        level = "provinces" if official.kind == UnitKind.province else "communes"
        unit = active.get(official.code)
        if unit is None:
            unit = Unit(
                code=official.code,
                name=official.name,
                kind=official.kind,
                status=UnitStatus.active,
                active_from=None if official.kind == UnitKind.province else COMMUNES_SINCE,
            )
            db.session.add(unit)
            active[official.code] = unit
            new_units.append((unit, official))
            result.created[level] += 1
        elif (unit.name, unit.kind, code_of.get(unit.parent_id)) == (
            official.name,
            official.kind,
            official.parent_code,
        ):
            result.unchanged[level] += 1
        else:
            differing.append((unit, official))
    if new_units:
        db.session.flush()  # provinces get their ids before their communes point at them
        for unit, official in new_units:
            if official.parent_code:
                unit.parent_id = active[official.parent_code].id
    holding = units_with_data([unit.id for unit, _official in differing])
    for unit, official in differing:
        level = "provinces" if official.kind == UnitKind.province else "communes"
        if unit.id in holding:
            result.held_back.append(f"{unit.code} {unit.name} → {official.name}")
            result.unchanged[level] += 1
            continue
        unit.name, unit.kind = official.name, official.kind
        unit.parent_id = active[official.parent_code].id if official.parent_code else None
        if official.kind != UnitKind.province:
            unit.active_from = COMMUNES_SINCE  # it holds no data: it becomes the commune of today's list
        result.updated[level] += 1
    if result.changed:
        db.session.flush()
        rebuild_closure()
        record(
            "unit.import_official",
            summary=f"{SOURCE}: {result.summary()}",
            after={
                "source": SOURCE,
                "province": province,
                "created": result.created,
                "updated": result.updated,
            },
        )
    logger.info("official unit import (%s, province %s): %s", SOURCE, province or "all", result.summary())
    if result.held_back:
        logger.info("official unit import held back %d unit(s) that hold data", len(result.held_back))
    return result
