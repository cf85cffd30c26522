"""Kiosk ingest during a large SIPAS import on SQLite (issue 15: 2 of 114 posts answered 500, worst 15.9 s).

The import runs as the command line does it (`flask sipas import`, its own process); meanwhile KIOSKS
tablets in this process post one rating each every PAUSE seconds to the same database file. Reported:
posts made, posts answered 5xx (target 0; a 503 would be retried by the tablet, a 500 is the defect),
worst and 99th-percentile latency, and the import's own time.

Environment: BENCH_IMPORT_KIOSK_N (responses imported, default 200,000; the issue's run was 1,000,000),
BENCH_IMPORT_KIOSK_TABLETS (4), BENCH_IMPORT_KIOSK_SQLITE (/tmp/bench_import_kiosk.db).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade

from survey_app import create_app
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.kiosk.devices import register_device_with_token
from survey_app.models import UnitKind
from survey_app.org.services import create_unit
from survey_app.sipas.campaigns import change_state, create_campaign, set_campaign_unit
from survey_app.sipas.questionnaire import get_questionnaire

ROOT = Path(__file__).resolve().parents[1]
IMPORT_N = int(os.environ.get("BENCH_IMPORT_KIOSK_N", 200_000))
TABLETS = int(os.environ.get("BENCH_IMPORT_KIOSK_TABLETS", 4))
SQLITE_PATH = Path(os.environ.get("BENCH_IMPORT_KIOSK_SQLITE", "/tmp/bench_import_kiosk.db"))  # noqa: S108
PAUSE = 0.2  # seconds between a tablet's posts
WARDS = 50


def _prepare(csv_path: Path) -> tuple[str, list[str]]:
    """A fresh SQLite database with WARDS wards in an open campaign and TABLETS kiosks; the CSV to import."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{SQLITE_PATH}"
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        city = create_unit(code="01", name="Thành phố", kind=UnitKind.province, parent=None)
        centre = create_unit(code="01-MC", name="Trung tâm", kind=UnitKind.centre, parent=city)
        wards = [
            create_unit(code=f"W{i:03d}", name=f"Phường {i}", kind=UnitKind.ward, parent=city)
            for i in range(WARDS)
        ]
        today = clock.today()
        campaign = create_campaign(
            code="BIG",
            name="BIG",
            questionnaire="sipas-2017",
            start_on=today - timedelta(days=60),
            end_on=today,
            owner_unit=None,
        )
        for ward in wards:
            set_campaign_unit(campaign, ward, target=100)
        change_state(campaign, "open")
        tokens = [
            register_device_with_token(centre, counter=None, name=f"Kiosk {i}")[1] for i in range(TABLETS)
        ]
        db.session.commit()
        codes = get_questionnaire("sipas-2017").criterion_codes
        rng = random.Random(1)
        channels = ("online", "paper", "phone", "interview")
        with csv_path.open("w", encoding="utf-8") as out:
            out.write(",".join(["response_id", "unit_code", "channel", "submitted_at", *codes]) + "\n")
            for i in range(IMPORT_N):
                day = today - timedelta(days=i % 60)
                values = ",".join(str(rng.choice((0, 2, 3, 4, 4, 5, 5))) for _ in codes)
                out.write(
                    f"r{i},W{i % WARDS:03d},{channels[i % 4]},{day.isoformat()}T09:00:00+07:00,{values}\n"
                )
        db.engine.dispose()
    return url, tokens


def _tablet(app, token: str, stop: threading.Event, answers: list[tuple[int, float]]) -> None:
    """Post one rating every PAUSE seconds until stopped; (status, seconds) of each post."""
    client = app.test_client()
    while not stop.is_set():
        item = {"id": str(uuid.uuid4()), "level": "satisfied", "rated_at": datetime.now(UTC).isoformat()}
        started = time.perf_counter()
        try:
            status = client.post(
                "/api/v1/kiosk/ratings",
                json={"ratings": [item]},
                headers={"Authorization": f"Bearer {token}"},
            ).status_code
        except Exception:  # noqa: BLE001 - the testing app raises what a server answers 500
            status = 500
        answers.append((status, time.perf_counter() - started))
        stop.wait(PAUSE)


def run(report) -> None:
    """Kiosk posts concurrent with a SIPAS import of IMPORT_N responses on SQLite."""
    csv_path = SQLITE_PATH.with_suffix(".csv")
    url, tokens = _prepare(csv_path)
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    stop, answers = threading.Event(), []
    tablets = [threading.Thread(target=_tablet, args=(app, t, stop, answers)) for t in tokens]
    for tablet in tablets:
        tablet.start()
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "testing", "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "wsgi",
        "sipas",
        "import",
        str(csv_path),
        "--campaign",
        "BIG",
    ]
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    stop.set()
    for tablet in tablets:
        tablet.join()
    assert finished.returncode == 0, finished.stderr[-2000:]
    name = "import+kiosk[sqlite]"
    latencies = sorted(s for _code, s in answers)
    report.add(name, f"import {IMPORT_N:,} responses while kiosks post", seconds, "s", "")
    report.add(name, "kiosk posts during the import", len(answers), "posts", "")
    report.add(name, "kiosk posts answered 5xx", sum(code >= 500 for code, _s in answers), "posts", "0")
    report.add(name, "kiosk posts answered 500", sum(code == 500 for code, _s in answers), "posts", "0")
    report.add(name, "kiosk post latency: worst", latencies[-1] * 1000 if latencies else 0, "ms", "")
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0
    report.add(name, "kiosk post latency: 99th percentile", p99 * 1000, "ms", "")
    csv_path.unlink(missing_ok=True)
