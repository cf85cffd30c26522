"""First load of a dashboard in headless Chromium: bytes on the wire and time until every chart is drawn,
with an empty cache (a leader's first visit) and a warm one (the next visit).

Data: the demo (`seed-demo`) in a SQLite file, built once. The app is served by a threaded Werkzeug server
on loopback with the static build of `make assets` (pre-compressed, hashed, cached for good). The leader's
session cookie is obtained without a page load, so the cold run starts with an empty cache.

Environment: BENCH_FIRST_LOAD_RUNS (default 5; the median is reported), BENCH_FIRST_LOAD_PAGE
(default /dashboards/kiosk), BENCH_FIRST_LOAD_KEEP=1 reuses the demo database, CHROMIUM_PATH.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from survey_app import create_app
from survey_app.demo.seed import seed_all

RUNS = int(os.environ.get("BENCH_FIRST_LOAD_RUNS", 5))
PAGE = os.environ.get("BENCH_FIRST_LOAD_PAGE", "/dashboards/kiosk")
KEEP = os.environ.get("BENCH_FIRST_LOAD_KEEP") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DATABASE = Path(__file__).resolve().parents[1] / "instance" / "bench_first_load.db"
USER, PASSWORD = "tayho.leader", "demo-Leader-2026"
TARGET_COLD_BYTES = 1.5e6
TARGET_COLD_MS = 1000.0
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ALL_DRAWN = (
    "document.querySelectorAll('main .plot').length > 0 && document.querySelectorAll('main .plot.drawn')"
    ".length === document.querySelectorAll('main .plot').length"
)


def _app():
    """The demo app (the database is built on first use, or again unless BENCH_FIRST_LOAD_KEEP=1)."""
    fresh = not (KEEP and DATABASE.exists())
    if fresh:
        DATABASE.parent.mkdir(exist_ok=True)
        DATABASE.unlink(missing_ok=True)
    app = create_app(
        {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{DATABASE}", "WTF_CSRF_ENABLED": False}
    )
    if "static_manifest" not in app.extensions:
        raise SystemExit("no static build: run `make assets` first")
    if fresh:
        with app.app_context():
            upgrade(revision="heads")
            for _line in seed_all():
                pass
    return app


def _load(context, url: str) -> tuple[int, float, list[str]]:
    """Open `url` in a new tab: bytes received, ms until all charts are drawn, URLs from the network."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="commit")
    deadline = time.monotonic() + 30
    while not page.evaluate(ALL_DRAWN):
        if time.monotonic() > deadline:
            raise RuntimeError(f"charts of {url} not drawn in 30 s")
        page.wait_for_timeout(10)
    drawn_ms = page.evaluate("performance.getEntriesByName('charts-drawn')[0].startTime")
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # the last loadingFinished events
    fetched = [urls[r] for r, size in received.items() if size > 0 and r in urls]
    page.close()
    return sum(received.values()), drawn_ms, fetched


def run(report) -> None:
    """Cold and warm first loads of a dashboard."""
    app = _app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    cold_bytes, cold_ms, warm_bytes, warm_ms, warm_fetched = [], [], [], [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for _ in range(RUNS):
                context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
                signed_in = context.request.post(
                    f"{base}/auth/login", form={"username": USER, "password": PASSWORD}, max_redirects=0
                )
                assert signed_in.status == 302, f"sign-in failed: {signed_in.status}"
                size, ms, _fetched = _load(context, base + PAGE)
                cold_bytes.append(size)
                cold_ms.append(ms)
                size, ms, fetched = _load(context, base + PAGE)
                warm_bytes.append(size)
                warm_ms.append(ms)
                warm_fetched.append(len(fetched))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    name = f"first_load{PAGE.replace('/', ':')}"
    report.add(name, "cold: bytes transferred (median)", statistics.median(cold_bytes) / 1e6, "MB", "< 1.5")
    report.add(name, "cold: time to charts drawn (median)", statistics.median(cold_ms), "ms", "< 1000")
    report.add(
        name, "warm: bytes transferred (median)", statistics.median(warm_bytes) / 1e6, "MB", "page only"
    )
    report.add(name, "warm: time to charts drawn (median)", statistics.median(warm_ms), "ms")
    report.add(name, "warm: responses from the network (max)", max(warm_fetched), "", "1 (the page)")
