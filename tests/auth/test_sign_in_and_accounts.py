"""Signing in and out, lockout, password changes, session lifetime."""

from datetime import timedelta

from survey_app.extensions import db
from survey_app.models import AuditEntry, utcnow
from tests.conftest import PASSWORD, csrf_token, login, post_form


def test_each_role_lands_on_its_home(client, org):
    homes = {"admin": "/org/units", "unit_admin": "/org/units", "official": "/official", "leader": "/leader"}
    for role, home in homes.items():
        fresh = client.application.test_client()
        response = login(fresh, f"{role}1")
        assert response.status_code == 302
        assert response.headers["Location"] == home
        assert fresh.get(home).status_code == 200


def test_wrong_password_is_refused_with_a_message(client, org):
    response = login(client, "leader1", "not-the-password")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)
    assert client.get("/leader").status_code == 302


def test_unknown_user_gets_the_same_message(client, org):
    body = login(client, "nobody", "whatever-123").get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu" in body


def test_lockout_after_repeated_failures_even_with_right_password(client, org, app):
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        login(client, "official1", "wrong-password-1")
    body = login(client, "official1", PASSWORD).get_data(as_text=True)
    assert "Đăng nhập sai quá nhiều lần" in body
    user = org.users["official"]
    db.session.refresh(user)
    assert user.locked_until > utcnow()
    assert db.session.query(AuditEntry).filter_by(action="user.locked").count() == 1


def test_language_chosen_on_the_sign_in_page_survives_the_sign_in(client, org):
    client.get("/lang/en?next=/auth/login")
    assert '<html lang="en">' in client.get("/auth/login").get_data(as_text=True)
    assert login(client, "leader1").headers["Location"] == "/leader"
    assert '<html lang="en">' in client.get("/leader").get_data(as_text=True)
    other = client.application.test_client()  # without a choice: Vietnamese, the default
    login(other, "leader1")
    assert '<html lang="vi">' in other.get("/leader").get_data(as_text=True)


def test_logout_needs_post_with_csrf(client, org):
    login(client, "leader1")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    token = csrf_token(client, "/account")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/leader").status_code == 302


def test_password_change_ends_other_sessions(app, org):
    first, second = app.test_client(), app.test_client()
    login(first, "leader1")
    login(second, "leader1")
    response = post_form(
        first,
        "/auth/password",
        {"current": PASSWORD, "new": "new-secret-2026", "confirm": "new-secret-2026"},
    )
    assert response.status_code == 302
    assert first.get("/leader").status_code == 200
    assert second.get("/leader").status_code == 302
    assert login(app.test_client(), "leader1", "new-secret-2026").status_code == 302


def test_weak_or_mismatched_new_password_rerenders_with_errors(client, org):
    login(client, "leader1")
    body = post_form(
        client, "/auth/password", {"current": PASSWORD, "new": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert "ít nhất 10 ký tự" in body
    body = post_form(
        client, "/auth/password", {"current": PASSWORD, "new": "long-enough-1", "confirm": "other-one-22"}
    ).get_data(as_text=True)
    assert "không khớp" in body
    assert login(client.application.test_client(), "leader1").status_code == 302


def test_sessions_expire(app):
    assert timedelta(minutes=5) <= app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=12)


def test_expired_session_cookie_is_refused(app, org):
    client = app.test_client()
    login(client, "leader1")
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    try:
        assert client.get("/leader").status_code == 302
    finally:
        app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=480)


def test_disabled_user_cannot_sign_in_and_loses_session(app, org):
    client = app.test_client()
    login(client, "leader1")
    user = org.users["leader"]
    user.active = False
    user.session_version += 1
    db.session.commit()
    assert client.get("/leader").status_code == 302
    assert "vô hiệu" in login(app.test_client(), "leader1").get_data(as_text=True)


def test_login_redirect_target_stays_on_site(client, org):
    token = csrf_token(client)
    response = client.post(
        "/auth/login?next=https://evil.example/x",
        data={"username": "leader1", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/leader"
