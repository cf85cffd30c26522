"""Dialogue conference with 500 comments: server time of its pages (target < 300 ms for the ledger page).

Every page is requested in-process through the WSGI app (Flask's test client), so the figure is the
server's own time, without network. Data: a district with 12 departments and one conference with 500
comments (realistic Vietnamese text; half answered on the spot, the rest assigned, answered, forwarded
or overdue, each with its status history), written through the feature's services.

Environment: BENCH_DIALOGUE_BACKENDS ("sqlite,postgresql"), BENCH_DIALOGUE_PG_URL (default
postgresql://postgres@127.0.0.1:5432/bench_dialogue, created when missing; its schema is dropped),
BENCH_DIALOGUE_COMMENTS (500), BENCH_DIALOGUE_REPEAT (timed requests per page, default 20).
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from survey_app import create_app
from survey_app.core.clock import recorded_at
from survey_app.dialogue.comments import CommentInput, add_comment, answer_in_writing, forward
from survey_app.dialogue.conferences import ConferenceData, change_state, create_conference
from survey_app.dialogue.demo import load_data
from survey_app.extensions import db
from survey_app.models import Role, UnitKind, User
from survey_app.org.services import create_unit

BACKENDS = [b for b in os.environ.get("BENCH_DIALOGUE_BACKENDS", "sqlite,postgresql").split(",") if b]
PG_URL = os.environ.get("BENCH_DIALOGUE_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_dialogue")
COMMENTS = int(os.environ.get("BENCH_DIALOGUE_COMMENTS", 500))
REPEAT = int(os.environ.get("BENCH_DIALOGUE_REPEAT", 20))
PASSWORD = "bench-only-password-1"  # noqa: S105 - a throw-away bench database
TARGET_MS = 300.0
DEPARTMENTS = ["VP", "TP", "TCKH", "QLDT", "TNMT", "LDTBXH", "KT", "VHTT", "YT", "GDDT", "NV", "DQLTTXD"]


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
    url = f"sqlite:///{workdir / 'bench_dialogue.db'}" if backend == "sqlite" else PG_URL
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(revision="heads")
    return app


def _build(app) -> int:
    """The organisation, an official and a conference with COMMENTS comments; the conference id."""
    with app.app_context():
        city = create_unit(code="01", name="Thành phố Hà Nội", kind=UnitKind.province, parent=None)
        district = create_unit(code="003", name="Quận Tây Hồ", kind=UnitKind.district, parent=city)
        departments = [
            create_unit(
                code=f"003-{s}", name=f"Phòng {s} quận Tây Hồ", kind=UnitKind.department, parent=district
            )
            for s in DEPARTMENTS
        ]
        user = User(username="bench.official", full_name="Trần Minh Đức", role=Role.official, unit=district)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        held_at = datetime(2026, 6, 5, 1, 0, tzinfo=UTC)
        conference = create_conference(
            ConferenceData(
                title="Hội nghị đối thoại với tổ chức, cá nhân về thủ tục hành chính năm 2026",
                held_at=held_at,
                chair="Chủ tịch UBND quận",
                co_organiser="Ủy ban MTTQ quận",
                venue="Hội trường UBND quận",
                invitee_ids=[d.id for d in departments],
            ),
            district,
            user,
        )
        change_state(conference, "start", user)
        pool = load_data("demo_comments.json")["comments"]
        for i in range(COMMENTS):
            item = pool[i % len(pool)]
            department = departments[i % len(departments)]
            on_spot = i % 2 == 0
            comment = add_comment(
                conference,
                CommentInput(
                    content=f"{item['content']} (ý kiến {i + 1})",
                    category=item["category"],
                    speaker_name="Nguyễn Văn An" if i % 7 == 0 else "",
                    speaker_organisation=item.get("organisation", ""),
                    outcome="on_spot" if on_spot else "written",
                    answered_by="Trưởng phòng" if on_spot else "",
                    answer=item["answer"] if on_spot else "",
                    department_id=department.id,
                    due_on=date(2026, 6, 19) if i % 5 else date(2026, 6, 8),
                ),
                user,
            )
            if not on_spot and i % 3 == 1:
                answer_in_writing(comment, item["answer"], user)
            elif not on_spot and i % 3 == 2 and i % 10 == 5:
                forward(comment, "Sở Xây dựng", user)
        change_state(conference, "close", user)
        db.session.commit()
        return conference.id


def _signed_in_client(app):
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/login", data={"username": "bench.official", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, "bench sign-in failed"
    return client


def _time(client, url: str, repeat: int = REPEAT) -> tuple[float, float, int]:
    """Median and worst server time (ms) of `repeat` requests, after one warm-up; response size."""
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), len(first.get_data())


def run(report) -> None:
    """Time the pages of a conference with COMMENTS comments on each backend."""
    for backend in BACKENDS:
        if backend == "postgresql" and not _pg_ready(PG_URL):
            print(f"   PostgreSQL not reachable at {PG_URL}: skipped", flush=True)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            app = _make_app(backend, Path(tmp))
            started = time.perf_counter()
            conference_id = _build(app)
            print(
                f"   {backend}: {COMMENTS} comments written in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            # Timed on Monday 22/6/2026 09:00 in Hà Nội, so that the comments due 08/6 and 19/6 show overdue.
            with app.app_context(), recorded_at(datetime(2026, 6, 22, 2, 0, tzinfo=UTC)):
                client = _signed_in_client(app)
                pages = [
                    ("conference ledger", f"/dialogue/{conference_id}", TARGET_MS),
                    ("live logging", f"/dialogue/{conference_id}/live", TARGET_MS),
                    ("minutes (HTML)", f"/dialogue/{conference_id}/minutes", TARGET_MS),
                    ("minutes (DOCX)", f"/dialogue/{conference_id}/minutes.docx", None),
                    ("minutes (PDF, 3 requests)", f"/dialogue/{conference_id}/minutes.pdf", None),
                    ("department inbox", "/dialogue/inbox?all=1", None),
                ]
                for name, url, target in pages:
                    # WeasyPrint lays out a 500-comment PDF in seconds: three requests tell its time.
                    median, worst, size = _time(client, url, 3 if url.endswith(".pdf") else REPEAT)
                    label = f"{name}, {COMMENTS} comments, {backend}"
                    report.add(
                        "dialogue", f"{label} median", median, "ms", f"< {target:.0f} ms" if target else ""
                    )
                    report.add("dialogue", f"{label} max", worst, "ms", "")
                    report.add("dialogue", f"{label} size", size / 1024, "KiB", "")
            with app.app_context():
                db.engine.dispose()
