"""`flask seed-demo`: today's Hà Nội, built the way it came about, with its history.

The demo replays the 2025 reform with the platform's own services, in the order things happened:
1. the pre-reform organisation (data/units.csv: districts, their wards and communes, one-stop shops,
   district departments, under their pre-2025 GSO codes as vietnam-provinces 0.6.0, the pre-reform list,
   gives them: Quận Đồ Sơn is 308, its wards 11455–11467 and 11737) with its counters and staff;
2. each feature's history up to 30/6/2025 at those units (`seed_history` of kiosk, SIPAS, dialogue);
3. the reform of 1/7/2025 (`seed_reform`): the shipped Hà Nội mapping (org/data, which also holds the
   wards of the former Quận Đồ Sơn) through org.reorganisation, the districts closed without successor,
   then the official list of Hà Nội and Hải Phòng (org.official, as `units import-official --province`
   does). Reorganisation first: the new communes reuse old codes (Phường Tây Hồ took 00103, the code
   of Phường Xuân La), and the import never renames a unit that holds data, so applied in the other
   order it would have to hold the old wards back instead of opening the new ones. Then today's
   structure (data/units_2025.csv, staff_2025.csv): the Sở after the 2025 mergers of Hà Nội and Hải Phòng,
   Hà Nội's centre and its branches (with counters and staff, where kiosks stand), and for the communes
   that succeed the demo wards a Trung tâm Phục vụ hành chính công with counters and staff, and their
   three departments;
4. the demo users, at today's units; 5. each feature's data since 1/7/2025 (`seed` of each module).
Every step adds nothing when its data are already there.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import select, update

from survey_app.auth.services import create_user
from survey_app.dialogue.demo import seed as dialogue
from survey_app.dialogue.demo import seed_history as dialogue_history
from survey_app.dossiers.demo import seed as dossiers
from survey_app.extensions import db
from survey_app.kiosk.demo import seed as kiosk
from survey_app.kiosk.demo import seed_history as kiosk_history
from survey_app.models import Counter, Role, Staff, Unit, UnitKind, UnitStatus, User
from survey_app.org.official import import_official
from survey_app.org.procedure_fields import seed_procedure_fields
from survey_app.org.reorganisation import reorganise_file
from survey_app.org.services import get_unit_by_code, rebuild_closure
from survey_app.org.transfer import import_units_file
from survey_app.sipas.demo import seed as sipas
from survey_app.sipas.demo import seed_history as sipas_history

DATA = Path(__file__).resolve().parent / "data"
REFERENCE_DATA = Path(__file__).resolve().parents[1] / "data"
HANOI_2025 = Path(__file__).resolve().parents[1] / "org" / "data" / "reorganisation_hanoi_2025.csv"
REFORM = date(2025, 7, 1)
PROVINCES = ["01", "31"]  # Hà Nội and Hải Phòng (Đồ Sơn)

# Fixed so the README can list them; a real deployment creates its own users. Today's units: Phường Tây
# Hồ (00103, since 1/7/2025), its Trung tâm Phục vụ hành chính công, Thành phố Hà Nội.
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.admin, "01", "demo-Admin-2026"),
    ("tayho.admin", "Nguyễn Thu Hà", Role.unit_admin, "00103", "demo-UnitAdmin-2026"),
    ("tayho.official", "Trần Minh Đức", Role.official, "00103", "demo-Official-2026"),
    ("tayho.centre", "Lê Thị Hồng", Role.official, "00103-TT", "demo-Official-2026"),
    ("tayho.leader", "Phạm Văn Quang", Role.leader, "00103", "demo-Leader-2026"),
    ("hanoi.leader", "Đỗ Thị Lan", Role.leader, "01", "demo-Leader-2026"),
]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a demo data file; lines starting with # are notes on where the data come from."""
    with path.open(encoding="utf-8") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


def _add_staff(path: Path) -> int:
    """Counters and staff of a staff file (unit_code,counter_code,counter_name,full_name,title)."""
    added = 0
    for row in _rows(path):
        unit = get_unit_by_code(row["unit_code"])
        counter = db.session.scalar(
            select(Counter).where(Counter.unit_id == unit.id, Counter.code == row["counter_code"])
        )
        if counter is None:
            counter = Counter(unit=unit, code=row["counter_code"], name=row["counter_name"])
            db.session.add(counter)
        exists = db.session.scalar(
            select(Staff.id).where(Staff.unit_id == unit.id, Staff.full_name == row["full_name"])
        )
        if exists is None:
            db.session.add(Staff(unit=unit, counter=counter, full_name=row["full_name"], title=row["title"]))
            added += 1
        db.session.flush()
    return added


