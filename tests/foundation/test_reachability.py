"""Every page a role may open is reachable by following links from its home page, never only by URL."""

from __future__ import annotations

from collections import Counter as Tally
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from survey_app.core.navigation import home_endpoint
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.org.services import merge_unit
from tests.conftest import login
from tests.foundation.test_route_matrix import all_routes, expected_status, matrix_org  # noqa: F401

# Pages a role may open that no link leads to, and why (public pages are not asked for, except a leader's
# scoreboard below; API routes neither).
DEEP_PAGES = {
    "kiosk.feed_data": "JSON polled by the live feed page's script",
    "dossiers.dossier": "opened by its code; the unit's quarter page links only the dossiers returned late",
}
# Pages that change the session when fetched (never followed) and how many URLs of one endpoint to open.
NOT_FOLLOWED = {"core.set_language"}
PER_ENDPOINT = 3


class Links(HTMLParser):
    """The href of every <a> in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def crawl(app, client, start: str) -> set[str]:
    """The endpoints reached by following same-origin links with GET from `start`."""
    adapter = app.url_map.bind("localhost")
    reached: set[str] = set()
    opened: Tally = Tally()
    queue, seen = [start], {start}
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except HTTPException:
            continue
        if endpoint in NOT_FOLLOWED or endpoint == "static" or opened[endpoint] >= PER_ENDPOINT:
            continue
        opened[endpoint] += 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        reached.add(endpoint)
        if response.mimetype != "text/html":
            continue
        parser = Links()
        parser.feed(response.get_data(as_text=True))
        for href in parser.hrefs:
            target = urlsplit(urljoin(url, href))
            if target.scheme not in ("", "http") or target.netloc not in ("", "localhost"):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return reached


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_page_of_a_role_is_linked_from_its_home(app, matrix_org, role):  # noqa: F811
    client = app.test_client()
    assert login(client, matrix_org.users[role].username).status_code == 302
    may_open = {
        route.endpoint
        for route in all_routes()
        if route.method == "GET"
        and route.access != "public"
        and not route.access.startswith("token")
        and expected_status(route, role) == 200
    }
    if Role(role) in (Role.leader, Role.unit_admin, Role.admin):
        may_open.add("scoreboard.board")  # the public scoreboard of one's own unit, as citizens see it
    home = app.url_map.bind("localhost").build(home_endpoint(Role(role)))
    reached = crawl(app, client, home)
    unreachable = may_open - reached - DEEP_PAGES.keys()
    assert unreachable == set(), f"{role} can open these pages only by typing their URL"


def test_the_leader_home_offers_every_dashboard_the_report_and_the_scoreboard(client, org):
    login(client, org.users["leader"].username)
    html = client.get("/leader").get_data(as_text=True)
    for href in (
        "/dashboards/kiosk",
        "/dashboards/sipas",
        "/dashboards/dialogue",
        "/dashboards/report",
        f"/public/{org.district.code}",
    ):
        assert f'href="{href}"' in html, href


def test_the_home_lists_today_s_units_only(client, org):
    merge_unit(org.ward2, into=org.ward, on=date(2025, 7, 1))
    db.session.commit()
    login(client, org.users["leader"].username)
    html = client.get("/leader").get_data(as_text=True)
    assert "Phường Bưởi" in html and "Phường Thụy Khuê" not in html  # merged into Bưởi on 1/7/2025
