"""Dashboards at national scale: server time of every view and of the public scoreboard, and how much faster
they are than the same figures computed by a plain GROUP BY over the raw tables, on SQLite and PostgreSQL.

Data (generated inside the database engine, so it takes minutes, not hours): 556 units (a national root,
5 provinces × 10 districts × 10 wards), 10,000,000 kiosk ratings over two years in `kiosk_rating` and
the five roll-ups derived from them, two SIPAS campaigns with 1,000,000 responses in all (ward-short
questionnaire: 9 criteria → 9,000,000 answers) and their count cube, 2,000 dialogue conferences with
20,000 comments.

Environment: BENCH_DASH_RATINGS, BENCH_DASH_RESPONSES (scale), BENCH_DASH_BACKENDS ("sqlite,postgresql"),
BENCH_DASH_PG_URL (default postgresql://postgres@127.0.0.1:5432/bench_dash, created when missing),
BENCH_DASH_REPEAT (timed requests per view, default 20), BENCH_DASH_KEEP=1 reuses generated data,
BENCH_DASH_MEASURE=0 only generates it, BENCH_DASH_RAW=0 skips the raw GROUP BYs.
BENCH_DASH_POOLED: "compare" (default) times each kiosk view, SIPAS view and scoreboard with the summaries per
ancestor off ("live", every read pools the unit roll-ups or the SIPAS count cube through unit_closure) and on
("pooled", analytics.kiosk_pooled and analytics.sipas_pooled), alternated live, pooled, live, pooled in one
run; "1" or "0" one mode only; "sipas" the SIPAS views and scoreboards with the SIPAS summaries off and on,
the kiosk ones on (main before and after analytics.sipas_pooled). The pooled mode also reports its first
request after the summaries were cleared (the one that fills them).

BENCH_DASH_TREE=official builds today's map instead of the 556 made-up units: a national root, the official
list through `units import-official` (34 provinces, 3,321 communes) with its provinces put under the root,
and one one-stop centre (Trung tâm Phục vụ hành chính công) per commune, where the kiosks stand and the
ratings, responses and conferences are spread. The views then read: province = Hà Nội (01), "district" =
its first commune (Phường Hoàn Kiếm, 00070), "ward" = that commune's centre. The SQLite file and the
PostgreSQL database get an `_official` suffix so both data sets can be kept side by side.
"""

# ruff: noqa: E501 - generated SQL reads best one statement clause per line, even when long

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from survey_app import create_app
from survey_app.analytics import kiosk_pooled, sipas_pooled
from survey_app.extensions import db
from survey_app.models import Role, Unit, UnitKind, User
from survey_app.models.base import Base
from survey_app.org import official
from survey_app.org.services import rebuild_closure

RATINGS = int(os.environ.get("BENCH_DASH_RATINGS", 10_000_000))
RESPONSES = int(os.environ.get("BENCH_DASH_RESPONSES", 1_000_000))
BACKENDS = [b for b in os.environ.get("BENCH_DASH_BACKENDS", "sqlite,postgresql").split(",") if b]
PG_URL = os.environ.get("BENCH_DASH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_dash")
SQLITE_PATH = Path(
    os.environ.get("BENCH_DASH_SQLITE", Path(__file__).resolve().parents[1] / "instance" / "bench_dash.db")
)
TREE = os.environ.get("BENCH_DASH_TREE", "synthetic")  # or "official": today's 34 provinces, 3,321 communes
if TREE == "official":
    PG_URL += "_official"
    SQLITE_PATH = SQLITE_PATH.with_name(SQLITE_PATH.stem + "_official" + SQLITE_PATH.suffix)
REPEAT = int(os.environ.get("BENCH_DASH_REPEAT", 20))
KEEP = os.environ.get("BENCH_DASH_KEEP") == "1"
MEASURE = os.environ.get("BENCH_DASH_MEASURE", "1") == "1"  # 0: generate the data only
RAW = os.environ.get("BENCH_DASH_RAW", "1") == "1"  # 0: page times only (the raw GROUP BYs take minutes)
POOLED = os.environ.get("BENCH_DASH_POOLED", "compare")  # "compare", "1" (summaries on) or "0" (off)

PROVINCES, DISTRICTS, WARDS = 5, 10, 10
N_WARDS = PROVINCES * DISTRICTS * WARDS  # the units holding data; the official tree sets it (3,321 centres)
DAYS = 730
FIRST_DAY = date(2024, 11, 1)  # two years: 01/11/2024 – 31/10/2026
FIELDS = 20
REASONS = (
    "attitude",
    "long_wait",
    "unclear_guidance",
    "late_result",
    "extra_documents",
    "facilities",
    "other",
)
BENCH_PASSWORD = "bench-only-password"  # noqa: S105 - a throw-away bench database
TARGET_MS = 300.0
TARGET_RATIO = 20.0


# --- set-up ---------------------------------------------------------------------------------


