"""`flask seed-demo`: the demo organisation, people and (through each module) months of data."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import select

from survey_app.auth.services import create_user
from survey_app.dialogue.demo import seed as dialogue
from survey_app.dossiers.demo import seed as dossiers
from survey_app.extensions import db
from survey_app.kiosk.demo import seed as kiosk
from survey_app.models import Counter, Role, Staff, User
from survey_app.org.procedure_fields import seed_procedure_fields
from survey_app.org.services import get_unit_by_code
from survey_app.org.transfer import import_units_file
from survey_app.sipas.demo import seed as sipas

DATA = Path(__file__).resolve().parent / "data"
REFERENCE_DATA = Path(__file__).resolve().parents[1] / "data"

# Fixed so the README can list them; a real deployment creates its own users.
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.admin, "01", "demo-Admin-2026"),
    ("tayho.admin", "Nguyễn Thu Hà", Role.unit_admin, "003", "demo-UnitAdmin-2026"),
    ("tayho.official", "Trần Minh Đức", Role.official, "003", "demo-Official-2026"),
    ("buoi.official", "Lê Thị Hồng", Role.official, "00109", "demo-Official-2026"),
    ("tayho.leader", "Phạm Văn Quang", Role.leader, "003", "demo-Leader-2026"),
    ("hanoi.leader", "Đỗ Thị Lan", Role.leader, "01", "demo-Leader-2026"),
]


def seed_organisation() -> Iterator[str]:
    """Units, procedure fields, counters and staff from the data files."""
    result = import_units_file(DATA / "units.csv")
    if not result.ok:
        raise RuntimeError("demo units.csv is invalid: " + "; ".join(result.errors))
    yield f"units: {result.created} created, {result.unchanged} already there"
    yield f"procedure fields added: {seed_procedure_fields(REFERENCE_DATA / 'procedure_fields.csv')}"
    added = 0
    with (DATA / "staff.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
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
                db.session.add(
                    Staff(unit=unit, counter=counter, full_name=row["full_name"], title=row["title"])
                )
                added += 1
            db.session.flush()
    yield f"staff added: {added}"


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


def module_seeders() -> list[Callable[[], Iterator[str]]]:
    """Each feature module's demo data, in dependency order."""
    return [kiosk, dossiers, sipas, dialogue]


def seed_all() -> Iterator[str]:
    """Build every piece of demo data; running it again adds nothing."""
    for seeder in [seed_organisation, seed_users, *module_seeders()]:
        yield from seeder()
        db.session.commit()
    # Planner statistics for the tables just filled: SQLite keeps none until ANALYZE runs (PostgreSQL's
    # autovacuum would get there, later); the dashboards' joins over the count cubes depend on them.
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    yield "planner statistics updated (ANALYZE)"
