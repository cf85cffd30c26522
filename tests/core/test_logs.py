"""Logging: one line per event, with the request id on lines written while serving a request."""

from __future__ import annotations

import logging

from tests.conftest import login


def test_each_answer_carries_a_request_id_and_a_proxys_id_is_kept(client):
    first = client.get("/auth/login").headers["X-Request-ID"]
    second = client.get("/auth/login").headers["X-Request-ID"]
    assert first and second and first != second
    kept = client.get("/auth/login", headers={"X-Request-ID": "lb-7f3a.42"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a.42"
    # Anything that does not look like an id (a log-injection attempt, say) is replaced.
    replaced = client.get("/auth/login", headers={"X-Request-ID": "x] FAKE ERROR " + "y" * 80})
    assert replaced.headers["X-Request-ID"].isalnum()


def test_a_lockout_is_logged_with_the_request_id(app, client, org, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_ATTEMPTS", 2)
    with caplog.at_level(logging.INFO, logger="survey_app"):
        login(client, "official1", "wrong-password-1")
        response = login(client, "official1", "wrong-password-2")
    lines = [r for r in caplog.records if "locked" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING
    assert lines[0].name == "survey_app.auth.lockout"
    handler = next(h for h in logging.getLogger("survey_app").handlers if getattr(h, "_survey_app", False))
    formatted = handler.format(lines[0])
    assert f"[{response.headers['X-Request-ID']}]" in formatted


def test_a_unit_import_reports_its_result_in_the_log(app, org, caplog):
    from survey_app.org.transfer import import_units_csv

    with caplog.at_level(logging.INFO, logger="survey_app"):
        import_units_csv("code,name,kind,parent_code\n00115,Phường Nhật Tân,ward,003\n")
        import_units_csv("code,name,kind,parent_code\n,,nowhere,\n")
    messages = [r.getMessage() for r in caplog.records]
    assert "unit import: 1 created, 0 updated, 0 unchanged" in messages
    assert any(m.startswith("unit import refused: 1 problem(s)") for m in messages)
