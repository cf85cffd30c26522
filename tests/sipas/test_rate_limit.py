"""Public-form submissions are rate limited per address (a separate app with limits switched on)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from survey_app.extensions import db
from survey_app.sipas import services
from tests.conftest import Org, build_app, csrf_token, empty_tables


@pytest.fixture
def limited_app(tmp_path_factory):
    app = build_app("sqlite", tmp_path_factory, RATELIMIT_ENABLED=True, SIPAS_SUBMIT_RATE="3 per minute")
    yield app
    empty_tables(app)
    with app.app_context():
        db.engine.dispose()


def test_the_fourth_post_within_a_minute_is_refused(limited_app):
    with limited_app.app_context():
        org = Org()
        today = date.today()
        campaign = services.create_campaign(
            code="RL",
            name="Giới hạn",
            questionnaire="ward-short",
            start_on=today - timedelta(days=1),
            end_on=today + timedelta(days=1),
            owner_unit=org.district,
        )
        services.set_campaign_unit(campaign, org.ward, target=5)
        services.change_state(campaign, "open")
        db.session.commit()
        client = limited_app.test_client()
        url = "/sipas/s/RL/00109?p=1"
        token = csrf_token(client, url)
        replies = [client.post(url, data={"S01": "4", "csrf_token": token}) for _ in range(4)]
        assert [r.status_code for r in replies] == [302, 302, 302, 429]
        assert "Quá nhiều yêu cầu" in replies[-1].get_data(as_text=True)
        assert client.get(url).status_code == 200  # reading the form is not limited
