"""Kiosk ingest through faults: every acknowledged rating stored exactly once, roll-ups in step.

For each backend (a SQLite file in a temporary instance directory; PostgreSQL): a freshly migrated
database with one one-stop shop and DEVICES paired kiosks, a gunicorn server (WORKERS gthread workers ×
THREADS threads, APP_ENV=production, plain HTTP on loopback) and CLIENTS client threads posting steady
kiosk load: batches of 1–20 ratings, 5% of the posts replays of a batch the server already acknowledged.
A client treats an answer as the kiosk's queue does: a 200 takes the batch out of its queue; anything
else (a dropped connection, a refused one, a 5xx) keeps it there, to be sent again a moment later.

The faults, at a third and at two thirds of BENCH_FAULTS_SECONDS:
- `kill -9` of one gunicorn worker (the master forks a new one);
- the whole server stopped (SIGTERM, SIGKILL of what is left after GRACE seconds) and started again on
  the same port, the clients retrying meanwhile; the load goes on for a last third once it is up.

After the load (each client's queue sent until empty) the figures: batches and ratings sent, ratings
acknowledged (answered `created` or `duplicate`), acknowledged ids missing from `kiosk_rating` (lost),
rows beyond the distinct ids (duplicated: the unique constraint should make it impossible), replayed
ratings answered `created` again, rows no answer acknowledged, ratings of a batch sent again after a
failed post and answered `duplicate` (stored by the post whose answer was lost with the worker), client
errors, and what
`flask --app wsgi kiosk rebuild-rollup` reports (drift, exit status 1). `run` returns the problems
found: `python -m bench faults` exits non-zero on any lost or duplicated id, or drift.

tests/kiosk/test_faults.py runs a short version of the same scenario in `make test`.

Environment: BENCH_FAULTS_BACKENDS ("sqlite,postgresql"), BENCH_FAULTS_PG_URL (default
postgresql://postgres@127.0.0.1:5432/bench_faults, created when missing), BENCH_FAULTS_SECONDS (75),
BENCH_FAULTS_CLIENTS (4), BENCH_FAULTS_WORKERS (3), BENCH_FAULTS_THREADS (2).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from survey_app import create_app
from survey_app.extensions import db
from survey_app.kiosk.devices import register_device_with_token
from survey_app.models import UnitKind
from survey_app.org.services import create_unit

BACKENDS = [b for b in os.environ.get("BENCH_FAULTS_BACKENDS", "sqlite,postgresql").split(",") if b]
PG_URL = os.environ.get("BENCH_FAULTS_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_faults")
SECONDS = float(os.environ.get("BENCH_FAULTS_SECONDS", 75))
CLIENTS = int(os.environ.get("BENCH_FAULTS_CLIENTS", 4))
WORKERS = int(os.environ.get("BENCH_FAULTS_WORKERS", 3))
THREADS = int(os.environ.get("BENCH_FAULTS_THREADS", 2))
DEVICES = 6
REPLAY_SHARE = 0.05
MAX_BATCH = 20
GRACE = 2.0  # seconds gunicorn's workers get to finish after SIGTERM before SIGKILL
RETRY_PAUSE = 0.2  # seconds a client waits after a failed post before sending its queue again
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RATINGS = "/api/v1/kiosk/ratings"
LEVELS = ["very_satisfied", "satisfied", "satisfied", "satisfied", "dissatisfied"]


@dataclass
class Tally:
    """What the clients sent and what the server answered (shared by the client threads)."""

    batches: int = 0  # posts answered 200, replays included
    replays: int = 0  # posts of a batch already acknowledged
    ratings: int = 0  # distinct ids made
    acknowledged: set[str] = field(default_factory=set)  # answered created or duplicate
    replayed_created: int = 0  # replayed ratings answered `created` again
    retried_duplicates: int = 0  # ratings of a batch sent again after a failed post, answered `duplicate`
    rejected: int = 0  # items answered `rejected` (none is ever made bad)
    errors: dict[str, int] = field(default_factory=dict)  # failed posts by kind (dropped, refused, 5xx…)
    unsent: int = 0  # ratings still unacknowledged when the clients gave up
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


@dataclass
class Outcome:
    """The figures of one backend's run."""

    backend: str
    seconds: float
    tally: Tally
    stored: int  # rows in kiosk_rating
    distinct: int  # distinct uuids in kiosk_rating
    lost: int  # acknowledged ids not stored
    unacknowledged_stored: int  # rows no answer acknowledged (the queues emptied: none expected)
    drift: bool  # rebuild-rollup found roll-ups out of step
    rebuild_output: str
    killed_worker: int
    restarts: int

    @property
    def duplicated(self) -> int:
        return self.stored - self.distinct

    @property
    def problems(self) -> list[str]:
        """What breaks the exactly-once promise (empty when all held)."""
        found = []
        if self.lost:
            found.append(f"{self.backend}: {self.lost} acknowledged ratings lost")
        if self.duplicated:
            found.append(f"{self.backend}: {self.duplicated} ratings stored twice")
        if self.tally.replayed_created:
            found.append(f"{self.backend}: {self.tally.replayed_created} replayed ratings created again")
        if self.drift:
            found.append(f"{self.backend}: rebuild-rollup found drift:\n{self.rebuild_output}")
        if self.tally.rejected:
            found.append(f"{self.backend}: {self.tally.rejected} valid ratings rejected")
        if self.unacknowledged_stored:
            found.append(f"{self.backend}: {self.unacknowledged_stored} rows no answer acknowledged")
        if self.tally.unsent:
            found.append(f"{self.backend}: {self.tally.unsent} ratings never acknowledged")
        if not self.tally.acknowledged:
            found.append(f"{self.backend}: no rating acknowledged at all")
        return found


