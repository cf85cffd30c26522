"""The 2026 map: `units import-official` for the whole country (target < 30 s), the Hà Nội reorganisation,
and the admin units page over the resulting tree.

Per backend: (1) on a fresh migrated database, the whole official list (34 provinces, 3,321 communes)
imported through the service the command calls, then imported again (nothing changes); (2) on another
fresh database, the order of a platform that holds history: 532 old units standing for Hà Nội's 526 old
communes and the six wards of the former Quận Đồ Sơn (codes from the shipped mapping, names made up),
the shipped survey_app/org/data/reorganisation_hanoi_2025.csv applied (it opens the 128 new communes
from the official list) and applied again, then the official list imported (the rest of the country);
(3) the admin's /org/units page over those ~3,900 units, server time in-process (median of REPEAT).

Environment: BENCH_ORG_BACKENDS ("sqlite,postgresql"), BENCH_ORG_PG_URL (default
postgresql://postgres@127.0.0.1:5432/bench_org, created when missing; its schema is dropped),
BENCH_ORG_REPEAT (5).
"""

from __future__ import annotations

import csv
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

BACKENDS = [b for b in os.environ.get("BENCH_ORG_BACKENDS", "sqlite,postgresql").split(",") if b]
PG_URL = os.environ.get("BENCH_ORG_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_org")
REPEAT = int(os.environ.get("BENCH_ORG_REPEAT", 5))
PASSWORD = "bench-only-password-1"  # noqa: S105 - a throw-away bench database
MAPPING = (
    Path(__file__).resolve().parents[1] / "survey_app" / "org" / "data" / "reorganisation_hanoi_2025.csv"
)


def _pg_ready(url: str) -> bool:
    """Create the bench database when missing and empty it; False when PostgreSQL is not reachable."""
    base, _, name = url.rpartition("/")
    try:
        engine = sa.create_engine(
            f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        with engine.connect() as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    except sa.exc.OperationalError:
        return False
    return True


def _make_app(backend: str, workdir: Path):
    from flask_migrate import upgrade

    from survey_app import create_app

    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'bench_org.db'}" if backend == "sqlite" else PG_URL
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(revision="heads")
    return app


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def _run_backend(backend: str, report) -> None:
    from survey_app.extensions import db
    from survey_app.models import Role, Unit, UnitKind, User
    from survey_app.org import official, reorganisation
    from survey_app.org.services import rebuild_closure

    name = f"org_{backend}"
    with tempfile.TemporaryDirectory() as tmp:
        app = _make_app(backend, Path(tmp) / "first")
        with app.app_context():

            def import_all():
                result = official.import_official()
                db.session.commit()
                return result

            first, seconds = _timed(import_all)
            assert first.created == {"provinces": 34, "communes": 3321}, first.summary()
            report.add(name, "import-official, whole country (first run)", seconds, "s", "< 30 s")
            second, seconds = _timed(import_all)
            assert not second.changed, second.summary()
            report.add(name, "import-official, whole country (second run, unchanged)", seconds, "s", "< 30 s")
            db.engine.dispose()
        if backend == "postgresql":
            _pg_ready(PG_URL)
        app = _make_app(backend, Path(tmp) / "second")
        with app.app_context():
            with MAPPING.open(encoding="utf-8") as handle:
                old_codes = sorted({row["old_code"] for row in csv.DictReader(handle)})
            hanoi = Unit(code="01", name="Thành phố Hà Nội", kind=UnitKind.province)
            haiphong = Unit(code="31", name="Thành phố Hải Phòng", kind=UnitKind.province)
            district = Unit(
                code="HN-OLD", name="Các quận, huyện cũ (bench)", kind=UnitKind.district, parent=hanoi
            )
            db.session.add_all([hanoi, haiphong, district])
            db.session.add_all(
                Unit(code=code, name=f"Xã cũ {code}", kind=UnitKind.commune, parent=district)
                for code in old_codes
            )
            db.session.flush()
            rebuild_closure()
            admin = User(username="bench.admin", full_name="Quản trị", role=Role.admin, unit=hanoi)
            admin.set_password(PASSWORD)
            db.session.add(admin)
            db.session.commit()
            text = MAPPING.read_text(encoding="utf-8")

            def apply():
                result = reorganisation.reorganise_csv(text)
                db.session.commit()
                return result

            applied, seconds = _timed(apply)
            assert applied.ok and applied.merged + applied.split == len(old_codes), applied.summary()
            report.add(name, f"reorganise Hà Nội file ({len(old_codes)} old units)", seconds, "s")
            again, seconds = _timed(apply)
            assert again.ok and not again.changed, again.summary()
            report.add(name, "reorganise Hà Nội file again (unchanged)", seconds, "s")
            rest, seconds = _timed(import_all)
            assert rest.created["communes"] == 3321 - applied.opened, rest.summary()
            report.add(name, "import-official after the reorganisation (the rest)", seconds, "s", "< 30 s")
            units = db.session.scalar(sa.select(sa.func.count()).select_from(Unit))

        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post(
            "/auth/login", data={"username": "bench.admin", "password": PASSWORD, "csrf_token": token}
        )
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            response = client.get("/org/units")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        report.add(
            name, f"admin /org/units over {units} units (median)", statistics.median(times) * 1000, "ms"
        )
        with app.app_context():
            db.engine.dispose()


def run(report) -> None:
    """Every configured backend (PostgreSQL skipped when unreachable)."""
    for backend in BACKENDS:
        if backend == "postgresql" and not _pg_ready(PG_URL):
            print("   PostgreSQL not reachable: skipped")
            continue
        _run_backend(backend, report)
