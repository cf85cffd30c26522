"""The SIPAS demo data: the former districts' 2024 campaigns, the new communes' 2026 ones, cube in step."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from survey_app.core import clock
from survey_app.demo.seed import seed_organisation, seed_reform
from survey_app.extensions import db
from survey_app.models.sipas import CampaignState, SipasResponse
from survey_app.org.services import get_unit_by_code
from survey_app.sipas.campaigns import ensure_accepts_online, get_campaign
from survey_app.sipas.count_cube import recount_cube
from survey_app.sipas.demo import seed, seed_history
from tests.sipas.helpers import report_of


def test_demo_campaigns_before_and_after_the_reform(app):
    list(seed_organisation())
    db.session.commit()
    history = list(seed_history())
    assert len(history) == 4 and list(seed_history()) == []  # idempotent
    list(seed_reform())
    db.session.commit()
    lines = list(seed())
    assert len(lines) == 5 and list(seed()) == []

    old = get_campaign("SIPAS-2024-TAYHO")
    assert (old.state, old.questionnaire, old.owner_unit.name) == (
        CampaignState.published,
        "sipas-2023",
        "Quận Tây Hồ",
    )
    assert old.end_on < date(2025, 7, 1) and len(old.units) == 8
    today = clock.today()
    new = get_campaign(f"SIPAS-{(today - timedelta(days=100)).year}-PTAYHO")  # its period's year
    assert new.owner_unit.name == "Phường Tây Hồ" and new.owner_unit.is_active
    assert new.end_on < today and new.state == CampaignState.published
    live = get_campaign("SIPAS-2026-HN")
    assert (live.state, live.questionnaire) == (CampaignState.open, "sipas-2023")
    ensure_accepts_online(live)  # the open campaign's period covers today
    assert all(link.unit.is_active for link in live.units)
    total = db.session.scalar(select(func.count(SipasResponse.id)))
    assert 3000 <= total <= 9000
    city = report_of(live, get_unit_by_code("01"))
    assert set(city["channels"]) == {"online", "paper", "phone", "interview"}
    assert 60 < city["overall"] < 95
    district = report_of(old, get_unit_by_code("003"))
    before = district["overall"]
    recount_cube(old)  # the bulk-inserted cube equals a recount from the answers
    assert report_of(old, get_unit_by_code("003"))["overall"] == before
