"""Pages that pick a unit for new data offer the units open today; history pages keep the closed ones.

The test org's Phường Bưởi (00109) merges into Phường Tây Hồ (00103) on 1/7/2025. On 20/6/2025, with the
merger already recorded, Bưởi still operates and Tây Hồ does not yet; today it is the other way round.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from survey_app.extensions import db
from survey_app.org.services import get_unit_by_code, is_open_today
from tests.conftest import login, select_options
from tests.factories import close_by_reorganisation, make_sipas_campaign

BEFORE_THE_MERGER = datetime(2025, 6, 20, 3, tzinfo=UTC)  # 10:00 in Hà Nội, 20/6/2025


@pytest.fixture
def merger(org):
    """The merger recorded, and a campaign of the second half of 2025 in which both wards take part."""
    close_by_reorganisation()
    tay_ho = get_unit_by_code("00103")
    make_sipas_campaign(
        org.district,
        {org.ward: 50, tay_ho: 50},
        code="TH-2025",
        start_on=date(2025, 6, 1),
        end_on=date(2025, 12, 31),
    )
    db.session.commit()
    return org.ward, tay_ho


# (page, select, how a unit's option value is written): the pickers for new data
PICKERS = [
    ("/kiosk/devices", "place", lambda unit: f"u{unit.id}"),
    ("/users/new", "unit_id", lambda unit: str(unit.id)),
    ("/sipas/campaigns/TH-2025", "unit_id", lambda unit: str(unit.id)),
    ("/sipas/campaigns/TH-2025/batches", "unit_id", lambda unit: str(unit.id)),
    ("/dialogue/new", "host_unit_id", lambda unit: str(unit.id)),
    ("/dialogue/new", "invitee_ids", lambda unit: str(unit.id)),
]
IDS = ["kiosk-device", "user", "campaign-unit", "paper-batch", "conference-host", "conference-invitee"]


@pytest.mark.parametrize(("url", "select", "value"), PICKERS, ids=IDS)
def test_a_picker_offers_the_successor_today_and_not_the_closed_unit(client, merger, url, select, value):
    buoi, tay_ho = merger
    login(client, "admin1")
    options = select_options(client.get(url).get_data(as_text=True), select)
    assert options[value(tay_ho)].startswith("Phường Tây Hồ")
    assert value(buoi) not in options
    assert not any("Phường Bưởi" in label for label in options.values())


@pytest.mark.parametrize(("url", "select", "value"), PICKERS, ids=IDS)
def test_before_its_effective_day_a_recorded_merger_changes_no_picker(client, merger, url, select, value):
    buoi, tay_ho = merger
    with time_machine.travel(BEFORE_THE_MERGER, tick=False):
        login(client, "admin1")
        options = select_options(client.get(url).get_data(as_text=True), select)
    assert options[value(buoi)].startswith("Phường Bưởi")  # closed as "merged", yet open until 30/6
    assert value(tay_ho) not in options  # recorded, opens on 1/7


def test_is_open_today_follows_the_calendar_not_the_status(merger):
    buoi, tay_ho = merger
    assert (is_open_today(buoi), is_open_today(tay_ho)) == (False, True)
    with time_machine.travel(BEFORE_THE_MERGER, tick=False):
        assert (is_open_today(buoi), is_open_today(tay_ho)) == (True, False)
    assert not buoi.is_active  # the status says "merged" from the day the file is applied


def test_a_user_of_a_closed_unit_can_still_be_edited(client, org, merger):
    buoi, tay_ho = merger
    clerk = org.users["official"]
    clerk.unit_id = buoi.id
    db.session.commit()
    login(client, "admin1")
    options = select_options(client.get(f"/users/{clerk.id}/edit").get_data(as_text=True), "unit_id")
    assert str(buoi.id) in options  # their own unit, so the rest of the account can be saved
    assert str(tay_ho.id) in options
    assert str(buoi.id) not in select_options(client.get("/users/new").get_data(as_text=True), "unit_id")


def test_history_pages_still_offer_the_closed_unit(client, org, merger):
    buoi, _tay_ho = merger
    login(client, "admin1")
    page = client.get(f"/dashboards/kiosk?unit={org.district.code}").get_data(as_text=True)
    assert select_options(page, "unit")[buoi.code] == "Phường Bưởi"
