"""Deployment settings: operators tune features through environment variables."""

from survey_app import create_app


def test_feature_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SMALL_SAMPLE_MIN", "10")
    monkeypatch.setenv("KIOSK_MIN_INTERVAL_SECONDS", "2.5")
    monkeypatch.setenv("SIPAS_SUBMIT_RATE", "5 per minute")
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SMALL_SAMPLE_MIN"] == 10
    assert app.config["KIOSK_MIN_INTERVAL_SECONDS"] == 2.5
    assert app.config["SIPAS_SUBMIT_RATE"] == "5 per minute"


def test_feature_settings_have_working_defaults(tmp_path):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SMALL_SAMPLE_MIN"] == 30
    assert app.config["DIALOGUE_ANSWER_WORKING_DAYS"] == 10
    assert app.config["KIOSK_LEVEL_SET"] == "3"


def test_postgresql_sessions_plan_for_ssd_storage(monkeypatch):
    """The planner's cost of random reads is the deployment's (SSD by default), on every connection."""
    import os

    import pytest
    from sqlalchemy import text

    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL runs when TEST_DATABASE_URL is set")
    from survey_app.extensions import db

    for setting, expected in ((None, "1.1"), ("2.5", "2.5")):
        if setting:
            monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", setting)
        app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            assert db.session.scalar(text("SHOW random_page_cost")) == expected
            db.engine.dispose()
