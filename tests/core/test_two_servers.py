"""Two gunicorn servers on loopback sharing one PostgreSQL database and one Redis, as in production.

Proves what a single test app cannot: the sign-in limit and the lock-out hold across both servers
(counted in Redis, not in each worker's memory), clients behind one proxy are told apart by
X-Forwarded-For, kiosk ratings are stored exactly once whichever server gets them, a chunked body over
the limit is 413 through a real server, and the health check answers over plain HTTP while every page
redirects to HTTPS.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import reset_postgresql, worker_database_url

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "two-Servers-2026"
LOGIN_LIMIT = 20
UNITS_CSV = "code,name,kind,parent_code\n01,Thành phố Hà Nội,province,\n003,Quận Tây Hồ,district,01\n"
UNITS_CSV += "00109,Phường Bưởi,ward,003\n00109-MC,Bộ phận Một cửa phường Bưởi,centre,00109\n"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_or_skip() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")


# Client addresses of this run, in a 64-bit space of their own: Redis keeps what a sign-in lock-out
# remembers of an address for a day, so a run that met the addresses of an earlier one (249 choices
# once) found that earlier lock-out's back-off and waited 10 minutes instead of 5.
_RUN = random.Random().getrandbits(64)


def address(host: int) -> str:
    """A made-up client address of this run, only named in X-Forwarded-For (nothing is sent to it)."""
    return str(ipaddress.IPv6Address((0xFD15 << 112) | (_RUN << 16) | host))


@dataclass
class Server:
    """One app server: its port and process."""

    port: int
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """The end of the server's log."""
        return self.log_path.read_text(errors="replace")[-3000:]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """One request on a fresh connection; (status, headers, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


@dataclass
class Cluster:
    """Two servers, the shared environment and the database they share."""

    servers: list[Server]
    env: dict
    database_url: str
    kiosk_token: str

    def prepare(self, *commands: list[str]) -> str:
        """Migrate the shared database and run flask commands on it, in one process (starts are slow)."""
        script = (
            "import sys, json\n"
            "from flask_migrate import upgrade\n"
            "from wsgi import app\n"
            "with app.app_context():\n"
            "    upgrade(revision='heads')\n"
            "runner = app.test_cli_runner()\n"
            "for args in json.loads(sys.argv[1]):\n"
            "    result = runner.invoke(args=args)\n"
            "    print(result.output)\n"
            "    if result.exit_code:\n"
            "        sys.exit(f'{args}: exit {result.exit_code} {result.exception!r}')\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script, json.dumps(commands)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def _wait_until_healthy(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(
                f"gunicorn on {server.port} exited with {server.process.returncode}:\n{server.log()}"
            )
        try:
            if server.request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn on {server.port} did not become healthy:\n{server.log()}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    """Two gunicorn servers (2 workers each), APP_ENV=production, one PostgreSQL, one Redis."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the two-server test needs PostgreSQL (TEST_DATABASE_URL)")
    _redis_or_skip()
    base = worker_database_url(os.environ["TEST_DATABASE_URL"])
    url = _own_database(base, "two_servers")
    reset_postgresql(url)
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "two-servers-" + "k" * 40,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "FORCE_HTTPS": "1",
        "PROXY_FIX_X_FOR": "1",
        "PROXY_FIX_X_PROTO": "1",
        "RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per minute",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("RATELIMIT_STORAGE_URI", None)
    cluster = Cluster([], env, url, "")
    units = tmp_path_factory.mktemp("units") / "units.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    output = cluster.prepare(
        ["units", "import", str(units)],
        ["users", "create", "official2s", "--role", "official", "--unit", "003", "--password", PASSWORD],
        ["kiosk", "register", "--unit", "00109-MC"],
    )
    cluster.kiosk_token = output.strip().splitlines()[-1]
    logs = tmp_path_factory.mktemp("gunicorn")
    for index in range(2):
        port = _free_port()
        log_path = logs / f"server{index}.log"
        log = log_path.open("w")
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "2",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        cluster.servers.append(Server(port, process, log_path))
    try:
        deadline = time.monotonic() + 240  # four workers importing the app on a busy two-core machine
        for server in cluster.servers:
            _wait_until_healthy(server, deadline)
        yield cluster
    finally:
        for server in cluster.servers:
            server.process.terminate()
        for server in cluster.servers:
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()


