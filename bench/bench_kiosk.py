"""Kiosk ingest on loopback, on SQLite and PostgreSQL, against LimeSurvey's 67 API responses/s.

A gunicorn server (8 gthread workers × 1 thread by default: with 8 connections the kiosk ingest ran
fastest and steadiest so, against 4 × 2 and 2 × 4, on both backends; with 16, 4 × 4 and 2 × 8 did as well
on PostgreSQL, within this machine's run-to-run noise) serves the app; an asyncio load
generator in this process keeps CONCURRENCY keep-alive connections busy (closed loop, like wrk). Sixteen
by default, two per worker: the kernel hands each new connection to whichever worker accepts first, and
with only one per worker some workers got two or three while others idled (the bare endpoint then gave
2,000 or 3,300 requests/s from one run to the next).

- single-rating POSTs for BENCH_KIOSK_SECONDS (60) from 50 devices, 5% of them replaying an id sent
  before: ratings/s, p50/p99 latency, then a check that every id answered "created" is stored exactly
  once, no replay made a row, and the roll-ups are in step (target ≥ 500/s, p99 < 100 ms, 0 lost/dup);
- a bare Flask JSON endpoint in the same server, same load, half before and half after the ingest (the
  machine's speed drifts): requests/s, and the ratio (target ≥ 0.5);
- the floor: the bare endpoint plus one self-committing INSERT … ON CONFLICT (uuid) DO NOTHING of the
  rating's id into a table with no other index, trigger or check, on a connection the thread keeps: what
  an ingest that commits each rating before answering pays at the least. Its ratio to the bare endpoint
  is the most such an ingest can reach on this machine (one commit per rating: with one thread per
  worker, concurrent requests never share one);
- a 100,000-rating backlog (one device back from a long outage) drained in batches of 500 by one
  client, as the kiosk's queue does it (target < 60 s);
- in process, after the server stopped: BENCH_KIOSK_IN_PROCESS (2000) single-rating POSTs through the
  Flask test client, one at a time: what the application itself spends on a rating (wall and CPU time
  per request, the best of 20 slices: other work on the machine only ever adds to it).

Environment: BENCH_KIOSK_BACKENDS ("sqlite,postgresql"), BENCH_KIOSK_PG_URL (default
postgresql://postgres@127.0.0.1:5432/bench_kiosk, created when missing), BENCH_KIOSK_SECONDS (60),
BENCH_KIOSK_BACKLOG (100000), BENCH_KIOSK_IN_PROCESS (2000), BENCH_KIOSK_CONCURRENCY (16),
BENCH_KIOSK_PORT (5077), BENCH_KIOSK_WORKERS (8) and BENCH_KIOSK_THREADS (1) of gunicorn.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import jsonify, request
from flask_migrate import upgrade

from survey_app import create_app
from survey_app.config import AUTOCOMMIT_BIND
from survey_app.extensions import csrf, db
from survey_app.kiosk.devices import register_device_with_token
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models import Counter, Staff, UnitKind
from survey_app.models.kiosk import KioskRating
from survey_app.org.services import create_unit

FLOOR_TABLE = "bench_floor"

BACKENDS = [b for b in os.environ.get("BENCH_KIOSK_BACKENDS", "sqlite,postgresql").split(",") if b]
PG_URL = os.environ.get("BENCH_KIOSK_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_kiosk")
SQLITE_PATH = Path(os.environ.get("BENCH_KIOSK_SQLITE", "/tmp/bench_kiosk.db"))  # noqa: S108 - throw-away
SECONDS = float(os.environ.get("BENCH_KIOSK_SECONDS", 60))
BACKLOG = int(os.environ.get("BENCH_KIOSK_BACKLOG", 100_000))
IN_PROCESS = int(os.environ.get("BENCH_KIOSK_IN_PROCESS", 2000))
CONCURRENCY = int(os.environ.get("BENCH_KIOSK_CONCURRENCY", 16))
PORT = int(os.environ.get("BENCH_KIOSK_PORT", 5077))
WORKERS = int(os.environ.get("BENCH_KIOSK_WORKERS", 8))
THREADS = int(os.environ.get("BENCH_KIOSK_THREADS", 1))
DEVICES = 50
REPLAY_SHARE = 0.05
ROOT = Path(__file__).resolve().parents[1]


def _url(backend: str) -> str:
    return f"sqlite:///{SQLITE_PATH}" if backend == "sqlite" else PG_URL


def server_app():
    """The app gunicorn serves: the real app plus the bare and floor endpoints to compare against."""
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_KIOSK_DB"],
            "KIOSK_MAX_AGE_DAYS": 3650,
        }
    )

    @csrf.exempt  # like the API blueprints: a bare endpoint that renders an HTML 400 would measure nothing
    def bench_bare():
        return jsonify(ok=True)

    kept = threading.local()  # each server thread's own connection, never returned to the pool

    @csrf.exempt
    def bench_floor():
        item = json.loads(request.get_data())["ratings"][0]
        if not hasattr(kept, "connection"):
            kept.connection = db.engines[AUTOCOMMIT_BIND].raw_connection()
        mark = "?" if db.engines[AUTOCOMMIT_BIND].dialect.name == "sqlite" else "%s"
        cursor = kept.connection.cursor()
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (uuid) VALUES ({mark}) ON CONFLICT (uuid) DO NOTHING RETURNING id",
            (item["id"],),
        )
        created = bool(cursor.fetchall())
        cursor.close()
        return jsonify(results=[{"id": item["id"], "status": "created" if created else "duplicate"}])

    app.add_url_rule("/bench/bare", "bench_bare", bench_bare, methods=["POST"])
    app.add_url_rule("/bench/floor", "bench_floor", bench_floor, methods=["POST"])
    return app


def _prepare(backend: str) -> list[str]:
    """A fresh migrated database with one one-stop shop and DEVICES paired kiosks; their tokens."""
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        base, name = PG_URL.rsplit("/", 1)
        engine = sa.create_engine(f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": _url(backend)})
    with app.app_context():
        if backend == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
        city = create_unit(code="01", name="Thành phố Hà Nội", kind=UnitKind.province, parent=None)
        centre = create_unit(
            code="01-MC", name="Trung tâm Phục vụ hành chính công", kind=UnitKind.centre, parent=city
        )
        counter = Counter(unit=centre, code="Q1", name="Quầy 1")
        db.session.add_all([counter, Staff(unit=centre, counter=counter, full_name="Nguyễn Văn A")])
        db.session.flush()
        tokens = [
            register_device_with_token(centre, counter=None, name=f"Kiosk {i}")[1] for i in range(DEVICES)
        ]
        key = "INTEGER" if backend == "sqlite" else "SERIAL"
        db.session.execute(
            sa.text(f"CREATE TABLE {FLOOR_TABLE} (id {key} PRIMARY KEY, uuid VARCHAR(36) UNIQUE)")
        )
        db.session.commit()
        if backend == "postgresql":  # the schema just built is flushed now, not during the first measurement
            db.session.execute(sa.text("CHECKPOINT"))
        db.engine.dispose()
    return tokens


def _start_server(backend: str) -> subprocess.Popen:
    env = {**os.environ, "BENCH_KIOSK_DB": _url(backend), "PYTHONPATH": str(ROOT)}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        f"--workers={WORKERS}",
        "--worker-class=gthread",
        f"--threads={THREADS}",
        f"--bind=127.0.0.1:{PORT}",
        "--log-level=warning",
        "bench.bench_kiosk:server_app()",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            time.sleep(1.0)  # both workers up
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


async def _exchange(reader, writer, path: str, token: str, body: bytes) -> tuple[int, bytes]:
    """One HTTP/1.1 keep-alive POST; returns (status, body)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    writer.write(head + body)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _sep, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


