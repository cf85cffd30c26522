# ruff: noqa: E501  (SQL that builds the bench data reads best unwrapped)
"""Dossiers at scale, on SQLite and PostgreSQL (issue 18).

- import of 1,000,000 dossiers from a CSV export (a province's quarter: received over 91 days) through
  the import service the command uses (target < 60 s), then the same file again (all unchanged);
- a province's quarterly report (`unit_report`: cubes, dossiers in progress, the rating link by code)
  over 10,000,000 dossiers (target < 2 s). The 10,000,000 dossiers, their scores and 1,000,000 kiosk
  ratings carrying dossier codes are written directly in SQL (what imports would leave), then the cubes
  are rebuilt from them by `rebuild_cubes` and checked against the raw rows;
- the figures a dashboard asks for (period measures, by month, by procedure, by child unit) through
  dossier_queries: p95 over repeated calls, against a raw GROUP BY of the same quarter over `dossier`.

A province of 12 districts × 20 wards; 200 procedures in 10 fields; three years of dossiers.
Environment: BENCH_DOSSIERS_BACKENDS ("sqlite,postgresql"), BENCH_DOSSIERS_IMPORT (1000000),
BENCH_DOSSIERS_REPORT (10000000), BENCH_DOSSIERS_PG_URL (postgresql://postgres@127.0.0.1:5432/bench_dossiers).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

BACKENDS = [b for b in os.environ.get("BENCH_DOSSIERS_BACKENDS", "sqlite,postgresql").split(",") if b]
PG_URL = os.environ.get("BENCH_DOSSIERS_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_dossiers")
SQLITE_PATH = Path(os.environ.get("BENCH_DOSSIERS_SQLITE", "/tmp/bench_dossiers.db"))  # noqa: S108
IMPORT_N = int(os.environ.get("BENCH_DOSSIERS_IMPORT", 1_000_000))
REPORT_N = int(os.environ.get("BENCH_DOSSIERS_REPORT", 10_000_000))
DISTRICTS, WARDS, PROCEDURES, FIELDS = 12, 20, 200, 10
FIRST_DAY, DAYS = date(2024, 1, 1), 1065  # received from 01/01/2024 to 30/11/2026
QUARTER = (date(2026, 4, 1), date(2026, 6, 30))


def _ensure_pg_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    engine = sa.create_engine(f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _make_app(backend: str):
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.extensions import db

    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        _ensure_pg_database(PG_URL)
        url = PG_URL
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if backend == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
    return app


def _organisation():
    """The province, its districts, then its wards (contiguous ids), and the procedure fields."""
    from survey_app.extensions import db
    from survey_app.models import ProcedureField, Unit, UnitKind
    from survey_app.org.services import rebuild_closure

    province = Unit(code="P01", name="Tỉnh Bench", kind=UnitKind.province)
    db.session.add(province)
    db.session.flush()
    districts = []
    for d in range(DISTRICTS):
        district = Unit(code=f"D{d:02d}", name=f"Huyện {d}", kind=UnitKind.district, parent_id=province.id)
        db.session.add(district)
        districts.append(district)
    db.session.flush()
    wards = []
    for d, district in enumerate(districts):
        for w in range(WARDS):
            ward = Unit(
                code=f"W{d:02d}{w:02d}", name=f"Xã {d}.{w}", kind=UnitKind.ward, parent_id=district.id
            )
            db.session.add(ward)
            wards.append(ward)
    fields = [
        ProcedureField(code=f"f{k}", name_vi=f"Lĩnh vực {k}", name_en=f"Field {k}") for k in range(FIELDS)
    ]
    db.session.add_all(fields)
    db.session.flush()
    rebuild_closure()
    db.session.commit()
    return province, districts, wards, fields


def _csv(n: int, wards, prefix: str) -> str:
    """A province's export of a quarter: n dossiers received over 91 days (most returned, some late, some
    with source scores)."""
    lines = [
        "dossier_code,unit_code,procedure_code,procedure_name,field_code,received_at,due_at,returned_at,"
        "channel,supplement_requests,agencies_contacted,complaint,i2,i5,i6,i8,i9"
    ]
    channels, complaints = ("in_person", "online", "post"), ("none",) * 30 + ("verified", "unfounded")
    for i in range(n):
        received = QUARTER[0] + timedelta(days=(i * 7919) % 91)
        due = received + timedelta(days=3 + i % 12)
        returned = (
            "" if i % 50 == 0 else (due + timedelta(days=(i * 31) % 7 - 3)).isoformat() + "T15:00:00+07:00"
        )
        procedure = (i * 13) % PROCEDURES
        score = "" if i % 2 else str(i % 3)
        lines.append(
            f"{prefix}{i:08d},{wards[i % len(wards)].code},TTHC-{procedure:03d},Thủ tục {procedure},"
            f"f{procedure % FIELDS},{received.isoformat()}T08:30:00+07:00,{due.isoformat()},{returned},"
            f"{channels[i % 3]},{i % 4 // 2},{i % 5 // 3},{complaints[i % 32]},,{score},{score},,{score}"
        )
    return "\n".join(lines) + "\n"


def _bench_import(app, backend: str, report, wards) -> None:
    from survey_app.dossiers import recompute, services
    from survey_app.extensions import db

    name = f"dossiers[{backend}]"
    text = _csv(IMPORT_N, wards, "IMP")
    started, cpu = time.perf_counter(), time.process_time()
    result = services.import_csv(text)
    db.session.commit()
    seconds = time.perf_counter() - started
    assert result.ok and result.created == IMPORT_N, result.errors[:3]
    report.add(name, f"import {IMPORT_N:,} dossiers (CSV, created)", seconds, "s", "< 60")
    report.add(name, f"import {IMPORT_N:,}: process CPU", time.process_time() - cpu, "s cpu", "")
    started = time.perf_counter()
    again = services.import_csv(text)
    db.session.commit()
    assert again.ok and again.unchanged == IMPORT_N
    report.add(
        name, f"re-import {IMPORT_N:,} dossiers (all unchanged)", time.perf_counter() - started, "s", ""
    )
    assert recompute.cube_drift() == {"day": 0, "month": 0, "procedure": 0}
    for table in ("dossier_day", "dossier_month", "dossier", "dossier_procedure"):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.commit()


def _day(backend: str, offset: str) -> str:
    """SQL of FIRST_DAY plus an integer expression of days."""
    if backend == "postgresql":
        return f"(DATE '{FIRST_DAY.isoformat()}' + ({offset})::int)"
    return f"date('{FIRST_DAY.isoformat()}', '+' || ({offset}) || ' days')"


def _load_report_data(backend: str, wards, fields) -> None:
    """REPORT_N dossiers with their scores, and kiosk ratings carrying the codes of 10% of them."""
    from survey_app.dossiers import rating_link
    from survey_app.extensions import db

    first_ward, first_field = wards[0].id, fields[0].id
    db.session.execute(
        sa.text("INSERT INTO dossier_procedure (code, name) VALUES (:c, :n)"),
        [{"c": f"TTHC-{p:03d}", "n": f"Thủ tục {p}"} for p in range(PROCEDURES)],
    )
    first_procedure = db.session.scalar(sa.text("SELECT min(id) FROM dossier_procedure"))
    received = _day(backend, f"(i * 7919) % {DAYS}")
    due = _day(backend, f"(i * 7919) % {DAYS} + 3 + i % 12")
    returned_offset = f"(i * 7919) % {DAYS} + 3 + i % 12 + (i * 31) % 7 - 3"
    returned = f"CASE WHEN i % 50 = 0 THEN NULL ELSE {_day(backend, returned_offset)} END"
    timing = "CASE WHEN (i * 31) % 7 < 3 THEN 2 WHEN (i * 31) % 7 = 3 THEN 1 ELSE 0 END"
    stamp = "|| ' 01:30:00.000000'" if backend == "sqlite" else ""
    select = f"""
      SELECT 'BIG' || i, {first_ward} + i % {len(wards)}, {first_procedure} + (i * 13) % {PROCEDURES},
        {first_field} + ((i * 13) % {PROCEDURES}) % {FIELDS}, 'online',
        {received} {stamp}, {due} {stamp}, CASE WHEN i % 50 = 0 THEN NULL ELSE {_day(backend, returned_offset)} {stamp} END,
        {received}, {due}, {returned}, i % 4 / 2, i % 5 / 3, 'none',
        CASE WHEN i % 50 = 0 THEN NULL ELSE {timing} END, CASE WHEN i % 50 = 0 THEN NULL ELSE {timing} END,
        CASE WHEN i % 50 = 0 THEN NULL WHEN i % 4 / 2 = 0 THEN 2 ELSE 1 END,
        CASE WHEN i % 50 = 0 THEN NULL WHEN i % 5 / 3 = 0 THEN 2 ELSE 1 END,
        CASE WHEN i % 50 = 0 OR i % 2 = 1 THEN NULL ELSE i % 3 END,
        CASE WHEN i % 50 = 0 OR i % 2 = 1 THEN NULL ELSE i % 3 END,
        CASE WHEN i % 50 = 0 THEN NULL WHEN (i * 31) % 7 < 3 THEN 2 ELSE 1 END,
        NULL, CASE WHEN i % 50 = 0 OR i % 2 = 1 THEN NULL ELSE i % 3 END,
        {"CURRENT_TIMESTAMP" if backend == "postgresql" else "'2026-12-01 00:00:00.000000'"},
        i % 10 = 0
    """
    columns = (
        "code, unit_id, procedure_id, field_id, channel, received_at, due_at, returned_at, received_day, due_day,"
        " returned_day, supplement_requests, agencies_contacted, complaint, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " imported_at, rated"
    )
    step = 1_000_000
    for low in range(1, REPORT_N + 1, step):
        high = min(REPORT_N, low + step - 1)
        if backend == "postgresql":
            source = f"FROM generate_series({low}::bigint, {high}::bigint) AS g(i)"
            db.session.execute(sa.text(f"INSERT INTO dossier ({columns}) {select} {source}"))
        else:
            cte = f"WITH RECURSIVE g(i) AS (SELECT {low} UNION ALL SELECT i + 1 FROM g WHERE i < {high}) "
            db.session.execute(sa.text(f"{cte} INSERT INTO dossier ({columns}) {select} FROM g"))
        db.session.commit()
    # 1,000,000 counted kiosk ratings carrying the codes of every tenth dossier, written after the dossiers
    # (marked rated above, as the link trigger would; triggers off: the kiosk's own roll-ups play no part
    # here and the throw-away database is rebuilt by every run)
    device = db.session.execute(
        sa.text(
            "INSERT INTO kiosk_device (unit_id, name, status, created_at) VALUES (:u, 'b', 'active', :t)"
        ),
        {
            "u": first_ward,
            "t": "2026-01-01 00:00:00.000000" if backend == "sqlite" else "2026-01-01T00:00:00Z",
        },
    )
    del device
    device_id = db.session.scalar(sa.text("SELECT min(id) FROM kiosk_device"))
    if backend == "postgresql":
        db.session.execute(sa.text("ALTER TABLE kiosk_rating DISABLE TRIGGER USER"))
        source = f"FROM generate_series(1, {REPORT_N // 10}) AS g(j)"
        level = "CASE WHEN j % 5 = 0 THEN 'dissatisfied' WHEN j % 2 = 0 THEN 'satisfied' ELSE 'very_satisfied' END"
        db.session.execute(
            sa.text(
                "INSERT INTO kiosk_rating (uuid, device_id, unit_id, level, reasons, dossier_code, rated_at,"
                f" received_at, local_day, local_hour, flag_state) SELECT 'r' || j, {device_id}, {first_ward},"
                f" {level}, '[]', 'BIG' || (j * 10), now(), now(), DATE '2026-01-01', 10, 'none' {source}"
            )
        )
        db.session.execute(sa.text("ALTER TABLE kiosk_rating ENABLE TRIGGER USER"))
    else:
        db.session.execute(sa.text("DROP TRIGGER kiosk_rating_rollups"))
        db.session.execute(sa.text("DROP TRIGGER kiosk_rating_dossier_link"))
        level = "CASE WHEN j % 5 = 0 THEN 'dissatisfied' WHEN j % 2 = 0 THEN 'satisfied' ELSE 'very_satisfied' END"
        db.session.execute(
            sa.text(
                f"WITH RECURSIVE g(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM g WHERE j < {REPORT_N // 10}) "
                "INSERT INTO kiosk_rating (uuid, device_id, unit_id, level, reasons, dossier_code, rated_at,"
                f" received_at, local_day, local_hour, flag_state) SELECT 'r' || j, {device_id}, {first_ward},"
                f" {level}, '[]', 'BIG' || (j * 10), '2026-01-01 03:00:00.000000', '2026-01-01 03:00:00.000000',"
                " '2026-01-01', 10, 'none' FROM g"
            )
        )
    db.session.commit()
    assert rating_link.rated_drift() == 0


def _p95(fn, runs: int = 20) -> tuple[float, float]:
    """(median, p95) seconds of repeated calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times)) - 1)]


