"""`flask seed-demo` builds a realistic, idempotent demo organisation from the source articles."""

import csv
from pathlib import Path

from sqlalchemy import func, select

from survey_app.demo.seed import DATA, DEMO_USERS
from survey_app.extensions import db
from survey_app.models import Staff, Unit, UnitKind, User
from tests.conftest import login
from tests.shared import shared_dir


def run_seed(app) -> list[str]:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_builds_tay_ho_with_its_eight_wards_and_twelve_departments(app):
    run_seed(app)
    tay_ho = db.session.scalar(select(Unit).where(Unit.code == "003"))
    assert tay_ho.name == "Quận Tây Hồ" and tay_ho.parent.code == "01"
    children = db.session.scalars(select(Unit).where(Unit.parent_id == tay_ho.id)).all()
    wards = sorted(u.name for u in children if u.kind == UnitKind.ward)
    assert len(wards) == 8 and "Phường Bưởi" in wards and "Phường Quảng An" in wards
    # The 2018 conference article: "12 phòng ban chuyên môn" of the district.
    assert sum(u.kind == UnitKind.department for u in children) == 12
    centre = db.session.scalar(select(Unit).where(Unit.code == "00109-MC"))
    assert centre.kind == UnitKind.centre and count(Staff, Staff.unit_id == centre.id) >= 2


def test_seed_is_idempotent_and_prints_passwords_once(app):
    first = run_seed(app)
    units, staff, users = count(Unit), count(Staff), count(User)
    second = run_seed(app)
    assert (count(Unit), count(Staff), count(User)) == (units, staff, users)
    assert any("demo-Admin-2026" in line for line in first)
    assert not any("password" in line for line in second)


def test_every_demo_user_can_sign_in_with_the_listed_password(app, client):
    run_seed(app)
    readme = (Path(app.root_path).parent / "README.md").read_text(encoding="utf-8")
    for username, _name, _role, _unit, password in DEMO_USERS:
        assert username in readme and password in readme
        response = login(client, username, password)
        assert response.status_code == 302, username
        client.delete_cookie("session")


def test_demo_districts_come_from_the_source_articles():
    """Every demo district is one the articles in ../shared/seeds describe."""
    text = " ".join(p.read_text(encoding="utf-8") for p in (shared_dir() / "seeds").glob("*.txt"))
    with (DATA / "units.csv").open(encoding="utf-8") as handle:
        districts = [row["name"] for row in csv.DictReader(handle) if row["kind"] == "district"]
    for name in districts:
        assert name.split(" ", 1)[1] in text, name