def _make_app(backend: str):
    if backend == "sqlite":
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        _ensure_pg_database(PG_URL)
        url = PG_URL
    return create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def _ensure_pg_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    engine = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _reset_schema(backend: str) -> None:
    if backend == "sqlite":
        db.engine.dispose()
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(revision="heads")


def _exec(sql: str, **params) -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Bulk generation: the rows are built consistent; skip per-row foreign-key triggers.
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
        conn.execute(sa.text(sql), params)


def _numbers(backend: str, n: int) -> str:
    """A FROM clause yielding x = 0 … n-1."""
    if backend == "sqlite":
        return f"(WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x < {n - 1}) SELECT x FROM seq) s"
    return f"generate_series(0::bigint, {n - 1}) AS s(x)"


def _official_tree(say) -> tuple[Unit, Unit, Unit, Unit, int]:
    """Today's map under a national root, a centre per commune: (root, province, commune, centre, first id).

    The centres are added in one flush, so their ids are consecutive like the synthetic wards'.
    """
    global N_WARDS
    session = db.session
    started = time.perf_counter()
    root = Unit(code="VN", name="Cả nước", kind=UnitKind.province)
    session.add(root)
    session.commit()
    result = official.import_official()
    session.commit()
    say(f"import-official: {result.summary()} ({time.perf_counter() - started:.1f} s)")
    session.execute(
        sa.update(Unit).where(Unit.parent_id.is_(None), Unit.id != root.id).values(parent_id=root.id)
    )
    communes = session.scalars(
        sa.select(Unit).where(Unit.kind != UnitKind.province).order_by(Unit.code)
    ).all()
    centres = [
        Unit(
            code=f"{commune.code}-TT",
            name=f"Trung tâm Phục vụ hành chính công {commune.name}",
            kind=UnitKind.centre,
            parent_id=commune.id,
            active_from=commune.active_from,
        )
        for commune in communes
    ]
    session.add_all(centres)
    session.flush()
    N_WARDS = len(centres)
    assert centres[-1].id == centres[0].id + N_WARDS - 1
    rebuild_closure()
    session.commit()
    province = session.scalar(sa.select(Unit).where(Unit.code == "01", Unit.kind == UnitKind.province))
    commune = session.scalar(
        sa.select(Unit).where(Unit.parent_id == province.id).order_by(Unit.code).limit(1)
    )
    centre = session.scalar(sa.select(Unit).where(Unit.parent_id == commune.id))
    say(
        f"official tree: {N_WARDS:,} centres under {len(communes):,} communes ({time.perf_counter() - started:.1f} s)"
    )
    return root, province, commune, centre, centres[0].id


def _synthetic_tree() -> tuple[Unit, Unit, Unit, Unit, int]:
    """A national root, 5 provinces × 10 districts × 10 wards: (root, province, district, ward, first id)."""
    session = db.session
    root = Unit(code="VN", name="Cả nước", kind=UnitKind.province)
    session.add(root)
    session.flush()
    provinces, districts, wards = [], [], []
    for p in range(PROVINCES):
        provinces.append(Unit(code=f"P{p}", name=f"Tỉnh {p + 1}", kind=UnitKind.province, parent_id=root.id))
    session.add_all(provinces)
    session.flush()
    for p, province in enumerate(provinces):
        for d in range(DISTRICTS):
            districts.append(
                Unit(
                    code=f"P{p}D{d}",
                    name=f"Huyện {p + 1}.{d + 1}",
                    kind=UnitKind.district,
                    parent_id=province.id,
                )
            )
    session.add_all(districts)
    session.flush()
    for d, district in enumerate(districts):
        for w in range(WARDS):
            wards.append(
                Unit(
                    code=f"{district.code}W{w}",
                    name=f"Xã {d + 1}.{w + 1}",
                    kind=UnitKind.ward,
                    parent_id=district.id,
                )
            )
    session.add_all(wards)  # one flush: consecutive ids
    session.flush()
    assert wards[-1].id == wards[0].id + N_WARDS - 1
    rebuild_closure()
    return root, provinces[0], districts[0], wards[0], wards[0].id