def _bench_report(app, backend: str, report, province, districts, wards, fields) -> None:
    from survey_app.analytics import dossier_queries as q
    from survey_app.dossiers import recompute
    from survey_app.dossiers.reports import unit_report
    from survey_app.extensions import db

    name = f"dossiers[{backend}]"
    started = time.perf_counter()
    _load_report_data(backend, wards, fields)
    recompute.rebuild_cubes()
    db.session.commit()
    if backend == "postgresql":
        db.session.execute(sa.text("COMMIT"))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    report.add(
        name, f"load {REPORT_N:,} dossiers + cubes (SQL, set-up)", time.perf_counter() - started, "s", ""
    )
    start, end = QUARTER
    first = unit_report(province, start, end)
    assert first["n_scored"] > 0 and first["rated_share"], first
    assert q.period_measures(db.session, province.id, start, end) == q.raw_period_measures(
        db.session, province.id, start, end
    )
    median, p95 = _p95(lambda: unit_report(province, start, end), runs=5)
    report.add(name, f"province quarterly report ({REPORT_N:,} dossiers)", median, "s", "< 2")
    report.add(name, "  of which the rating link by code", _p95(
        lambda: q.rating_link(db.session, [province.id], start, end, {"satisfied", "very_satisfied"}), runs=3
    )[0], "s", "")  # fmt: skip
    ward_median, _ = _p95(lambda: unit_report(wards[0], start, end), runs=5)
    report.add(name, "ward quarterly report", ward_median, "s", "")

    ids = [province.id, *(d.id for d in districts)]

    def dashboard():
        q.period_measures(db.session, province.id, start, end)
        q.measures_by_month(db.session, province.id, date(2025, 7, 1), end)
        q.measures_by_procedure(db.session, province.id, start, end)
        q.measures_by_ancestor(db.session, ids, start, end)
        q.open_counts(db.session, ids, end, date(2026, 12, 4))

    median, p95 = _p95(dashboard)
    report.add(name, "dashboard figures (cubes), province quarter: p95", p95, "s", "< 0.3")
    raw, _ = _p95(lambda: q.raw_period_measures(db.session, province.id, start, end), runs=3)
    cube, _ = _p95(lambda: q.period_measures(db.session, province.id, start, end), runs=10)
    report.add(name, "raw GROUP BY of the province quarter", raw, "s", "")
    report.add(name, "cube read of the same figures", cube, "s", "")
    report.add(name, "speed-up of the cubes over the raw GROUP BY", raw / cube, "x", ">= 20")


def run(report) -> None:
    """Dossier import and reports on each backend."""
    for backend in BACKENDS:
        app = _make_app(backend)
        with app.app_context():
            province, districts, wards, fields = _organisation()
            if IMPORT_N:
                _bench_import(app, backend, report, wards)
            if REPORT_N:
                _bench_report(app, backend, report, province, districts, wards, fields)
