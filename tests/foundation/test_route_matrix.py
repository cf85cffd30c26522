"""Every route, for anonymous visitors, each role and a user of a sibling unit."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.routes
from survey_app.auth.permissions import ROLE_CAPABILITIES, Capability
from survey_app.auth.services import issue_token
from survey_app.extensions import db
from survey_app.models import Counter, ProcedureField, Role, Staff
from tests.conftest import csrf_token, login
from tests.routes import Route

PROBES = ["anonymous", *[role.value for role in Role], "sibling"]


def all_routes() -> list[Route]:
    """Every Route declared by the feature modules under tests/routes."""
    routes: list[Route] = []
    for info in pkgutil.iter_modules(tests.routes.__path__):
        routes += importlib.import_module(f"tests.routes.{info.name}").ROUTES
    return routes


def expected_status(route: Route, probe: str) -> int:
    """What a probe must get from a route."""
    api = route.access.startswith("token")
    if route.access == "public":
        signed_in = probe != "anonymous" and not api
        return route.signed_in if signed_in and route.signed_in else route.ok
    if probe == "anonymous":
        return 401 if api else 302
    role = Role.unit_admin if probe == "sibling" else Role(probe)
    needed = route.access.split(":", 1)[1] if ":" in route.access else route.access
    if needed not in ("login", "token") and not any(
        Capability(each) in ROLE_CAPABILITIES[role] for each in needed.split("|")
    ):
        return 403
    if probe == "sibling" and route.scoped:
        return 404
    return route.ok


@pytest.fixture
def matrix_org(org):
    """The test organisation with one record of each kind the routes point at."""
    org.counter = Counter(unit=org.centre, code="Q1", name="Quầy 1")
    org.staff = Staff(
        unit=org.centre,
        counter=org.counter,
        full_name="Nguyễn Văn An",
        photo=b"\xff\xd8\xff",
        photo_mime="image/jpeg",
    )
    org.field = ProcedureField(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status")
    db.session.add_all([org.counter, org.staff, org.field])
    db.session.commit()
    for info in pkgutil.iter_modules(tests.routes.__path__):
        prepare = getattr(importlib.import_module(f"tests.routes.{info.name}"), "prepare", None)
        if prepare is not None:
            prepare(org)
            db.session.commit()
    return org


def test_every_route_is_in_the_matrix(app):
    declared = {route.endpoint for route in all_routes()}
    served = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert served - declared == set(), "routes without an access rule in tests/routes"
    assert declared - served == set(), "access rules for routes that do not exist"


def signed_in_session(app, org, probe: str):
    """The session cookie of the probe's user after one real sign-in (None for anonymous visitors)."""
    if probe == "anonymous":
        return None
    client = app.test_client()
    assert login(client, org.users["sibling" if probe == "sibling" else probe].username).status_code == 302
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"])


@pytest.mark.parametrize("probe", PROBES)
def test_route_matrix(app, matrix_org, probe):
    org = matrix_org
    failures = []
    session_cookie = signed_in_session(app, org, probe)
    for route in all_routes():
        client = app.test_client()
        headers = {}
        if probe != "anonymous":
            user = org.users["sibling" if probe == "sibling" else probe]
            if route.access.startswith("token"):
                _token, plain = issue_token(user, "matrix")
                db.session.commit()
                headers["Authorization"] = f"Bearer {plain}"
            else:
                # each route gets a fresh client holding the probe's session (a logout ends only that one)
                client.set_cookie(session_cookie.key, session_cookie.value, path=session_cookie.path)
        # a token of the probe's own, for routes that act on one
        owner = (
            org.users["sibling" if probe == "sibling" else probe]
            if probe != "anonymous"
            else org.users["admin"]
        )
        token, _plain = issue_token(owner, "target")
        db.session.commit()
        org.token_id = token.id
        url = route.url(org)
        if route.method == "GET":
            response = client.get(url, headers=headers)
        else:
            # token routes carry no session: their client fetches its CSRF token as a visitor would
            anonymous_page = probe == "anonymous" or route.access.startswith("token")
            data = {"csrf_token": csrf_token(client, "/auth/login" if anonymous_page else "/account")}
            response = client.post(url, data=data, headers=headers)
        if route.endpoint == "auth.logout" and session_cookie is not None:
            session_cookie = signed_in_session(app, org, probe)  # signing out ends every session of the user
        want = expected_status(route, probe)
        if response.status_code != want:
            failures.append(f"{route.method} {url}: {response.status_code}, expected {want}")
        if want == 302 and probe == "anonymous" and route.access != "public":
            assert "/auth/login" in response.headers.get("Location", "")
    assert failures == []
