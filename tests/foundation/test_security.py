"""Security headers, cookies, CSRF, production configuration, rate limits."""

import random

import pytest

from survey_app import create_app
from survey_app.config import ConfigError
from tests.conftest import PASSWORD, csrf_token


def test_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_in_pages(client, org):
    from tests.conftest import login

    login(client, "admin1")
    for url in ("/auth/login", "/org/units", "/users/", "/account"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "onclick=" not in html


def test_session_cookie_is_httponly_and_samesite(client, org):
    token = csrf_token(client)
    response = client.post(
        "/auth/login", data={"username": "leader1", "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production"})


def _production_environment(monkeypatch, **variables):
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "RATELIMIT_ALLOW_MEMORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def test_production_cookies_are_secure(monkeypatch):
    _production_environment(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    app = create_app({"APP_ENV": "production"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_forms_refuse_posts_without_csrf_token(client, org):
    response = client.post("/auth/login", data={"username": "leader1", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/leader").status_code == 302


def test_login_is_rate_limited(tmp_path_factory, backend_app):
    from tests.conftest import build_app

    app = build_app("sqlite", tmp_path_factory, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    token = csrf_token(client)
    statuses = [
        client.post("/auth/login", data={"username": "x", "password": "y", "csrf_token": token}).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[-1] == 429


def test_rate_limits_are_shared_through_redis_between_app_servers(tmp_path_factory, backend_app):
    """Two app servers with one REDIS_URL count one client's attempts together."""
    import redis

    from tests.conftest import build_app

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    # An address of this test's own: both backends' runs (two pytest workers) share the Redis at once,
    # and its counters expire by themselves.
    address = f"10.16.{random.randrange(256)}.{random.randrange(1, 255)}"
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute", "REDIS_URL": url}
    first = build_app("sqlite", tmp_path_factory, **settings)
    second = build_app("sqlite", tmp_path_factory, **settings)
    statuses = []
    for app in (first, second, first, second):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_token(client)
        statuses.append(
            client.post(
                "/auth/login", data={"username": "x", "password": "y", "csrf_token": token}
            ).status_code
        )
    assert statuses == [200, 200, 200, 429]


def test_production_refuses_rate_limits_counted_in_each_workers_memory(monkeypatch):
    """Memory storage counts per worker: "20 per minute" would let 20 through per worker and server."""
    _production_environment(monkeypatch)
    with pytest.raises(ConfigError, match="REDIS_URL"):
        create_app({"APP_ENV": "production"})


def test_production_keeps_limits_in_redis_url_unless_told_otherwise(monkeypatch):
    _production_environment(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")
    assert create_app({"APP_ENV": "production"}).config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    _production_environment(
        monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3", RATELIMIT_STORAGE_URI="redis://10.0.0.9:6379/1"
    )
    assert create_app({"APP_ENV": "production"}).config["RATELIMIT_STORAGE_URI"] == "redis://10.0.0.9:6379/1"


def test_production_may_keep_limits_in_memory_when_explicitly_allowed(monkeypatch):
    """One single-process server (say `gunicorn -w 1 --threads 8`) has only one memory to count in."""
    _production_environment(monkeypatch, RATELIMIT_ALLOW_MEMORY="1")
    assert create_app({"APP_ENV": "production"}).config["RATELIMIT_STORAGE_URI"] == "memory://"