def _generate(backend: str, say) -> dict:
    """Everything the views read, raw rows first and the roll-ups derived from them."""
    started = time.perf_counter()
    session = db.session
    if TREE == "official":
        root, province, district, ward, ward0 = _official_tree(say)
    else:
        root, province, district, ward, ward0 = _synthetic_tree()
    password = generate_password_hash(BENCH_PASSWORD, method="pbkdf2:sha256:1000")
    users = {
        "admin": User(username="bench_admin", password_hash=password, role=Role.admin, unit_id=root.id),
        "leader": User(
            username="bench_leader", password_hash=password, role=Role.leader, unit_id=district.id
        ),
    }
    session.add_all(users.values())
    session.commit()

    # Devices, counters (3 per ward), one civil servant per counter, 20 procedure fields.
    _exec(
        "INSERT INTO kiosk_device (unit_id, name, status, created_at) "
        f"SELECT {ward0} + x, 'Kiosk', 'active', CURRENT_TIMESTAMP FROM {_numbers(backend, N_WARDS)}"
    )
    _exec(
        "INSERT INTO counter (unit_id, code, name, active) "
        f"SELECT {ward0} + x / 3, 'Q' || (x % 3 + 1), 'Quầy ' || (x % 3 + 1), {_true(backend)} "
        f"FROM {_numbers(backend, N_WARDS * 3)}"
    )
    _exec(
        "INSERT INTO staff (unit_id, counter_id, full_name, title, active, photo_version) "
        f"SELECT unit_id, id, 'Công chức ' || id, '', {_true(backend)}, 0 FROM counter"
    )
    _exec(
        "INSERT INTO procedure_field (code, name_vi, name_en, active, position) "
        f"SELECT 'f' || x, 'Lĩnh vực ' || x, 'Field ' || x, {_true(backend)}, x FROM {_numbers(backend, FIELDS)}"
    )
    ids = {
        name: session.scalar(sa.text(f"SELECT min(id) FROM {name}"))
        for name in ("kiosk_device", "counter", "staff", "procedure_field")
    }
    say(f"units and people ready ({time.perf_counter() - started:.0f} s)")

    # 10,000,000 ratings: ward, day, hour, level mixed by a multiplicative hash of x.
    h = "((x * 2654435761) % 4294967296)"
    w = f"({h} % {N_WARDS})"
    d = f"(({h} / {N_WARDS}) % {DAYS})"
    hour = f"(7 + ({h} / {N_WARDS * DAYS}) % 10)"
    r = "((x * 40503) % 65521 % 100)"
    level = (
        f"CASE WHEN {r} < 40 + {w} % 20 THEN 'very_satisfied' "
        f"WHEN {r} < 72 + {w} % 25 THEN 'satisfied' ELSE 'dissatisfied' END"
    )
    reason_case = (
        "CASE (x / 60) % 7 " + " ".join(f"WHEN {i} THEN '[\"{c}\"]'" for i, c in enumerate(REASONS)) + " END"
    )
    if backend == "sqlite":
        day = f"date('{FIRST_DAY}', '+' || {d} || ' days')"
        rated = f"datetime('{FIRST_DAY}', '+' || {d} || ' days', '+' || ({hour} - 7) || ' hours', '+' || (x % 60) || ' minutes')"
        uuid = "printf('%036d', x)"
    else:
        day = f"(date '{FIRST_DAY}' + {d}::int)"
        rated = f"(timestamptz '{FIRST_DAY} 00:00+07' + make_interval(days => {d}::int, hours => {hour}::int, mins => (x % 60)::int))"
        uuid = "lpad(x::text, 36, '0')"
    reasons = f"CASE WHEN {level} = 'dissatisfied' THEN {reason_case} ELSE '[]' END"
    if backend == "postgresql":
        reasons = f"({reasons})::json"
    _drop_secondary_indexes(backend, "kiosk_rating")
    trigger = _suspend_rollup_trigger(backend)
    chunk = 2_000_000
    for offset in range(0, RATINGS, chunk):
        size = min(chunk, RATINGS - offset)
        numbers = _numbers(backend, size)
        _exec(
            "INSERT INTO kiosk_rating (uuid, device_id, unit_id, counter_id, staff_id, field_id, level, reasons, "
            "rated_at, received_at, local_day, local_hour, flag_state) "
            f"SELECT {uuid}, {ids['kiosk_device']} + {w}, {ward0} + {w}, {ids['counter']} + {w} * 3 + x % 3, "
            f"{ids['staff']} + {w} * 3 + x % 3, {ids['procedure_field']} + (x / 3) % {FIELDS}, {level}, "
            f"{reasons}, "
            f"{rated}, {rated}, {day}, {hour}, 'none' "
            f"FROM (SELECT x + {offset} AS x FROM {numbers}) t"
        )
        say(f"  kiosk_rating: {offset + size:,} rows ({time.perf_counter() - started:.0f} s)")
    _create_secondary_indexes(backend, "kiosk_rating")
    _derive_kiosk_rollups(backend)
    if trigger:
        _exec(trigger)
    say(f"kiosk roll-ups derived ({time.perf_counter() - started:.0f} s)")

    _generate_sipas(backend, ward0, users["admin"].id)
    say(f"SIPAS responses, answers and counts ready ({time.perf_counter() - started:.0f} s)")
    _generate_dialogue(backend, ward0)
    say(f"dialogue ready ({time.perf_counter() - started:.0f} s)")
    _exec("ANALYZE")
    return {
        "generation_s": time.perf_counter() - started,
        "root": root.code,
        "province": province.code,
        "district": district.code,
        "ward": ward.code,
    }


