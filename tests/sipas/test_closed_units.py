"""SIPAS and closed units: no joining, no paper or online answer, no imported row after the closing day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models.sipas import SipasCampaignUnit, SipasResponse
from survey_app.sipas.batches import enter_paper_form, open_batch
from survey_app.sipas.campaigns import SipasError, change_state, participates, set_campaign_unit
from survey_app.sipas.transfer import import_csv
from tests.conftest import login, post_form
from tests.factories import close_by_reorganisation, make_sipas_campaign
from tests.sipas.helpers import CSV_TEXT, HEADER

IN_THE_PERIOD = datetime(2026, 3, 10, 3, tzinfo=UTC)


def responses() -> int:
    return db.session.scalar(select(func.count()).select_from(SipasResponse))


def test_a_closed_unit_cannot_join_a_campaign_after_its_closing(org):
    close_by_reorganisation()  # Phường Bưởi merges into Phường Tây Hồ on 1/7/2025
    campaign = make_sipas_campaign(org.district, {org.ward2: 50}, code="TH-2026B")
    with pytest.raises(SipasError, match="01/07/2025") as refused:
        set_campaign_unit(campaign, org.ward, target=100)
    assert "00103 Phường Tây Hồ" in str(refused.value)  # who collects instead
    assert not participates(campaign, org.ward)
    # a campaign of the first half of 2025 still takes it in, for its paper backlog
    past = make_sipas_campaign(
        org.district, {}, code="TH-2025", start_on=date(2025, 5, 1), end_on=date(2025, 8, 31)
    )
    set_campaign_unit(past, org.ward, target=100)
    assert participates(past, org.ward)


def test_the_cli_refuses_to_add_a_closed_unit(app, org):
    close_by_reorganisation()
    make_sipas_campaign(org.district, {org.ward2: 50}, code="TH-2026B")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["sipas", "campaign", "add-unit", "TH-2026B", "00109", "--target", "9"]
    )
    assert result.exit_code != 0 and "01/07/2025" in result.output
    assert db.session.scalar(select(func.count()).select_from(SipasCampaignUnit)) == 1


def test_the_campaign_page_does_not_add_a_closed_unit(client, org):
    close_by_reorganisation()
    make_sipas_campaign(org.district, {org.ward2: 50}, code="TH-2026B")
    db.session.commit()
    login(client, "admin1")
    url = "/sipas/campaigns/TH-2026B"
    answer = post_form(client, f"{url}/units", {"unit_id": org.ward.id, "target": "9"}, token_from=url)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Đơn vị này không thể tham gia đợt khảo sát" in page and "01/07/2025" in page
    assert db.session.scalar(select(func.count()).select_from(SipasCampaignUnit)) == 1


def test_paper_forms_for_a_closed_unit_are_refused(open_campaign, org):
    early = open_batch(
        open_campaign, org.ward, place="Một cửa", collected_on=date(2026, 3, 9), forms_in_hand=2, user_id=None
    )  # opened while the closing was not yet recorded
    close_by_reorganisation()
    with pytest.raises(SipasError, match="01/07/2025"):
        enter_paper_form(early, {"S01": 4}, "", None)
    with pytest.raises(SipasError, match="01/07/2025"):
        open_batch(
            open_campaign,
            org.ward,
            place="Một cửa",
            collected_on=date(2026, 3, 9),
            forms_in_hand=1,
            user_id=None,
        )
    assert responses() == 0


@time_machine.travel(IN_THE_PERIOD, tick=False)
def test_the_online_form_of_a_closed_unit_says_who_took_over(app, org, open_campaign):
    close_by_reorganisation()
    client = app.test_client()
    page = client.get("/sipas/s/TH-2026/00109").get_data(as_text=True)
    assert "01/07/2025" in page and "Phường Tây Hồ" in page and "Trang 1/" not in page
    assert client.get("/sipas/s/TH-2026/00112").get_data(as_text=True).count("Trang 1/") == 1


def test_an_import_refuses_rows_of_closed_units_and_units_outside_the_campaign(campaign, org):
    close_by_reorganisation()
    text = CSV_TEXT + "r5,00367,paper,2026-03-08,4,4,4,4,4,4,4,4,4,\n"
    result = import_csv(campaign, text)
    assert not result.ok and responses() == 0
    assert [e.split(":")[0] for e in result.errors] == ["Dòng 2", "Dòng 3", "Dòng 6"]
    assert "00109" in result.errors[0] and "01/07/2025" in result.errors[0]
    assert "00367" in result.errors[2] and "không tham gia" in result.errors[2]


def test_an_import_takes_a_closed_units_rows_dated_before_its_closing(org):
    close_by_reorganisation()
    past = make_sipas_campaign(
        org.district, {org.ward: 10}, code="TH-2025", start_on=date(2025, 5, 1), end_on=date(2025, 8, 31)
    )
    change_state(past, "open")
    db.session.commit()
    before = HEADER + "\nb1,00109,paper,2025-06-30T23:00:00+07:00,4,4,4,4,4,4,4,4,4,\n"
    assert import_csv(past, before).created == 1
    after = HEADER + "\nb2,00109,paper,2025-07-01T00:30:00+07:00,4,4,4,4,4,4,4,4,4,\n"
    refused = import_csv(past, after)
    assert len(refused.errors) == 1 and refused.errors[0].startswith("Dòng 2")
    assert "01/07/2025" in refused.errors[0]
    assert responses() == 1
