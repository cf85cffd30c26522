"""Fixtures of the SIPAS tests: the district's campaign, in draft or open."""

from __future__ import annotations

import pytest

from survey_app.extensions import db
from survey_app.models.sipas import SipasCampaign
from survey_app.sipas.campaigns import change_state
from tests.factories import make_sipas_campaign


@pytest.fixture
def campaign(org) -> SipasCampaign:
    """The district's March–April 2026 draft campaign (ward-short), both its wards taking part; committed."""
    made = make_sipas_campaign(org.district, {org.ward: 100, org.ward2: 100})
    db.session.commit()
    return made


@pytest.fixture
def open_campaign(campaign) -> SipasCampaign:
    """The same campaign, open."""
    change_state(campaign, "open")
    db.session.commit()
    return campaign