# Covering indexes the dashboards need on the kiosk roll-ups (primary keys start with the day or month,
# so one subtree would otherwise read every unit's rows or do a table lookup per row). Migration 0002_kiosk
# creates them; a database migrated before that gets them here, and the report says so.
DASHBOARD_INDEXES = {
    "ix_kiosk_rollup_unit_cover": "kiosk_rollup (unit_id, day, counter_id, staff_id, field_id, level, n)",
    "ix_kiosk_rollup_month_unit_cover": "kiosk_rollup_month (unit_id, month, counter_id, staff_id, field_id, level, n)",
    "ix_kiosk_unit_day_unit_cover": "kiosk_unit_day (unit_id, day, level, n)",
    "ix_kiosk_unit_month_unit_cover": "kiosk_unit_month (unit_id, month, level, n)",
    "ix_kiosk_heat_unit_cover": "kiosk_heat (unit_id, month, weekday, hour, level, n)",
    "ix_kiosk_reason_month_unit_cover": "kiosk_reason_month (unit_id, month, reason, n)",
}


def _ensure_dashboard_indexes(report, backend: str) -> None:
    inspector = sa.inspect(db.engine)
    for name, target in DASHBOARD_INDEXES.items():
        table = target.split(" ", 1)[0]
        columns = target.split("(", 1)[1].rstrip(")").replace(" ", "").split(",")
        if any(ix["column_names"][: len(columns)] == columns for ix in inspector.get_indexes(table)):
            continue
        _exec(f"CREATE INDEX {name} ON {target}")
        report.add(_bench_name(backend), f"index added by the bench: {target}", 1, "")
    if backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))  # visibility map: index-only scans
    else:
        _exec("ANALYZE")


def _bench_name(backend: str) -> str:
    return f"dashboards[{backend}]" if TREE == "synthetic" else f"dashboards[{backend}, {TREE} tree]"


def _true(backend: str) -> str:
    return "1" if backend == "sqlite" else "true"


def _drop_secondary_indexes(backend: str, table: str) -> None:
    for index in Base.metadata.tables[table].indexes:
        _exec(f"DROP INDEX IF EXISTS {index.name}")
    db.session.commit()


def _create_secondary_indexes(backend: str, table: str) -> None:
    for index in Base.metadata.tables[table].indexes:
        index.create(db.engine, checkfirst=True)


def _suspend_rollup_trigger(backend: str) -> str | None:
    """Drop SQLite's roll-up trigger for the bulk load (roll-ups are derived once after it); its SQL.

    On PostgreSQL the load runs as a replica (see _exec), which fires no ordinary trigger.
    """
    if backend != "sqlite":
        return None

    sql = db.session.scalar(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'kiosk_rating_rollups'")
    )
    db.session.commit()
    if sql:
        _exec("DROP TRIGGER kiosk_rating_rollups")
    return sql


def _derive_kiosk_rollups(backend: str) -> None:
    """The six roll-ups of the data contract, computed once from the raw ratings."""
    if backend == "sqlite":
        month = "date(local_day, 'start of month')"
        weekday = "((CAST(strftime('%w', local_day) AS INTEGER) + 6) % 7)"
        reason = "substr(reasons, 3, length(reasons) - 4)"
    else:
        month = "date_trunc('month', local_day)::date"
        weekday = "(extract(isodow from local_day)::int - 1)"
        reason = "substr(reasons::text, 3, length(reasons::text) - 4)"
    counted = "flag_state IN ('none', 'cleared')"
    _exec(
        "INSERT INTO kiosk_rollup (day, unit_id, counter_id, staff_id, field_id, level, n) "
        "SELECT local_day, unit_id, coalesce(counter_id, 0), coalesce(staff_id, 0), coalesce(field_id, 0), level, "
        f"count(*) FROM kiosk_rating WHERE {counted} "
        "GROUP BY local_day, unit_id, coalesce(counter_id, 0), coalesce(staff_id, 0), coalesce(field_id, 0), level"
    )
    _exec(
        "INSERT INTO kiosk_unit_day (day, unit_id, level, n) "
        "SELECT day, unit_id, level, sum(n) FROM kiosk_rollup GROUP BY day, unit_id, level"
    )
    day_month = month.replace("local_day", "day")
    fine = "unit_id, counter_id, staff_id, field_id, level"
    _exec(
        f"INSERT INTO kiosk_rollup_month (month, {fine}, n) "
        f"SELECT {day_month}, {fine}, sum(n) FROM kiosk_rollup GROUP BY {day_month}, {fine}"
    )
    _exec(
        "INSERT INTO kiosk_unit_month (month, unit_id, level, n) "
        f"SELECT {day_month}, unit_id, level, sum(n) FROM kiosk_unit_day GROUP BY {day_month}, unit_id, level"
    )
    _exec(
        "INSERT INTO kiosk_heat (month, unit_id, weekday, hour, level, n) "
        f"SELECT {month}, unit_id, {weekday}, local_hour, level, count(*) FROM kiosk_rating WHERE {counted} "
        f"GROUP BY {month}, unit_id, {weekday}, local_hour, level"
    )
    _exec(
        "INSERT INTO kiosk_reason_month (month, unit_id, reason, n) "
        f"SELECT {month}, unit_id, {reason}, count(*) FROM kiosk_rating "
        f"WHERE {counted} AND level = 'dissatisfied' GROUP BY {month}, unit_id, {reason}"
    )