def database_url(backend: str, instance: Path, pg_url: str = PG_URL) -> str:
    """The fresh, empty database of a run: a SQLite file in `instance`, or `pg_url` (created, emptied)."""
    if backend == "sqlite":
        return f"sqlite:///{instance / 'faults.db'}"
    root, _, name = pg_url.rpartition("/")
    engine = sa.create_engine(
        f"{root}/postgres".replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return pg_url


def prepare(url: str, devices: int = DEVICES) -> list[str]:
    """Migrate the database, add a one-stop shop and `devices` paired kiosks there; their tokens."""
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        city = create_unit(code="01", name="Thành phố Hà Nội", kind=UnitKind.province, parent=None)
        centre = create_unit(
            code="01-MC", name="Trung tâm Phục vụ hành chính công", kind=UnitKind.centre, parent=city
        )
        tokens = [
            register_device_with_token(centre, counter=None, name=f"Kiosk {i}")[1] for i in range(devices)
        ]
        db.session.commit()
        db.engine.dispose()
    return tokens


def server_env(url: str) -> dict:
    """The server's environment: production settings, plain HTTP on loopback, limits in memory."""
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "bench-faults-" + "k" * 40,
        "DATABASE_URL": url,
        "FORCE_HTTPS": "0",
        "RATELIMIT_ALLOW_MEMORY": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    return env


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn server of the app on one loopback port, started and stopped again as the run asks."""

    def __init__(self, env: dict, port: int, log: Path, workers: int = WORKERS, threads: int = THREADS):
        self.env, self.port, self.log_path = env, port, log
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        """Start the server and wait until every worker answers the health check."""
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    f"--workers={self.workers}",
                    "--worker-class=gthread",
                    f"--threads={self.threads}",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--graceful-timeout={GRACE:.0f}",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            if len(self.workers_pids()) >= self.workers and self._healthy():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become healthy in {timeout:.0f} s:\n{self.log()}")

    def _healthy(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def workers_pids(self) -> list[int]:
        """The pids of the master's children (its workers), from /proc (Linux)."""
        if self.process is None:
            return []
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:  # the process ended meanwhile
                continue
            if int(text[text.rindex(")") + 2 :].split()[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def kill_one_worker(self) -> int:
        """`kill -9` of one worker, chosen at random; its pid."""
        pid = random.choice(self.workers_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        """SIGTERM to the master; SIGKILL to it and its workers if they are not gone after the grace time."""
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.workers_pids()
        self.process.terminate()
        try:
            self.process.wait(timeout=GRACE + 3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for pid in workers:  # orphans of a killed master
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def log(self) -> str:
        """The end of the server's log."""
        return self.log_path.read_text(errors="replace")[-3000:]


class Client(threading.Thread):
    """One kiosk client: posts batches from its queue on one keep-alive connection until told to stop."""

    def __init__(self, index: int, port: int, tokens: list[str], tally: Tally, stop: threading.Event):
        super().__init__(name=f"kiosk-client-{index}", daemon=True)
        self.port, self.tokens, self.tally, self.stop = port, tokens, tally, stop
        self.rng = random.Random(index)
        self.queue: list[tuple[str, list[dict]]] = []  # (token, items) not yet acknowledged
        self.acknowledged: list[tuple[str, list[dict]]] = []  # batches to replay
        self.connection: http.client.HTTPConnection | None = None
        self.draining = False  # after the stop: only the queue is sent, nothing new
        self.head_failed = False  # a post of the batch at the head of the queue failed

    def new_batch(self) -> tuple[str, list[dict]]:
        now = datetime.now(UTC)
        size = self.rng.randint(1, MAX_BATCH)
        items = []
        for i in range(size):
            level = self.rng.choice(LEVELS)
            item = {
                "id": str(uuid.uuid4()),
                "level": level,
                "rated_at": (now - timedelta(seconds=size - i)).isoformat(timespec="milliseconds"),
            }
            if level == "dissatisfied":
                item["reasons"] = ["long_wait"]
            items.append(item)
        with self.tally.lock:
            self.tally.ratings += size
        return self.rng.choice(self.tokens), items

    def post(self, token: str, items: list[dict]) -> list[dict] | None:
        """One post; the results, or None when the batch stays in the queue (error counted)."""
        body = json.dumps({"ratings": items})
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request("POST", RATINGS, body=body, headers=headers)
            response = self.connection.getresponse()
            answer = response.read()
        except ConnectionRefusedError:
            self.tally.error("connection refused")
            return self._drop_connection()
        except (OSError, http.client.HTTPException) as exc:
            self.tally.error(f"connection dropped ({type(exc).__name__})")
            return self._drop_connection()
        if response.status != 200:
            self.tally.error(f"HTTP {response.status}")
            if response.getheader("Connection", "").lower() == "close":
                self._drop_connection()
            return None
        return json.loads(answer)["results"]

    def _drop_connection(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def step(self) -> None:
        replay = bool(self.acknowledged) and not self.queue and self.rng.random() < REPLAY_SHARE
        if self.queue:
            token, items = self.queue[0]
        elif replay:
            token, items = self.rng.choice(self.acknowledged)
        elif self.draining:
            return
        else:
            token, items = self.new_batch()
            self.queue.append((token, items))
        results = self.post(token, items)
        if results is None:
            self.head_failed |= not replay
            time.sleep(RETRY_PAUSE)
            return
        retried, self.head_failed = self.head_failed and not replay, self.head_failed and replay
        with self.tally.lock:
            self.tally.batches += 1
            self.tally.replays += replay
            for item, result in zip(items, results, strict=True):
                status = result["status"]
                if status == "rejected":
                    self.tally.rejected += 1
                    continue
                if replay and status == "created":
                    self.tally.replayed_created += 1
                if retried and status == "duplicate":
                    self.tally.retried_duplicates += 1
                self.tally.acknowledged.add(item["id"])
        if not replay:
            self.queue.pop(0)
            self.acknowledged.append((token, items))

    def run(self) -> None:
        while not self.stop.is_set():
            self.step()

    def drain(self, deadline: float) -> None:
        """Send what is left in the queue (after the load stopped), until the deadline."""
        self.draining = True
        while self.queue and time.monotonic() < deadline:
            self.step()
        with self.tally.lock:
            self.tally.unsent += sum(len(items) for _token, items in self.queue)
        self._drop_connection()


def rebuild_rollup(env: dict) -> tuple[bool, str]:
    """Run `flask --app wsgi kiosk rebuild-rollup` on the server's database: (drift found, its output)."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "kiosk", "rebuild-rollup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode not in (0, 1):
        raise RuntimeError(f"rebuild-rollup failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.returncode == 1, (result.stdout + result.stderr).strip()


def stored_ids(url: str) -> tuple[int, set[str]]:
    """(rows in kiosk_rating, the set of their uuids)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        uuids = [str(value) for value in conn.scalars(sa.text("SELECT uuid FROM kiosk_rating"))]
    engine.dispose()
    return len(uuids), set(uuids)


def scenario(
    backend: str,
    instance: Path,
    seconds: float = SECONDS,
    pg_url: str = PG_URL,
    clients: int = CLIENTS,
    say: Callable[[str], None] = print,
) -> Outcome:
    """Steady load, `kill -9` of a worker at a third, a stop and restart of the server at two thirds."""
    url = database_url(backend, instance, pg_url)
    tokens = prepare(url)
    env = server_env(url)
    server = Server(env, free_port(), instance / "gunicorn.log")
    tally, stop = Tally(), threading.Event()
    threads = [Client(i, server.port, tokens, tally, stop) for i in range(clients)]
    restarts = killed = 0
    server.start()
    try:
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(seconds / 3)
        killed = server.kill_one_worker()
        say(f"   {backend}: kill -9 of worker {killed} after {time.monotonic() - began:.0f} s")
        time.sleep(max(began + 2 * seconds / 3 - time.monotonic(), 0))
        server.stop()
        say(f"   {backend}: server stopped after {time.monotonic() - began:.0f} s; starting it again")
        server.start()
        restarts += 1
        say(f"   {backend}: server up again after {time.monotonic() - began:.0f} s")
        time.sleep(seconds / 3)  # a last third under load however long the start took
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        took = time.monotonic() - began
        deadline = time.monotonic() + 60
        for thread in threads:
            thread.drain(deadline)
    finally:
        stop.set()
        server.stop()
    stored, uuids = stored_ids(url)
    drift, output = rebuild_rollup(env)
    return Outcome(
        backend=backend,
        seconds=took,
        tally=tally,
        stored=stored,
        distinct=len(uuids),
        lost=len(tally.acknowledged - uuids),
        unacknowledged_stored=len(uuids - tally.acknowledged),
        drift=drift,
        rebuild_output=output,
        killed_worker=killed,
        restarts=restarts,
    )


def report_outcome(report, outcome: Outcome) -> None:
    """The figures of one backend in the bench table."""
    name = f"faults[{outcome.backend}]"
    tally = outcome.tally
    report.add(name, f"load ({CLIENTS} clients, kill -9 of a worker, restart)", outcome.seconds, "s")
    report.add(name, "  posts answered 200", tally.batches, "req")
    report.add(name, "  of them replays of an acknowledged batch (5%)", tally.replays, "req")
    report.add(name, "  ratings sent (distinct ids)", tally.ratings, "ratings")
    report.add(name, "  ratings acknowledged (created or duplicate)", len(tally.acknowledged), "ratings")
    report.add(name, "  client errors (kept in the queue, sent again)", sum(tally.errors.values()), "req")
    for kind, count in sorted(tally.errors.items()):
        report.add(name, f"    {kind}", count, "req")
    report.add(name, "  rows stored", outcome.stored, "rows")
    report.add(name, "  acknowledged ids lost", outcome.lost, "ratings", "0")
    report.add(name, "  ids stored more than once", outcome.duplicated, "rows", "0")
    report.add(name, "  replayed ratings created again", tally.replayed_created, "ratings", "0")
    report.add(name, "  ratings never acknowledged (queue left)", tally.unsent, "ratings", "0")
    report.add(name, "  rows no answer acknowledged", outcome.unacknowledged_stored, "rows", "0")
    report.add(name, "  retried after a failed post, already stored", tally.retried_duplicates, "ratings")
    report.add(name, "  rebuild-rollup drift (1 = found)", int(outcome.drift), "", "0")


def run(report) -> list[str]:
    """Each configured backend; the problems found (`python -m bench` exits non-zero on any)."""
    problems = []
    for backend in BACKENDS:
        with tempfile.TemporaryDirectory(prefix=f"bench-faults-{backend}-") as instance:
            outcome = scenario(backend, Path(instance))
        report_outcome(report, outcome)
        problems += outcome.problems
    return problems
