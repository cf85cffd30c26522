"""HTTP details: Allow on 405, 413 for chunked bodies over the limit, the health check over plain HTTP."""

from __future__ import annotations

import io
import json

from tests.conftest import build_app


def kiosk_token(app, unit_code: str = "00109-MC") -> str:
    """A device token from `flask kiosk register` (its last line), the documented way to get one."""
    result = app.test_cli_runner().invoke(args=["kiosk", "register", "--unit", unit_code, "--name", "Probe"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1].strip()


def test_405_on_a_page_says_which_methods_are_allowed(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "POST" in {m.strip() for m in response.headers["Allow"].split(",")}
    assert "text/html" in response.content_type


def test_405_on_the_api_says_which_methods_are_allowed_in_json(client):
    response = client.get("/api/v1/kiosk/ratings")
    assert response.status_code == 405
    assert response.is_json and response.json["code"] == 405
    assert "POST" in {m.strip() for m in response.headers["Allow"].split(",")}


def _chunked_post(client, path: str, body: bytes, headers: dict):
    """POST a body without Content-Length, as a server that decodes chunked transfer hands it over."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_kiosk_body_over_the_limit_is_413_not_400(app, org):
    token = kiosk_token(app)
    limit = app.config["KIOSK_MAX_BODY_BYTES"]
    comment = "x" * 1000
    items = [
        {"id": f"00000000-0000-4000-8000-{i:012d}", "level": "satisfied", "comment": comment}
        for i in range(3000)
    ]
    body = json.dumps({"ratings": items}).encode()
    assert len(body) > limit
    response = _chunked_post(
        app.test_client(), "/api/v1/kiosk/ratings", body, {"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 413
    assert response.is_json and response.json["code"] == 413


def test_a_chunked_body_within_the_limit_is_read_whole(app, org):
    token = kiosk_token(app)
    response = _chunked_post(
        app.test_client(),
        "/api/v1/kiosk/ratings",
        b'{"ratings": "not a list"}',
        {"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422  # parsed (not truncated), then refused for its content


def test_a_chunked_form_over_the_site_limit_is_413(app):
    body = b"username=" + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = app.test_client().post(
        "/auth/login",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413


def test_the_health_check_answers_over_plain_http_when_https_is_forced(tmp_path_factory, backend_app):
    forced = build_app("sqlite", tmp_path_factory, FORCE_HTTPS=True)
    client = forced.test_client()
    health = client.get("/healthz", base_url="http://app.internal:8000")
    assert health.status_code == 200 and health.json["database"] == "ok"
    for path in ("/auth/login", "/", "/api/v1/openapi.json"):
        page = client.get(path, base_url="http://app.internal:8000")
        assert page.status_code == 302 and page.headers["Location"].startswith("https://app.internal"), path
    assert client.get("/auth/login", base_url="https://app.internal").status_code == 200


def test_forcing_https_in_one_app_leaves_other_apps_alone(tmp_path_factory, backend_app):
    build_app("sqlite", tmp_path_factory, FORCE_HTTPS=True)
    relaxed = build_app("sqlite", tmp_path_factory, FORCE_HTTPS=False)
    assert relaxed.test_client().get("/auth/login", base_url="http://app.internal").status_code == 200