def _own_database(base_url: str, suffix: str) -> str:
    """A PostgreSQL database beside the test one (created when missing)."""
    root, _, name = base_url.rpartition("/")
    own = f"{name}_{suffix}"
    engine = sa.create_engine(
        base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}):
            conn.execute(sa.text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{root}/{own}"


def _behind_proxy(server: Server, client_address: str, **extra) -> dict:
    """Headers the TLS-terminating proxy adds for a client."""
    return {"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https", "Host": server.host, **extra}


class Browser:
    """A browser behind the proxy: one session cookie and CSRF token, valid on either server."""

    def __init__(self, cluster: Cluster, address: str):
        self.cluster, self.address = cluster, address
        first = cluster.servers[0]
        status, headers, body = first.request("GET", "/auth/login", headers=_behind_proxy(first, address))
        assert status == 200, status
        self.cookie = headers["Set-Cookie"].split(";", 1)[0]
        self.token = CSRF_RE.search(body.decode()).group(1)

    def sign_in(self, server: Server, username: str, password: str) -> tuple[int, str]:
        form = f"username={username}&password={password}&csrf_token={self.token}".encode()
        headers = _behind_proxy(
            server,
            self.address,
            Cookie=self.cookie,
            Referer=f"https://{server.host}/auth/login",
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )
        status, _headers, body = server.request("POST", "/auth/login", form, headers)
        return status, body.decode(errors="replace")


def test_the_sign_in_limit_holds_across_both_servers(cluster):
    browser = Browser(cluster, address(7))
    statuses = [
        browser.sign_in(cluster.servers[attempt % 2], f"guess{attempt}", "wrong-password-1")[0]
        for attempt in range(30)
    ]
    assert sum(status != 429 for status in statuses) == LOGIN_LIMIT
    assert statuses[:LOGIN_LIMIT] == [200] * LOGIN_LIMIT and set(statuses[LOGIN_LIMIT:]) == {429}
    # Another citizen behind the same proxy has a bucket of their own, on either server.
    neighbour = Browser(cluster, address(8))
    assert [neighbour.sign_in(server, "guess", "wrong-password-1")[0] for server in cluster.servers] == [
        200,
        200,
    ]


def test_a_lock_out_counted_on_one_server_holds_on_the_other(cluster):
    browser = Browser(cluster, address(20))
    for attempt in range(5):
        status, body = browser.sign_in(cluster.servers[attempt % 2], "official2s", "wrong-password-1")
        assert status == 200
    status, body = browser.sign_in(cluster.servers[1], "official2s", PASSWORD)
    assert status == 200 and "thử lại sau 5 phút" in body
    # The official at their own desk is not locked out by those failures.
    colleague = Browser(cluster, address(21))
    assert colleague.sign_in(cluster.servers[1], "official2s", PASSWORD)[0] == 302


def test_kiosk_ratings_are_stored_once_whichever_server_gets_them(cluster):
    rated = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
    items = [
        {
            "id": str(uuid.uuid4()),
            "level": "satisfied",
            "rated_at": (rated - timedelta(seconds=10 * i)).isoformat(),
        }
        for i in range(40)
    ]
    headers = {
        "Authorization": f"Bearer {cluster.kiosk_token}",
        "Content-Type": "application/json",
        "X-Forwarded-Proto": "https",
    }
    statuses = []
    for server in cluster.servers * 2:  # every item sent four times, twice to each server
        status, _headers, body = server.request(
            "POST", "/api/v1/kiosk/ratings", json.dumps({"ratings": items}).encode(), headers
        )
        assert status == 200, body
        statuses.append([result["status"] for result in json.loads(body)["results"]])
    assert statuses[0] == ["created"] * 40
    assert all(later == ["duplicate"] * 40 for later in statuses[1:])
    engine = sa.create_engine(cluster.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        stored = conn.scalar(sa.text("SELECT count(*) FROM kiosk_rating"))
        distinct = conn.scalar(sa.text("SELECT count(DISTINCT uuid) FROM kiosk_rating"))
    engine.dispose()
    assert stored == distinct == 40


def test_a_chunked_body_over_the_limit_is_413_through_gunicorn(cluster):
    server = cluster.servers[1]
    head = (
        "POST /api/v1/kiosk/ratings HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {cluster.kiosk_token}\r\n"
        "Content-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n"
        "X-Forwarded-Proto: https\r\n\r\n"
    ).encode()
    chunk = b'{"ratings": [' + b" " * 65_000
    received = bytearray()

    def read_until_closed(sock: socket.socket) -> None:
        # The server answers 413 as soon as the limit is passed and closes while we may still be
        # sending: reading concurrently keeps its answer before the connection reset can drop it.
        try:
            while data := sock.recv(65_536):
                received.extend(data)
        except OSError:
            pass

    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        reader = threading.Thread(target=read_until_closed, args=(sock,))
        reader.start()
        try:
            sock.sendall(head)
            for _ in range(3 * 1024 * 1024 // len(chunk) + 1):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server stopped reading: its answer is already on its way
            pass
        reader.join(timeout=30)
    status_line, _, rest = bytes(received).partition(b"\r\n")
    assert status_line.split()[1] == b"413", bytes(received[:200])
    body = rest.partition(b"\r\n\r\n")[2]
    assert json.loads(body)["code"] == 413


def test_the_health_check_answers_plain_http_while_pages_redirect(cluster):
    for server in cluster.servers:
        status, _headers, body = server.request("GET", "/healthz")
        assert status == 200 and json.loads(body)["database"] == "ok"
        status, headers, _body = server.request("GET", "/auth/login")
        assert status == 302 and headers["Location"].startswith("https://")
