"""Campaign states and their rules, targets, and the count cube kept exactly in step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_app.extensions import db
from survey_app.models.sipas import CampaignState, Channel
from survey_app.sipas import services
from tests.sipas.helpers import CSV_TEXT, cube, make_campaign, unit_n


def test_a_campaign_goes_draft_open_closed_published(org):
    campaign = make_campaign(org)
    assert campaign.state == CampaignState.draft
    with pytest.raises(services.SipasError, match="không thể thực hiện thao tác này"):
        services.change_state(campaign, "publish")
    services.change_state(campaign, "open")
    services.change_state(campaign, "close")
    services.change_state(campaign, "open")  # a closed campaign may reopen
    services.change_state(campaign, "close")
    services.change_state(campaign, "publish")
    assert campaign.state == CampaignState.published and campaign.published_at is not None
    with pytest.raises(services.SipasError, match="đã công bố"):
        services.set_campaign_unit(campaign, org.ward, target=5)
    with pytest.raises(services.SipasError, match="không thể thực hiện thao tác này"):
        services.change_state(campaign, "open")


def test_a_campaign_without_units_cannot_open(org):
    campaign = make_campaign(org, units=False)
    with pytest.raises(services.SipasError, match="ít nhất một đơn vị tham gia"):
        services.change_state(campaign, "open")


def test_targets_come_from_the_sample_size_formula(org):
    campaign = make_campaign(org)
    targets = {link.unit.code: link.target for link in campaign.units}
    assert targets == {"00109": 100, "00112": 376}  # 6100 / (1 + 6100·0.05²) = 375.4 -> 376


def test_bad_campaigns_are_refused_with_a_reason(org):
    make_campaign(org)
    with pytest.raises(services.SipasError, match="Đã có đợt khảo sát mang mã TH-2026"):
        make_campaign(org)
    with pytest.raises(services.SipasError, match="Không có phiên bản bảng hỏi sipas-1999"):
        make_campaign(org, "X", questionnaire="sipas-1999")


def test_no_online_answers_before_open_or_after_close(org):
    campaign = make_campaign(org)
    inside = datetime(2026, 3, 10, 3, tzinfo=UTC)
    with pytest.raises(services.SipasError, match="không nhận câu trả lời"):
        services.ensure_accepts_online(campaign, inside)
    services.change_state(campaign, "open")
    services.ensure_accepts_online(campaign, inside)
    with pytest.raises(services.SipasError, match="không nhận câu trả lời"):
        services.ensure_accepts_online(campaign, datetime(2026, 5, 1, 3, tzinfo=UTC))
    services.change_state(campaign, "close")
    with pytest.raises(services.SipasError, match="không nhận câu trả lời"):
        services.ensure_accepts_online(campaign, inside)
    # paper forms typed up after the close are still accepted for dates in the period
    services.ensure_accepts_entry(campaign, inside)


def test_the_cube_follows_edits_and_exclusions_exactly(org):
    campaign = make_campaign(org)
    services.import_csv(campaign, CSV_TEXT)
    db.session.commit()
    response = services.record_response(
        campaign,
        org.ward,
        channel=Channel.paper,
        answers={"S01": 5, "S02": 3},
        submitted_at=datetime(2026, 3, 9, 3, tzinfo=UTC),
    )
    db.session.commit()
    assert cube(campaign)[(org.ward.id, "S01", 5)] == 2  # r1 and this one
    assert cube(campaign)[(org.ward.id, "S03", 0)] == 1  # left blank: counted as "no answer"

    services.update_response(response, {"S01": 1, "S02": 3})
    services.set_excluded(services.get_campaign("TH-2026") and response, True, "duplicate form")
    db.session.commit()
    after = cube(campaign)
    services.recount_cube(campaign)
    db.session.commit()
    assert cube(campaign) == after  # incremental == recount from the answers
    assert unit_n(campaign) == {
        (org.ward.id, "online"): 1,
        (org.ward.id, "paper"): 1,
        (org.ward2.id, "phone"): 1,
        (org.ward2.id, "paper"): 1,
    }
    assert (org.ward.id, "S01", 1) not in after  # the excluded form counts nowhere