CRITERIA = ("S01", "S02", "S03", "S04v2", "S05", "S06", "S07", "S08", "S09")


def _generate_sipas(backend: str, ward0: int, admin_id: int) -> None:
    """Two campaigns (2024, 2025) of the ward-short questionnaire; half the responses each."""
    for year, state in ((2024, "published"), (2025, "closed")):
        _exec(
            "INSERT INTO sipas_campaign (code, name, questionnaire, start_on, end_on, state, channels, created_at) "
            f"VALUES ('SIPAS{year}', 'SIPAS {year}', 'ward-short', '{year}-10-01', '{year}-11-30', '{state}', "
            "'online,paper,phone,interview', CURRENT_TIMESTAMP)"
        )
    campaigns = [
        db.session.scalar(sa.text(f"SELECT id FROM sipas_campaign WHERE code = 'SIPAS{y}'"))
        for y in (2024, 2025)
    ]
    db.session.commit()
    per_campaign = RESPONSES // 2
    channel = "CASE x % 4 WHEN 0 THEN 'online' WHEN 1 THEN 'paper' WHEN 2 THEN 'paper' ELSE 'phone' END"
    submitted = "CURRENT_TIMESTAMP"
    _drop_secondary_indexes(backend, "sipas_response")
    for index, campaign_id in enumerate(campaigns):
        _exec(
            "INSERT INTO sipas_campaign_unit (campaign_id, unit_id, target) "
            f"SELECT {campaign_id}, {ward0} + x, {per_campaign // N_WARDS + 100} FROM {_numbers(backend, N_WARDS)}"
        )
        _exec(
            "INSERT INTO sipas_response (campaign_id, unit_id, external_id, channel, submitted_at, excluded, "
            "exclude_reason, comment) "
            f"SELECT {campaign_id}, {ward0} + (x * 7919) % {N_WARDS}, 'r{index}-' || x, {channel}, {submitted}, "
            f"{'0' if backend == 'sqlite' else 'false'}, '', '' FROM {_numbers(backend, per_campaign)}"
        )
    _create_secondary_indexes(backend, "sipas_response")
    # Answers: value 1–5 (0 = no answer now and then), better in some wards than in others.
    value = (
        "CASE WHEN (r.id * 31 + q.k * 17) % 41 = 0 THEN 0 "
        "WHEN (r.id * 13 + q.k * 7) % 100 < 55 + r.unit_id % 30 THEN 4 + (r.id + q.k) % 2 "
        "ELSE 1 + (r.id + q.k) % 3 END"
    )
    criteria = " UNION ALL ".join(f"SELECT {k} AS k, '{code}' AS code" for k, code in enumerate(CRITERIA))
    _exec(
        "INSERT INTO sipas_answer (response_id, question_code, value) "
        f"SELECT r.id, q.code, {value} FROM sipas_response r CROSS JOIN ({criteria}) q"
    )
    _exec(
        "INSERT INTO sipas_count (campaign_id, unit_id, channel, question_code, value, n) "
        "SELECT r.campaign_id, r.unit_id, r.channel, a.question_code, a.value, count(*) "
        "FROM sipas_answer a JOIN sipas_response r ON r.id = a.response_id WHERE NOT r.excluded "
        "GROUP BY r.campaign_id, r.unit_id, r.channel, a.question_code, a.value"
    )
    _exec(
        "INSERT INTO sipas_unit_n (campaign_id, unit_id, channel, n) "
        "SELECT campaign_id, unit_id, channel, count(*) FROM sipas_response WHERE NOT excluded "
        "GROUP BY campaign_id, unit_id, channel"
    )


def _generate_dialogue(backend: str, ward0: int) -> None:
    """Two conferences per ward a year for two years, ten comments each."""
    conferences = N_WARDS * 4
    if backend == "sqlite":
        held = f"datetime('{FIRST_DAY}', '+' || ((x / {N_WARDS}) * 180 + 30) || ' days')"
        due = "date(c.held_at, '+15 days')"
        answered = "datetime(c.held_at, '+' || (10 + k.k * 2) || ' days')"
    else:
        held = (
            f"(timestamptz '{FIRST_DAY} 02:00+00' + make_interval(days => ((x / {N_WARDS}) * 180 + 30)::int))"
        )
        due = "(c.held_at + interval '15 days')::date"
        answered = "(c.held_at + make_interval(days => (10 + k.k * 2)::int))"
    _exec(
        "INSERT INTO dialogue_conference (host_unit_id, title, chair, co_organiser, held_at, venue, form, scope, "
        "conclusion, state, created_at) "
        f"SELECT {ward0} + x % {N_WARDS}, 'Hội nghị ' || x, '', '', {held}, '', 'conference', '', '', 'closed', "
        f"CURRENT_TIMESTAMP FROM {_numbers(backend, conferences)}"
    )
    categories = ("attitude", "online_services", "procedure_questions", "delays", "other")
    keys = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(10))
    category = "CASE k.k % 5 " + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(categories)) + " END"
    status = "CASE WHEN k.k < 6 THEN 'answered_on_spot' WHEN k.k < 9 THEN 'published' ELSE 'assigned' END"
    on_spot = (
        "CASE WHEN k.k < 6 THEN "
        + _true(backend)
        + " ELSE "
        + ("0" if backend == "sqlite" else "false")
        + " END"
    )
    _exec(
        "INSERT INTO dialogue_comment (conference_id, number, speaker_kind, speaker_name, speaker_organisation, "
        "name_consent, channel, category, content, status, due_on, forwarded_to, answered_on_spot, answered_by, "
        "answer, answered_at, created_at) "
        f"SELECT c.id, k.k + 1, 'individual', '', '', {on_spot}, 'spoken', {category}, 'Nội dung', {status}, "
        f"CASE WHEN k.k >= 6 THEN {due} END, '', {on_spot}, '', '', "
        f"CASE WHEN k.k >= 6 AND k.k < 9 THEN {answered} END, CURRENT_TIMESTAMP "
        f"FROM dialogue_conference c CROSS JOIN ({keys}) k"
    )


