"""Sessions end for good on sign-out, password change and reset; lock-outs tell no names apart and hold
only for one address and name, a short while."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine

from survey_app.auth import services
from survey_app.extensions import db
from survey_app.models import AuditEntry
from tests.conftest import PASSWORD, csrf_token, login, post_form

LOCKED = "Đăng nhập sai quá nhiều lần"
WRONG = "Sai tên đăng nhập hoặc mật khẩu"
MINUTES = re.compile(r"thử lại sau (\d+) phút")


def client_at(app, address: str):
    """A browser at a given client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_out(client) -> None:
    token = csrf_token(client, "/account")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302


def error_of(response) -> str:
    """The error shown on the sign-in page."""
    match = re.search(
        r'<p class="flash flash-error" role="alert">(.*?)</p>', response.get_data(as_text=True), re.S
    )
    return match.group(1).strip() if match else ""


# --- sessions -----------------------------------------------------------------------------------


def test_a_cookie_captured_before_sign_out_no_longer_works(app, org):
    browser = app.test_client()
    login(browser, "leader1")
    captured = browser.get_cookie("session").value
    sign_out(browser)
    thief = app.test_client()
    thief.set_cookie("session", captured)
    assert thief.get("/leader").status_code == 302


def test_sign_out_ends_every_session_of_the_user(app, org):
    office, phone = app.test_client(), app.test_client()
    login(office, "leader1")
    login(phone, "leader1")
    sign_out(phone)
    assert office.get("/leader").status_code == 302
    assert login(app.test_client(), "leader1").status_code == 302  # signing in again works


def test_a_password_change_ends_the_old_cookie_of_the_same_browser_too(app, org):
    browser = app.test_client()
    login(browser, "leader1")
    captured = browser.get_cookie("session").value
    response = post_form(
        browser,
        "/auth/password",
        {"current": PASSWORD, "new": "new-secret-2026", "confirm": "new-secret-2026"},
    )
    assert response.status_code == 302
    assert browser.get("/leader").status_code == 200  # the browser that changed it goes on
    thief = app.test_client()
    thief.set_cookie("session", captured)
    assert thief.get("/leader").status_code == 302


def test_an_administrators_reset_revokes_tokens_and_ends_sessions(app, org):
    victim = app.test_client()
    login(victim, "leader1")
    _token, plain = services.issue_token(org.users["leader"], "laptop")
    db.session.commit()
    api = {"Authorization": f"Bearer {plain}"}
    assert victim.get("/api/v1/me", headers=api).status_code == 200
    admin = app.test_client()
    login(admin, "unit_admin1")
    leader_id = org.users["leader"].id
    response = post_form(
        admin, f"/users/{leader_id}/reset-password", {}, token_from=f"/users/{leader_id}/edit"
    )
    assert response.status_code == 200
    assert victim.get("/leader").status_code == 302
    answer = victim.get("/api/v1/me", headers=api)
    assert answer.status_code == 401 and answer.is_json
    assert db.session.query(AuditEntry).filter_by(action="token.revoke").count() == 1


# --- lock-out -----------------------------------------------------------------------------------


def test_unknown_names_are_locked_exactly_like_known_ones(app, org):
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    answers = {}
    for name in ("official1", "no-such-user"):
        client = client_at(app, "192.0.2.10")
        seen = [error_of(login(client, name, "wrong-password-1")) for _ in range(limit)]
        after = error_of(login(client, name, PASSWORD))
        answers[name] = (seen, after)
    assert answers["official1"] == answers["no-such-user"]
    seen, after = answers["official1"]
    assert all(WRONG in message for message in seen[:-1])
    assert LOCKED in seen[-1] and LOCKED in after


def test_a_stranger_cannot_lock_a_colleague_out_of_their_own_desk(app, org):
    stranger = client_at(app, "198.51.100.66")
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"] + 3):
        login(stranger, "official1", "guessing-123")
    assert LOCKED in login(stranger, "official1", PASSWORD).get_data(as_text=True)
    colleague = client_at(app, "192.0.2.5")
    assert login(colleague, "official1").status_code == 302


def test_a_lock_never_lasts_longer_than_the_ceiling(app, org):
    ceiling_minutes = app.config["LOGIN_LOCKOUT_MAX_SECONDS"] // 60
    assert ceiling_minutes <= 15
    client = client_at(app, "192.0.2.20")
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    waits = []
    with time_machine.travel(start, tick=False) as traveller:
        for _round in range(6):
            for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
                body = login(client, "official1", "wrong-password-1").get_data(as_text=True)
            minutes = int(MINUTES.search(body).group(1))
            waits.append(minutes)
            traveller.shift(timedelta(minutes=minutes, seconds=1))
        assert login(client, "official1").status_code == 302
    assert waits[0] == 5 and waits[1] == 10
    assert max(waits) == ceiling_minutes  # doubling stops at the ceiling (5, 10, 15, 15, …)


def test_an_address_failing_with_many_names_is_locked_as_a_whole(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_ATTEMPTS", 12)
    sprayer = client_at(app, "203.0.113.99")
    for index in range(12):  # three tries at each of four names: no name reaches its own limit
        login(sprayer, f"name-{index % 4}", "spring2026")
    assert LOCKED in login(sprayer, "official1", PASSWORD).get_data(as_text=True)
    assert login(client_at(app, "192.0.2.5"), "official1").status_code == 302


def test_an_administrators_unlock_lifts_the_lock_everywhere(app, org):
    client = client_at(app, "192.0.2.30")
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        login(client, "official1", "wrong-password-1")
    official = org.users["official"]
    db.session.refresh(official)
    assert official.locked_until is not None  # the administrator sees the lock and can lift it
    admin = app.test_client()
    login(admin, "unit_admin1")
    response = post_form(admin, f"/users/{official.id}/unlock", {}, token_from=f"/users/{official.id}/edit")
    assert response.status_code == 302
    assert login(client, "official1").status_code == 302


def test_unknown_names_are_checked_against_a_hash_of_the_configured_method(app):
    """The time a wrong name takes is the time of a real password check, not of some other method."""
    assert services._dummy_hash().startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0] + ":")
    assert (
        services._dummy_hash().split("$")[0]
        == services.generate_password_hash("x", method=app.config["PASSWORD_HASH_METHOD"]).split("$")[0]
    )
