"""Take the README's demo screenshots (docs/screenshots/demo-*.png) from a full `seed-demo`.

`make demo-screenshots` seeds the whole demo (not the test suite's three-week one) into a scratch SQLite
database, serves it on loopback and lets Debian's Chromium visit the pages the README shows. The browser
test tests/browser/test_demo_tour.py checks the same pages (and their accessibility) on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PORT = int(os.environ.get("DEMO_SCREENSHOTS_PORT", "5198"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def _serve(env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen([*FLASK, "run", "--port", str(PORT)], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the demo server did not start")


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _charts_drawn(page) -> None:
    page.wait_for_function(
        "document.querySelectorAll('main .plot.drawn').length"
        " === document.querySelectorAll('main .plot').length"
    )


def take(base: str) -> None:
    """The three pages of the README's demo section."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        size = {"width": 1280, "height": 1500}
        leader = browser.new_context(viewport=size, locale="vi-VN").new_page()
        _sign_in(leader, base, "tayho.leader", "demo-Leader-2026")
        leader.goto(
            f"{base}/dashboards/kiosk?unit=00103&start=01/01/2024&end={date.today():%d/%m/%Y}&granularity=month"
        )
        _charts_drawn(leader)
        leader.screenshot(path=str(OUT / "demo-kiosk-tay-ho.png"))

        city = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN").new_page()
        _sign_in(city, base, "hanoi.leader", "demo-Leader-2026")
        city.screenshot(path=str(OUT / "demo-city-leader-home.png"))

        admin = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN").new_page()
        _sign_in(admin, base, "admin", "demo-Admin-2026")
        admin.goto(f"{base}/org/units")
        hanoi = admin.locator("li", has=admin.locator(".unit-line", has_text="Thành phố Hà Nội")).first
        ward = hanoi.locator("li", has=admin.locator(":scope > .unit-line", has_text="Phường Tây Hồ")).first
        ward.locator(":scope > details > summary").click()
        ward.scroll_into_view_if_needed()
        admin.screenshot(path=str(OUT / "demo-units-tay-ho.png"))
        browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{scratch}/demo.db", "RATELIMIT_ENABLED": "false"}
        for step in (["db", "upgrade"], ["setup"], ["seed-demo"]):
            subprocess.run([*FLASK, *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        server = _serve(env)
        try:
            take(f"http://127.0.0.1:{PORT}")
        finally:
            server.terminate()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