# --- the raw GROUP BYs the roll-ups replace --------------------------------------------------


def _raw_kiosk(backend: str, root: str, start: date, end: date, which: str = "all") -> None:
    """The kiosk view's figures straight from kiosk_rating: one plain GROUP BY per chart.

    which: "all" charts, the charts "shown" for a subtree above the detail limit (trend, units, reasons,
    previous period), or the "trend" query alone (a lower bound of the raw cost).
    """
    if backend == "sqlite":
        month = "strftime('%Y-%m', k.local_day)"
        weekday = "strftime('%w', k.local_day)"
        reasons = "k.reasons"
    else:
        month = "to_char(k.local_day, 'YYYY-MM')"
        weekday = "extract(dow from k.local_day)"
        reasons = "k.reasons::text"
    length = (end - start).days + 1
    prev_start = date.fromordinal(start.toordinal() - length)
    base = (
        "FROM kiosk_rating k JOIN unit_closure c ON c.descendant_id = k.unit_id "
        "WHERE c.ancestor_id = (SELECT id FROM unit WHERE code = :root) "
        "AND k.local_day BETWEEN :start AND :end AND k.flag_state IN ('none', 'cleared')"
    )
    child = (
        "FROM kiosk_rating k JOIN unit_closure c ON c.descendant_id = k.unit_id JOIN unit u ON u.id = c.ancestor_id "
        "WHERE u.parent_id = (SELECT id FROM unit WHERE code = :root) "
        "AND k.local_day BETWEEN :start AND :end AND k.flag_state IN ('none', 'cleared')"
    )
    queries = [
        f"SELECT {month}, k.level, count(*) {base} GROUP BY {month}, k.level",
        f"SELECT c.ancestor_id, k.level, count(*) {child} GROUP BY c.ancestor_id, k.level",
        f"SELECT k.field_id, k.level, count(*) {base} GROUP BY k.field_id, k.level",
        f"SELECT k.counter_id, k.level, count(*) {base} GROUP BY k.counter_id, k.level",
        f"SELECT k.staff_id, k.level, count(*) {base} GROUP BY k.staff_id, k.level",
        f"SELECT {reasons}, count(*) {base} AND k.level = 'dissatisfied' GROUP BY {reasons}",
        f"SELECT {weekday}, k.local_hour, k.level, count(*) {base} GROUP BY {weekday}, k.local_hour, k.level",
    ]
    previous = queries[:2]
    if which == "shown":
        queries = [queries[0], queries[1], queries[5]]
    elif which == "trend":
        queries, previous = queries[:1], []
    with db.engine.connect() as conn:
        for sql in queries:
            conn.execute(sa.text(sql), {"root": root, "start": start, "end": end}).all()
        prev_end = date.fromordinal(start.toordinal() - 1)
        for sql in previous:
            conn.execute(sa.text(sql), {"root": root, "start": prev_start, "end": prev_end}).all()


def _raw_sipas(root: str) -> None:
    """The SIPAS view's figures from sipas_answer ⋈ sipas_response: pooled, per child, per campaign."""
    responses = (
        "FROM sipas_answer a JOIN sipas_response r ON r.id = a.response_id "
        "JOIN unit_closure c ON c.descendant_id = r.unit_id "
    )
    queries = [
        f"SELECT r.campaign_id, a.question_code, a.value, count(*) {responses}"
        "WHERE c.ancestor_id = (SELECT id FROM unit WHERE code = :root) AND NOT r.excluded "
        "GROUP BY r.campaign_id, a.question_code, a.value",
        f"SELECT c.ancestor_id, a.question_code, a.value, count(*) {responses}JOIN unit u ON u.id = c.ancestor_id "
        "WHERE u.parent_id = (SELECT id FROM unit WHERE code = :root) AND NOT r.excluded "
        "AND r.campaign_id = (SELECT max(id) FROM sipas_campaign) GROUP BY c.ancestor_id, a.question_code, a.value",
        "SELECT c.ancestor_id, r.channel, count(*) FROM sipas_response r "
        "JOIN unit_closure c ON c.descendant_id = r.unit_id JOIN unit u ON u.id = c.ancestor_id "
        "WHERE (u.parent_id = (SELECT id FROM unit WHERE code = :root) OR u.code = :root) AND NOT r.excluded "
        "GROUP BY c.ancestor_id, r.channel",
    ]
    with db.engine.connect() as conn:
        for sql in queries:
            conn.execute(sa.text(sql), {"root": root}).all()


