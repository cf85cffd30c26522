"""The SIPAS demo data: a closed sipas-2017 campaign and an open sipas-2023 one, cube in step."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.demo.seed import seed_organisation
from survey_app.extensions import db
from survey_app.models.sipas import CampaignState, SipasResponse
from survey_app.org.services import get_unit_by_code
from survey_app.sipas.campaigns import ensure_accepts_online, get_campaign
from survey_app.sipas.count_cube import recount_cube
from survey_app.sipas.demo import seed
from tests.sipas.helpers import report_of


def test_demo_campaigns_with_thousands_of_realistic_answers(app):
    list(seed_organisation())
    db.session.commit()
    lines = list(seed())
    assert len(lines) == 2 and list(seed()) == []  # idempotent
    closed, live = get_campaign("SIPAS-2025-TAYHO"), get_campaign("SIPAS-2026-HN")
    assert (closed.state, closed.questionnaire) == (CampaignState.closed, "sipas-2017")
    assert (live.state, live.questionnaire) == (CampaignState.open, "sipas-2023")
    ensure_accepts_online(live)  # the open campaign's period covers today
    total = db.session.scalar(select(func.count(SipasResponse.id)))
    assert 2000 <= total <= 6000
    city = report_of(live, get_unit_by_code("01"))
    assert set(city["channels"]) == {"online", "paper", "phone", "interview"}
    assert 60 < city["overall"] < 95
    district = report_of(closed, get_unit_by_code("003"))
    before = district["overall"]
    recount_cube(closed)  # the bulk-inserted cube equals a recount from the answers
    assert report_of(closed, get_unit_by_code("003"))["overall"] == before
