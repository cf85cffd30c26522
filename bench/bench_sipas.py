"""SIPAS at scale, on SQLite and PostgreSQL, against LimeSurvey 6.4 on this kind of machine.

- public form: complete anonymous submissions per second (every page posted, sequential, one client)
  and the server time of a form page (LimeSurvey: 0.95 submissions/s, 1.4 s page load);
- CSV import of 100,000 sipas-2017 responses (target < 30 s);
- statistics of that campaign (the index report of every unit; LimeSurvey: 5.4 s at 100,000);
- CSV export of the 100,000 raw responses through the download route (LimeSurvey: 79 s);
- the report of a campaign of 1,000,000 responses over 500 wards (target < 2 s). Reports read only the
  count cube, so the cube of 1,000,000 responses is written directly (what the import would leave).

Environment: BENCH_SIPAS_BACKENDS ("sqlite,postgresql"), BENCH_SIPAS_PG_URL (default
postgresql://postgres@127.0.0.1:5432/bench_sipas, created when missing), BENCH_SIPAS_IMPORT (100000),
BENCH_SIPAS_SUBMISSIONS (60).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from survey_app import create_app
from survey_app.analytics.sipas_queries import all_units_report, campaign_report
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import Role, Unit, UnitKind, User
from survey_app.models.sipas import SipasCount, SipasUnitN
from survey_app.org.services import rebuild_closure
from survey_app.sipas.campaigns import change_state, create_campaign, questionnaire_of, set_campaign_unit
from survey_app.sipas.questionnaire import get_questionnaire
from survey_app.sipas.transfer import import_csv

BACKENDS = [b for b in os.environ.get("BENCH_SIPAS_BACKENDS", "sqlite,postgresql").split(",") if b]
PG_URL = os.environ.get("BENCH_SIPAS_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_sipas")
SQLITE_PATH = Path(os.environ.get("BENCH_SIPAS_SQLITE", "/tmp/bench_sipas.db"))  # noqa: S108 - throw-away
IMPORT_N = int(os.environ.get("BENCH_SIPAS_IMPORT", 100_000))
SUBMISSIONS = int(os.environ.get("BENCH_SIPAS_SUBMISSIONS", 60))
BIG_N, BIG_UNITS = 1_000_000, 500


def _ensure_pg_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    engine = sa.create_engine(f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _make_app(backend: str):
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        _ensure_pg_database(PG_URL)
        url = PG_URL
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if backend == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
    return app


def _units():
    """A root, 5 provinces, 50 districts and 500 wards; returns the wards."""
    root = Unit(code="VN", name="Cả nước", kind=UnitKind.province)
    db.session.add(root)
    db.session.flush()
    wards = []
    for p in range(5):
        province = Unit(code=f"P{p}", name=f"Tỉnh {p + 1}", kind=UnitKind.province, parent_id=root.id)
        db.session.add(province)
        db.session.flush()
        for d in range(10):
            district = Unit(
                code=f"P{p}D{d}", name=f"Huyện {p}.{d}", kind=UnitKind.district, parent_id=province.id
            )
            db.session.add(district)
            db.session.flush()
            for w in range(10):
                ward = Unit(
                    code=f"P{p}D{d}W{w}", name=f"Xã {p}.{d}.{w}", kind=UnitKind.ward, parent_id=district.id
                )
                db.session.add(ward)
                wards.append(ward)
    db.session.flush()
    rebuild_closure()
    db.session.commit()
    return root, wards


def _campaign(code: str, version: str, wards, start: date, end: date):
    campaign = create_campaign(
        code=code, name=code, questionnaire=version, start_on=start, end_on=end, owner_unit=None
    )
    for ward in wards:
        set_campaign_unit(campaign, ward, target=100)
    change_state(campaign, "open")
    db.session.commit()
    return campaign


def _timed(fn, repeat: int = 3) -> float:
    """Median seconds of a few runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _bench_backend(backend: str, report) -> None:
    app = _make_app(backend)
    name = f"sipas[{backend}]"
    with app.app_context():
        root, wards = _units()
        today = clock.today()
        admin = User(username="bench", full_name="Bench", role=Role.admin, unit_id=root.id)
        admin.set_password("bench-only-password")
        db.session.add(admin)
        db.session.commit()

        # --- public form ---------------------------------------------------------------------
        _campaign("ONLINE", "sipas-2017", wards[:1], today - timedelta(days=5), today + timedelta(days=5))
        questionnaire = get_questionnaire("sipas-2017")
        rng = random.Random(1)
        url = f"/sipas/s/ONLINE/{wards[0].code}"
        page_times, started = [], time.perf_counter()
        pages = len(questionnaire.elements) + 1
        for _ in range(SUBMISSIONS):
            client = app.test_client()
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200
            page_times.append(time.perf_counter() - t0)
            for number in range(1, pages + 1):
                codes = (
                    [c.code for c in questionnaire.elements[number - 1].criteria]
                    if number <= len(questionnaire.elements)
                    else [q.code for q in questionnaire.demographics]
                )
                data = {code: str(rng.choice(questionnaire.allowed_values(code))) for code in codes}
                reply = client.post(f"{url}?p={number}", data={**data, "go": "next"})
                assert reply.status_code == 302, reply.status_code
        elapsed = time.perf_counter() - started
        report.add(
            name, "public form: complete submissions/s", SUBMISSIONS / elapsed, "1/s", "LimeSurvey 0.95"
        )
        report.add(name, "public form: page server time (median)", statistics.median(page_times) * 1000, "ms",
                   "LimeSurvey 1400")  # fmt: skip

        # --- import 100,000 --------------------------------------------------------------------
        campaign = _campaign("IMPORT", "sipas-2017", wards, today - timedelta(days=60), today)
        codes = questionnaire.criterion_codes
        header = ["response_id", "unit_code", "channel", "submitted_at", *codes]
        lines = [",".join(header)]
        channels = ("online", "paper", "phone", "interview")
        for i in range(IMPORT_N):
            ward = wards[i % len(wards)]
            day = today - timedelta(days=i % 60)
            values = ",".join(str(rng.choice((0, 2, 3, 4, 4, 5, 5))) for _ in codes)
            lines.append(f"r{i},{ward.code},{channels[i % 4]},{day.isoformat()}T09:00:00+07:00,{values}")
        text = "\n".join(lines) + "\n"
        started, cpu = time.perf_counter(), time.process_time()
        result = import_csv(campaign, text)
        db.session.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.ok and result.created == IMPORT_N, result.errors[:3]
        report.add(name, f"import {IMPORT_N:,} responses (CSV, sipas-2017)", seconds, "s", "< 30")
        # CPU of this process (for SQLite the database engine runs in it too): unaffected by other load
        report.add(name, f"import {IMPORT_N:,} responses: process CPU", cpu, "s cpu", "")

        # --- statistics and export at 100,000 --------------------------------------------------
        every_unit = _timed(lambda: all_units_report(db.session, campaign, questionnaire=questionnaire))
        report.add(
            name, f"statistics: report of every unit ({IMPORT_N:,})", every_unit, "s", "LimeSurvey 5.4"
        )
        pooled = _timed(lambda: campaign_report(db.session, campaign, root, questionnaire=questionnaire))
        report.add(name, f"statistics: one pooled unit report ({IMPORT_N:,})", pooled, "s", "")
        client = app.test_client()
        signed_in = client.post("/auth/login", data={"username": "bench", "password": "bench-only-password"})
        assert signed_in.status_code == 302
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/sipas/campaigns/IMPORT/export.csv")
        size = sum(len(chunk) for chunk in response.response)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert response.status_code == 200 and size > IMPORT_N * 40, (response.status_code, size)
        report.add(
            name, f"CSV export of {IMPORT_N:,} raw responses (streamed)", seconds, "s", "LimeSurvey 79"
        )
        report.add(name, "CSV export: process CPU", cpu, "s cpu", "")

        # --- report at 1,000,000 responses over 500 wards (the cube those responses leave) -----
        big = _campaign("BIG", "sipas-2017", wards, today - timedelta(days=60), today)
        per_unit = BIG_N // BIG_UNITS
        cube_rows, n_rows = [], []
        for ward in wards:
            for code in codes:
                weights = [rng.randint(1, 10) for _ in range(6)]
                counts = [per_unit * w // sum(weights) for w in weights]
                counts[5] += per_unit - sum(counts)
                cube_rows += [
                    {
                        "campaign_id": big.id,
                        "unit_id": ward.id,
                        "channel": "paper",
                        "question_code": code,
                        "value": v,
                        "n": n,
                    }
                    for v, n in enumerate(counts)
                ]
            n_rows.append({"campaign_id": big.id, "unit_id": ward.id, "channel": "paper", "n": per_unit})
        db.session.execute(sa.insert(SipasCount), cube_rows)
        db.session.execute(sa.insert(SipasUnitN), n_rows)
        db.session.commit()
        big_questionnaire = questionnaire_of(big)
        units = all_units_report(db.session, big, questionnaire=big_questionnaire)
        assert units[0]["n"] == BIG_N or any(u["n"] == BIG_N for u in units)
        every_unit = _timed(lambda: all_units_report(db.session, big, questionnaire=big_questionnaire))
        report.add(name, "report of 1,000,000 responses, 556 units", every_unit, "s", "< 2")
        cpu = time.process_time()
        all_units_report(db.session, big, questionnaire=big_questionnaire)
        report.add(name, "report of 1,000,000: process CPU", time.process_time() - cpu, "s cpu", "")
        national = _timed(lambda: campaign_report(db.session, big, root, questionnaire=big_questionnaire))
        report.add(name, "pooled national report of 1,000,000", national, "s", "")
        db.session.remove()
        db.engine.dispose()


def run(report) -> None:
    """Every SIPAS figure on each backend."""
    for backend in BACKENDS:
        _bench_backend(backend, report)
