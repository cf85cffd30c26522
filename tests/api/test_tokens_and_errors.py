"""The JSON API: tokens, JSON errors, OpenAPI document, health check."""

from survey_app.auth.services import issue_token, revoke_token
from survey_app.extensions import db


def bearer(user) -> dict:
    _token, plain = issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_me_with_a_token(client, org):
    response = client.get("/api/v1/me", headers=bearer(org.users["leader"]))
    assert response.status_code == 200
    assert response.json["username"] == "leader1"
    assert response.json["unit"]["code"] == "003"


def test_missing_unknown_and_revoked_tokens_get_401_json(client, org):
    for headers in ({}, {"Authorization": "Bearer sat_nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.is_json and response.json["code"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    token, plain = issue_token(org.users["leader"], "x")
    revoke_token(token)
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_the_api_ignores_a_signed_in_browsers_cookie(client, org):
    from tests.conftest import PASSWORD, login

    assert login(client, org.users["leader"].username, PASSWORD).status_code == 302
    assert client.get("/leader").status_code == 200  # the cookie works on the site
    response = client.get("/api/v1/me")  # but is no credential on the API
    assert response.status_code == 401 and response.is_json
    answered = client.get("/api/v1/me", headers=bearer(org.users["leader"]))
    assert answered.status_code == 200
    assert "Set-Cookie" not in answered.headers and "Cookie" not in answered.headers.get("Vary", "")
    assert client.get("/leader").status_code == 200  # and the site session is untouched


def test_units_are_scoped(client, org):
    units = client.get("/api/v1/units", headers=bearer(org.users["leader"])).json
    codes = {u["code"] for u in units}
    assert codes == {"003", "00109", "00112", "00109-MC"}
    sibling = bearer(org.users["sibling"])
    assert client.get("/api/v1/units/00109", headers=sibling).status_code == 404
    assert client.get("/api/v1/units/00109", headers=sibling).json["message"]


def test_unknown_api_path_is_json_404_and_site_404_is_html(client):
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.is_json
    page = client.get("/nothing-here")
    assert page.status_code == 404 and "text/html" in page.content_type


def test_openapi_document_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_cli_token_prints_a_working_token_on_its_last_line(app, org, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "token", "leader1"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_cli_creates_users(app, org, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "mai",
            "--role",
            "official",
            "--unit",
            "00109",
            "--password",
            "pass-word-2026",
        ]
    )
    assert result.exit_code == 0, result.output
    assert client.get("/official").status_code == 302
    from tests.conftest import login

    assert login(client, "mai", "pass-word-2026").headers["Location"] == "/official"
    assert runner.invoke(args=["users", "create", "x", "--role", "official", "--unit", "nope"]).exit_code != 0
    generated = runner.invoke(args=["users", "create", "lan", "--role", "leader", "--unit", "003"])
    assert "password:" in generated.output


def test_healthz_reports_app_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