class Load:
    """What one closed-loop run sent and got back."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.created: set[str] = set()
        self.sent: list[str] = []
        self.replays = 0
        self.replays_created = 0
        self.errors = 0
        self.cpu: dict[str, float] = {}  # role -> CPU µs per request


async def _run(path: str, tokens: list[str], seconds: float, ratings: bool) -> tuple[Load, float]:
    load = Load()
    rng = random.Random(7)
    start = datetime.now(UTC) - timedelta(days=20)
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def client(index: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        while time.perf_counter() < deadline:
            number = next(counter)
            token = tokens[number % len(tokens)]
            replay = bool(ratings and load.sent) and rng.random() < REPLAY_SHARE
            rating_id = rng.choice(load.sent) if replay else str(uuid.uuid4())
            item = {
                "id": rating_id,
                "level": rng.choice(["very_satisfied", "satisfied", "satisfied", "dissatisfied"]),
                "rated_at": (start + timedelta(seconds=10 * number)).isoformat(),
            }
            if item["level"] == "dissatisfied":
                item["reasons"] = ["long_wait"]
            body = json.dumps({"ratings": [item]}).encode()
            began = time.perf_counter()
            try:
                status, answer = await _exchange(reader, writer, path, token, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                load.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
                continue
            load.latencies.append(time.perf_counter() - began)
            if status != 200:
                load.errors += 1
                continue
            if ratings:
                result = json.loads(answer)["results"][0]["status"]
                if replay:
                    load.replays += 1
                    load.replays_created += result == "created" and rating_id not in load.created
                elif result == "created":
                    load.created.add(rating_id)
                    load.sent.append(rating_id)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(CONCURRENCY)))
    return load, time.perf_counter() - started


def _cpu_seconds(server: subprocess.Popen) -> dict[str, float]:
    """CPU seconds used so far by the web server's processes, the database server's, and this one (Linux)."""
    used = {"server": 0.0, "database": 0.0, "load generator": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        pid, name = int(stat.parent.name), text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()  # state, parent, …, user time, system time (12th, 13th)
        parent, user, system = int(fields[1]), int(fields[11]), int(fields[12])
        if server.pid in (pid, parent):
            role = "server"
        elif name.startswith("postgres"):
            role = "database"
        elif pid == os.getpid():
            role = "load generator"
        else:
            continue
        used[role] += (user + system) / os.sysconf("SC_CLK_TCK")
    return used


def _measured(server: subprocess.Popen, path: str, tokens: list[str], seconds: float, ratings: bool):
    """One closed-loop run, with the CPU time per request each party spent (µs)."""
    before = _cpu_seconds(server)
    load, took = asyncio.run(_run(path, tokens, seconds, ratings))
    after = _cpu_seconds(server)
    load.cpu = {role: (after[role] - before[role]) / max(len(load.latencies), 1) * 1e6 for role in after}
    return load, took


def _p(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=1000)[int(q * 1000) - 1] * 1000 if len(values) > 10 else float("nan")
    )


def _check_rows(backend: str, load: Load) -> tuple[int, int, int]:
    """(stored rows, created ids missing from the table, roll-up keys out of step)."""
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": _url(backend)})
    with app.app_context():
        stored = set(db.session.scalars(sa.select(KioskRating.uuid)))
        report = rebuild_rollups()
        db.session.rollback()  # only the report is wanted
        db.engine.dispose()
    return len(stored), len(load.created - stored), sum(report.drift.values())


def _drain_backlog(token: str) -> tuple[float, int]:
    """Post BACKLOG ratings in batches of 500 from one device, one request at a time."""
    start = datetime.now(UTC) - timedelta(days=20)
    items = [
        {
            "id": str(uuid.uuid4()),
            "level": "satisfied" if i % 9 else "dissatisfied",
            "reasons": [] if i % 9 else ["long_wait"],
            "rated_at": (start + timedelta(seconds=12 * i)).isoformat(),
        }
        for i in range(BACKLOG)
    ]
    bodies = [json.dumps({"ratings": items[i : i + 500]}).encode() for i in range(0, BACKLOG, 500)]

    async def drain() -> int:
        created = 0
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        for body in bodies:
            status, answer = await _exchange(reader, writer, "/api/v1/kiosk/ratings", token, body)
            assert status == 200, answer[:300]
            created += sum(r["status"] == "created" for r in json.loads(answer)["results"])
        writer.close()
        return created

    started = time.perf_counter()
    created = asyncio.run(drain())
    return time.perf_counter() - started, created


def _in_process(backend: str, token: str) -> tuple[float, float]:
    """IN_PROCESS single-rating POSTs through the test client, one at a time: (wall, CPU) s per request."""
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": _url(backend)})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    start = datetime.now(UTC) - timedelta(days=2)
    bodies = [
        json.dumps(
            {
                "ratings": [
                    {
                        "id": str(uuid.uuid4()),
                        "level": ("very_satisfied", "satisfied", "dissatisfied")[i % 3],
                        "reasons": ["long_wait"] if i % 3 == 2 else [],
                        "rated_at": (start + timedelta(seconds=10 * i)).isoformat(),
                    }
                ]
            }
        )
        for i in range(IN_PROCESS + 200)
    ]
    for body in bodies[:200]:  # warm: statements built, caches filled
        client.post("/api/v1/kiosk/ratings", data=body, headers=headers)
    slices: list[tuple[float, float]] = []
    size = max(IN_PROCESS // 20, 1)
    for first in range(200, len(bodies), size):
        wall, cpu = time.perf_counter(), time.process_time()
        for body in bodies[first : first + size]:
            assert client.post("/api/v1/kiosk/ratings", data=body, headers=headers).status_code == 200
        count = len(bodies[first : first + size])
        slices.append(((time.perf_counter() - wall) / count, (time.process_time() - cpu) / count))
    with app.app_context():
        db.engine.dispose()
    return min(w for w, _c in slices), min(c for _w, c in slices)


def _bench_backend(backend: str, report) -> None:
    name = f"kiosk[{backend}]"
    tokens = _prepare(backend)
    server = _start_server(backend)
    try:
        for path in ("/bench/bare", "/bench/floor"):  # every worker warm, each endpoint compiled
            asyncio.run(_run(path, tokens, 2, ratings=False))
        warm, _seconds = asyncio.run(_run("/api/v1/kiosk/ratings", tokens, 2, ratings=True))
        # The bare endpoint runs before and after the ingest (half the time each): this machine's speed
        # drifts over minutes, and bracketing keeps the drift out of the ratio.
        bare_slice = min(SECONDS, 20) / 2
        before, before_seconds = _measured(server, "/bench/bare", tokens, bare_slice, ratings=False)
        floor, floor_seconds = _measured(server, "/bench/floor", tokens, bare_slice, ratings=False)
        load, seconds = _measured(server, "/api/v1/kiosk/ratings", tokens, SECONDS, ratings=True)
        after, after_seconds = _measured(server, "/bench/bare", tokens, bare_slice, ratings=False)
        rate = len(load.latencies) / seconds
        bare_rate = (len(before.latencies) + len(after.latencies)) / (before_seconds + after_seconds)
        report.add(
            name, f"single-rating POSTs/s ({CONCURRENCY} conns, {SECONDS:.0f} s)", rate, "req/s", "≥ 500"
        )
        report.add(name, "  p50 latency", _p(load.latencies, 0.5), "ms")
        report.add(name, "  p99 latency", _p(load.latencies, 0.99), "ms", "< 100")
        report.add(name, "  vs LimeSurvey API (67 responses/s)", rate / 67, "×")
        report.add(name, "bare Flask JSON endpoint (before + after)", bare_rate, "req/s")
        report.add(name, "  before the ingest", len(before.latencies) / before_seconds, "req/s")
        report.add(name, "  after the ingest", len(after.latencies) / after_seconds, "req/s")
        report.add(
            name, "  bare errors (non-200 / dropped connections)", before.errors + after.errors, "req", "0"
        )
        report.add(name, "  ingest / bare ratio", rate / bare_rate, "", "≥ 0.5")
        floor_rate = len(floor.latencies) / floor_seconds
        report.add(name, "floor: bare + one self-committing INSERT", floor_rate, "req/s")
        report.add(name, "  floor / bare ratio (most a commit per rating allows)", floor_rate / bare_rate, "")
        report.add(name, "  floor errors (non-200 / dropped connections)", floor.errors, "req", "0")
        for label, run in (("bare", before), ("floor", floor), ("ingest", load)):
            for role, micros in run.cpu.items():
                report.add(name, f"  CPU per request, {label}: {role}", micros, "µs")
        report.add(name, "  replays sent (5%)", load.replays, "req")
        load.created |= warm.created  # the warm-up's ratings are stored too
        stored, lost, drift = _check_rows(backend, load)
        report.add(name, "  errors (non-200 / dropped connections)", load.errors, "req", "0")
        report.add(name, "  lost rows (answered created, not stored)", lost, "rows", "0")
        report.add(name, "  replays stored again", load.replays_created, "rows", "0")
        report.add(name, "  rows beyond the ids answered created", stored - len(load.created), "rows", "0")
        report.add(name, "  roll-up keys out of step", drift, "keys", "0")
        took, created = _drain_backlog(tokens[0])
        report.add(name, f"drain {BACKLOG:,} backlog in batches of 500", took, "s", "< 60")
        report.add(name, "  backlog ratings/s", created / took, "ratings/s")
    finally:
        server.terminate()
        server.wait(timeout=30)
    if IN_PROCESS <= 0:  # BENCH_KIOSK_IN_PROCESS=0: the server figures only
        return
    wall, cpu = _in_process(backend, tokens[1])
    report.add(name, f"in process: single-rating POST ({IN_PROCESS} via test client)", wall * 1000, "ms")
    report.add(name, "  CPU time per POST (best slice)", cpu * 1000, "ms")


def run(report) -> None:
    """Every figure, for each configured backend."""
    for backend in BACKENDS:
        _bench_backend(backend, report)
