"""Browser fixtures: the app served on loopback, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from survey_app.extensions import db
from tests.conftest import Org, build_app, empty_tables

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class LiveServer:
    """The app served by a real HTTP server in a background thread."""

    def __init__(self, app) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """A migrated SQLite app for the browser tests."""
    return build_app("sqlite", tmp_path_factory)


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[LiveServer]:
    """The live server, for the whole session."""
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_org(live_app) -> Iterator[Org]:
    """The test organisation in the live server's database; emptied after the test."""
    with live_app.app_context():
        org = Org()
        yield org
        db.session.rollback()
    empty_tables(live_app)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs it with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page (desktop size) that fails the test on any console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    page = watch(context.new_page())
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()
    assert errors == [], f"console errors: {errors}"
    assert_every_page_checked(page)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is true.

    Playwright's wait_for_function evaluates its string with eval() inside the page, which our
    Content-Security-Policy (no unsafe-eval) refuses whenever the condition is not true at once.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(50)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login form; axe-core checks the form and the home page the first time this tab
    shows them."""
    page.goto(f"{base_url}/auth/login")
    check_once(page)
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    check_once(page)


def check_once(page) -> None:
    """assert_accessible, unless this tab has already checked this address."""
    if address(page.url) not in getattr(page, "axe_checked", ()):
        assert_accessible(page)


AXE = Axe()
BLOCKING_IMPACTS = ("serious", "critical")


def address(url: str) -> str:
    """A page's address without its fragment (a kiosk's #token=… is the same page)."""
    return url.split("#", 1)[0]


def watch(page):
    """Record every page the tab opens, so that assert_every_page_checked can say which axe-core missed."""
    page.axe_visited = []
    page.axe_checked = set()

    def navigated(frame) -> None:
        if frame.parent_frame is None and frame.url != "about:blank":
            page.axe_visited.append(address(frame.url))

    page.on("framenavigated", navigated)
    return page


def assert_every_page_checked(page) -> None:
    """Each page the tab opened (form answers and redirects included) was checked by assert_accessible."""
    missed = [url for url in dict.fromkeys(page.axe_visited) if url not in page.axe_checked]
    assert missed == [], f"pages never checked by axe-core (call assert_accessible on them): {missed}"


def assert_accessible(page) -> None:
    """axe-core (axe-playwright-python) finds no serious or critical violation on the page as it is now."""
    if hasattr(page, "axe_checked"):
        page.axe_checked.add(address(page.url))
    results = AXE.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    summary = [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} node(s)): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in blocking
    ]
    assert summary == [], f"axe-core on {page.url}:\n" + "\n".join(summary)
