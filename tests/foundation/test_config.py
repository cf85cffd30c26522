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