def _raw_scoreboard(backend: str, root: str, month: date) -> None:
    """The scoreboard's figures from the raw tables: month per child unit, twelve months, SIPAS per child."""
    next_month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    first = date(month.year - 1, month.month, 1)
    _raw_kiosk_some(backend, root, month, next_month, first)
    _raw_sipas(root)


def _raw_kiosk_some(backend: str, root: str, month: date, next_month: date, first: date) -> None:
    mon = "strftime('%Y-%m', k.local_day)" if backend == "sqlite" else "to_char(k.local_day, 'YYYY-MM')"
    with db.engine.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT c.ancestor_id, k.level, count(*) FROM kiosk_rating k "
                "JOIN unit_closure c ON c.descendant_id = k.unit_id JOIN unit u ON u.id = c.ancestor_id "
                "WHERE u.parent_id = (SELECT id FROM unit WHERE code = :root) "
                "AND k.local_day >= :m AND k.local_day < :n GROUP BY c.ancestor_id, k.level"
            ),
            {"root": root, "m": month, "n": next_month},
        ).all()
        conn.execute(
            sa.text(
                f"SELECT {mon}, k.level, count(*) FROM kiosk_rating k "
                "JOIN unit_closure c ON c.descendant_id = k.unit_id "
                "WHERE c.ancestor_id = (SELECT id FROM unit WHERE code = :root) "
                f"AND k.local_day >= :f AND k.local_day < :n GROUP BY {mon}, k.level"
            ),
            {"root": root, "f": first, "n": next_month},
        ).all()


# --- measuring ------------------------------------------------------------------------------


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _time_page(client, url: str) -> tuple[list[float], list[float]]:
    """Server time (wall clock) and this process's CPU time of each request, in ms.

    On a shared machine the wall clock counts the time other processes hold the cores; the CPU time does
    not. On SQLite the database works inside this process, so its CPU time is the request's whole cost
    (what an idle machine's wall clock would show); on PostgreSQL the database's own CPU is not in it.
    """
    for _warm in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples, cpu = [], []
    for _i in range(REPEAT):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return samples, cpu


