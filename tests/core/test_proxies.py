"""Behind a reverse proxy: the real client's address for rate limits, lock-outs and the audit log."""

from __future__ import annotations

import pytest

from survey_app.extensions import db
from survey_app.models import AuditEntry
from tests.conftest import PASSWORD, Org, build_app, csrf_token, login, post_form

PROXY = "127.0.0.1"


def behind_proxy(client, forwarded_for: str):
    """A browser whose requests arrive through the proxy, which names it in X-Forwarded-For."""
    client.environ_base["REMOTE_ADDR"] = PROXY
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


@pytest.fixture
def proxied_app(tmp_path_factory, backend_app):
    """An app that trusts one proxy hop, with a low sign-in limit switched on."""
    app = build_app(
        "sqlite", tmp_path_factory, PROXY_FIX_X_FOR=1, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute"
    )
    with app.app_context():
        yield app
        db.session.remove()


def attempts(client, n: int) -> list[int]:
    token = csrf_token(client)
    return [
        client.post("/auth/login", data={"username": "x", "password": "y", "csrf_token": token}).status_code
        for _ in range(n)
    ]


def test_two_citizens_behind_one_proxy_have_their_own_sign_in_limits(proxied_app):
    first = behind_proxy(proxied_app.test_client(), "203.0.113.1")
    second = behind_proxy(proxied_app.test_client(), "203.0.113.2")
    assert attempts(first, 4) == [200, 200, 200, 429]
    assert attempts(second, 3) == [200, 200, 200]


def test_the_audit_log_records_the_client_behind_the_proxy(proxied_app):
    org = Org()
    admin = behind_proxy(proxied_app.test_client(), "203.0.113.50")
    login(admin, "admin1")
    leader = org.users["leader"]
    post_form(admin, f"/users/{leader.id}/unlock", {}, token_from=f"/users/{leader.id}/edit")
    entry = db.session.query(AuditEntry).filter_by(action="user.unlock").one()
    assert entry.ip == "203.0.113.50"


def test_without_trusted_hops_a_forwarded_address_is_not_believed(app, org):
    """With PROXY_FIX_X_FOR=0 (the default) anyone could name any address: the header is ignored."""
    assert app.config["PROXY_FIX_X_FOR"] == 0
    admin = behind_proxy(app.test_client(), "203.0.113.50")
    login(admin, "admin1", PASSWORD)
    leader = org.users["leader"]
    post_form(admin, f"/users/{leader.id}/unlock", {}, token_from=f"/users/{leader.id}/edit")
    assert db.session.query(AuditEntry).filter_by(action="user.unlock").one().ip == PROXY


def test_https_behind_a_proxy_is_recognised_when_the_proto_hop_is_trusted(tmp_path_factory, backend_app):
    app = build_app("sqlite", tmp_path_factory, FORCE_HTTPS=True, PROXY_FIX_X_PROTO=1)
    client = app.test_client()
    response = client.get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert client.get("/auth/login").status_code == 302