def seed_organisation() -> Iterator[str]:
    """The pre-reform units, procedure fields, counters and staff from the data files."""
    if get_unit_by_code("003") is not None:
        # Codes are reused after the reform: units.csv must not be applied to today's holders again.
        yield "units: already there"
    else:
        result = import_units_file(DATA / "units.csv")
        if not result.ok:
            raise RuntimeError("demo units.csv is invalid: " + "; ".join(result.errors))
        yield f"units: {result.created} created"
    yield seed_procedure_fields(REFERENCE_DATA / "procedure_fields.csv").summary()
    if get_unit_by_code("003").is_active:
        yield f"staff added: {_add_staff(DATA / 'staff.csv')}"


def _apply(path: Path) -> str:
    result = reorganise_file(path)
    if not result.ok:
        raise RuntimeError(f"demo reorganisation {path.name} refused: " + "; ".join(result.errors[:3]))
    return f"reorganisation {path.name}: {result.summary()}"


def _today_structure() -> int:
    """The Sở, Hà Nội's centre and branches, the new communes' centres and departments (units_2025.csv)."""
    created = 0
    for row in _rows(DATA / "units_2025.csv"):
        if get_unit_by_code(row["code"]) is not None:
            continue
        db.session.add(
            Unit(
                code=row["code"],
                name=row["name"],
                kind=UnitKind(row["kind"]),
                parent=get_unit_by_code(row["parent_code"]),
                status=UnitStatus.active,
                active_from=date.fromisoformat(row["active_from"]) if row["active_from"] else None,
            )
        )
        db.session.flush()  # a branch's centre, listed above it, is its parent
        created += 1
    if created:
        rebuild_closure()
    return created


def seed_reform() -> Iterator[str]:
    """The reform of 1/7/2025, through the platform's services, then today's structure."""
    tay_ho = get_unit_by_code("003")
    if tay_ho is not None and tay_ho.is_active:
        yield _apply(HANOI_2025)
        yield _apply(DATA / "reorganisation_districts_2025.csv")
    for province in PROVINCES:
        result = import_official(province)
        if result.held_back:
            raise RuntimeError("official list held back units with data: " + "; ".join(result.held_back))
        yield f"official list {province}: {result.summary()}"
    yield f"today's centres and departments: {_today_structure()} created"
    # The civil servants of the closed one-stop shops now work at the new centres (staff_2025.csv).
    closed = select(Unit.id).where(Unit.status != UnitStatus.active)
    db.session.execute(
        update(Staff).where(Staff.unit_id.in_(closed), Staff.active.is_(True)).values(active=False)
    )
    yield f"staff at today's centres added: {_add_staff(DATA / 'staff_2025.csv')}"


def seed_users() -> Iterator[str]:
    """One demo user per role; passwords are printed when the user is first created."""
    for username, full_name, role, unit_code, password in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        create_user(
            username=username,
            full_name=full_name,
            role=role,
            unit=get_unit_by_code(unit_code),
            password=password,
        )
        yield f"user {username} ({role.value}, unit {unit_code}) password: {password}"


def history_seeders() -> list[Callable[[], Iterator[str]]]:
    """Each feature module's data up to 30/6/2025 at the pre-reform units, in dependency order."""
    return [kiosk_history, sipas_history, dialogue_history]


def module_seeders() -> list[Callable[[], Iterator[str]]]:
    """Each feature module's data since 1/7/2025 at today's units, in dependency order (the dossiers
    follow the kiosk ratings of both periods, whose dossier codes they carry)."""
    return [kiosk, dossiers, sipas, dialogue]


def seed_all() -> Iterator[str]:
    """Build every piece of demo data; running it again adds nothing."""
    steps = [seed_organisation, *history_seeders(), seed_reform, seed_users, *module_seeders()]
    for seeder in steps:
        yield from seeder()
        db.session.commit()
    # Planner statistics for the tables just filled: SQLite keeps none until ANALYZE runs (PostgreSQL's
    # autovacuum would get there, later); the dashboards' joins over the count cubes depend on them.
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    yield "planner statistics updated (ANALYZE)"