def _time_raw(function, *args, repeat: int = 1) -> float:
    samples = []
    for _i in range(repeat):
        started = time.perf_counter()
        function(*args)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _login(client, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": BENCH_PASSWORD})
    assert response.status_code == 302, response.status_code


def _measure(backend: str, report, data: dict) -> None:
    name = _bench_name(backend)
    year = "start=01/11/2025&end=31/10/2026"
    quarter = "start=01/07/2026&end=30/09/2026"
    admin = _client("bench_admin")
    leader = _client("bench_leader")
    views = [
        (
            "kiosk national, 12 months (raw: trend query only, a lower bound)",
            admin,
            f"/dashboards/kiosk?unit={data['root']}&{year}",
            (_raw_kiosk, backend, data["root"], date(2025, 11, 1), date(2026, 10, 31), "trend"),
        ),
        (
            "kiosk province, 12 months",
            admin,
            f"/dashboards/kiosk?unit={data['province']}&{year}",
            (_raw_kiosk, backend, data["province"], date(2025, 11, 1), date(2026, 10, 31), "shown"),
        ),
        (
            "kiosk district, 12 months, by week",
            leader,
            f"/dashboards/kiosk?unit={data['district']}&{year}&granularity=week",
            (_raw_kiosk, backend, data["district"], date(2025, 11, 1), date(2026, 10, 31)),
        ),
        (
            "kiosk ward, quarter, by day",
            leader,
            f"/dashboards/kiosk?unit={data['ward']}&{quarter}&granularity=day",
            (_raw_kiosk, backend, data["ward"], date(2026, 7, 1), date(2026, 9, 30)),
        ),
        ("sipas national", admin, f"/dashboards/sipas?unit={data['root']}", (_raw_sipas, data["root"])),
        (
            "sipas province",
            admin,
            f"/dashboards/sipas?unit={data['province']}",
            (_raw_sipas, data["province"]),
        ),
        (
            "sipas district",
            leader,
            f"/dashboards/sipas?unit={data['district']}",
            (_raw_sipas, data["district"]),
        ),
        ("dialogue province, 12 months", admin, f"/dashboards/dialogue?unit={data['province']}&{year}", None),
        ("report district, 12 months", leader, f"/dashboards/report?unit={data['district']}&{year}", None),
        (
            "public scoreboard national",
            None,
            f"/public/{data['root']}?month=10/2026",
            (_raw_scoreboard, backend, data["root"], date(2026, 10, 1)),
        ),
        (
            "public scoreboard province",
            None,
            f"/public/{data['province']}?month=10/2026",
            (_raw_scoreboard, backend, data["province"], date(2026, 10, 1)),
        ),
        (
            "public scoreboard district",
            None,
            f"/public/{data['district']}?month=10/2026",
            (_raw_scoreboard, backend, data["district"], date(2026, 10, 1)),
        ),
    ]
    public = _client(None)
    where = "request + SQLite" if backend == "sqlite" else "request, PostgreSQL's CPU not in it"
    for label, client, url, raw in views:
        kinds = ("sipas", "scoreboard") if POOLED == "sipas" else ("kiosk", "sipas", "scoreboard")
        compared = POOLED in ("compare", "sipas") and any(kind in label for kind in kinds)
        modes = ["0", "1", "0", "1"] if compared else ["0" if POOLED == "0" else "1"]
        for index, mode in enumerate(modes):
            _APP.config["DASHBOARD_POOLED_SIPAS"] = int(mode)
            _APP.config["DASHBOARD_POOLED_MONTHS"] = 1 if POOLED == "sipas" else int(mode)
            if mode == "1" and index == len(modes) - 1 and compared:
                _clear_summaries()
                started, started_cpu = time.perf_counter(), time.process_time()
                assert (client or public).get(url).status_code == 200
                wall, used = (
                    (time.perf_counter() - started) * 1000,
                    (time.process_time() - started_cpu) * 1000,
                )
                report.add(name, f"{label} [pooled]: first request, filling the summaries", wall, "ms")
                report.add(name, f"{label} [pooled]: … its CPU time", used, "ms")
            samples, cpu = _time_page(client or public, url)
            db.session.remove()
            tag = f" [{'pooled' if mode == '1' else 'live'}, round {index // 2 + 1}]" if compared else ""
            report.add(name, f"{label}{tag}: p95 server time", _p95(samples), "ms", f"< {TARGET_MS:.0f}")
            report.add(name, f"{label}{tag}: p95 CPU time ({where})", _p95(cpu), "ms")
        if raw is not None and RAW:
            raw_ms = _time_raw(raw[0], *raw[1:])
            report.add(name, f"{label}: raw GROUP BY", raw_ms, "ms")
            report.add(
                name,
                f"{label}: raw / median page",
                raw_ms / statistics.median(samples),
                "x",
                f">= {TARGET_RATIO:.0f}",
            )


_APP = None


def _client(username: str | None):
    client = _APP.test_client()
    if username:
        _login(client, username)
    return client


def run(report) -> None:
    """Generate the national data set on each backend and time every view against the raw GROUP BYs."""
    global _APP
    for backend in BACKENDS:
        app = _make_app(backend)
        _APP = app
        with app.app_context():

            def say(text: str, backend: str = backend) -> None:
                print(f"   [{backend}] {text}", flush=True)

            reuse = KEEP and _has_data()
            if reuse:
                upgrade(revision="heads")  # tables added since the data was generated (they start empty)
            if reuse and TREE == "official":
                data = _official_codes()
            elif reuse:
                data = {
                    "root": "VN",
                    "province": "P0",
                    "district": "P0D0",
                    "ward": "P0D0W0",
                    "generation_s": 0,
                }
            else:
                _reset_schema(backend)
                data = _generate(backend, say)
                report.add(
                    _bench_name(backend),
                    f"generate {RATINGS:,} ratings + {RESPONSES:,} SIPAS responses",
                    data["generation_s"],
                    "s",
                )
            counts = {
                table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                for table in ("kiosk_rating", "kiosk_rollup", "sipas_response", "sipas_answer", "unit")
            }
            say(f"rows: {counts}")
            _ensure_dashboard_indexes(report, backend)
            if MEASURE:
                _measure(backend, report, data)
            db.session.remove()
            db.engine.dispose()


def _official_codes() -> dict:
    """The codes the views read in a kept official tree (and its number of centres)."""
    global N_WARDS
    N_WARDS = db.session.scalar(sa.select(sa.func.count()).where(Unit.kind == UnitKind.centre))
    commune = db.session.scalar(
        sa.select(Unit.code)
        .where(Unit.parent_id == sa.select(Unit.id).where(Unit.code == "01").scalar_subquery())
        .order_by(Unit.code)
        .limit(1)
    )
    return {
        "root": "VN",
        "province": "01",
        "district": commune,
        "ward": f"{commune}-TT",
        "generation_s": 0,
    }


def _clear_summaries() -> None:
    """Drop the summaries per ancestor (the next pooled request fills them again)."""
    with db.engine.begin() as conn:
        kiosk_pooled.clear(conn)
        sipas_pooled.clear(conn)


def _has_data() -> bool:
    try:
        return bool(db.session.scalar(sa.text("SELECT count(*) FROM kiosk_rating")))
    except sa.exc.DBAPIError:
        db.session.rollback()
        return False
