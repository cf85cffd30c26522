"""Campaign states and their rules, units and targets, the online window; the campaign pages."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from survey_app.extensions import db
from survey_app.models.sipas import CampaignState
from survey_app.sipas.campaigns import (
    SipasError,
    change_state,
    ensure_accepts_entry,
    ensure_accepts_online,
    set_campaign_unit,
)
from tests.conftest import login, post_form
from tests.factories import make_sipas_campaign


def test_a_campaign_goes_draft_open_closed_published(campaign, org, caplog):
    assert campaign.state == CampaignState.draft
    with pytest.raises(SipasError, match="không thể thực hiện thao tác này"):
        change_state(campaign, "publish")
    caplog.set_level(logging.INFO, logger="survey_app.sipas")
    change_state(campaign, "open")
    change_state(campaign, "close")
    change_state(campaign, "open")  # a closed campaign may reopen
    change_state(campaign, "close")
    change_state(campaign, "publish")
    assert campaign.state == CampaignState.published and campaign.published_at is not None
    assert "campaign TH-2026: closed -> published" in caplog.messages
    with pytest.raises(SipasError, match="đã công bố"):
        set_campaign_unit(campaign, org.ward, target=5)
    with pytest.raises(SipasError, match="không thể thực hiện thao tác này"):
        change_state(campaign, "open")


def test_a_campaign_without_units_cannot_open(org):
    campaign = make_sipas_campaign(org.district)
    with pytest.raises(SipasError, match="ít nhất một đơn vị tham gia"):
        change_state(campaign, "open")


def test_targets_come_from_the_sample_size_formula(campaign, org):
    link = set_campaign_unit(campaign, org.ward2, target=None, population=6100)
    assert link.target == 376  # 6100 / (1 + 6100·0.05²) = 375.4 -> 376
    assert {link.unit.code: link.target for link in campaign.units} == {"00109": 100, "00112": 376}
    with pytest.raises(SipasError, match="số hồ sơ"):
        set_campaign_unit(campaign, org.ward2, target=None)


def test_bad_campaigns_are_refused_with_a_reason(campaign, org):
    with pytest.raises(SipasError, match="Đã có đợt khảo sát mang mã TH-2026"):
        make_sipas_campaign(org.district)
    with pytest.raises(SipasError, match="Không có phiên bản bảng hỏi sipas-1999"):
        make_sipas_campaign(org.district, code="X", questionnaire="sipas-1999")


def test_no_online_answers_before_open_or_after_close(campaign):
    inside = datetime(2026, 3, 10, 3, tzinfo=UTC)
    with pytest.raises(SipasError, match="không nhận câu trả lời"):
        ensure_accepts_online(campaign, inside)
    change_state(campaign, "open")
    ensure_accepts_online(campaign, inside)
    with pytest.raises(SipasError, match="không nhận câu trả lời"):
        ensure_accepts_online(campaign, datetime(2026, 5, 1, 3, tzinfo=UTC))
    change_state(campaign, "close")
    with pytest.raises(SipasError, match="không nhận câu trả lời"):
        ensure_accepts_online(campaign, inside)
    # paper forms typed up after the close are still accepted for dates in the period
    ensure_accepts_entry(campaign, inside)


def test_an_official_creates_and_runs_a_campaign(client, org):
    login(client, "admin1")
    created = post_form(
        client,
        "/sipas/campaigns/new",
        {
            "code": "HN-2026",
            "name": "SIPAS Hà Nội 2026",
            "questionnaire": "sipas-2023",
            "start_on": "01/03/2026",
            "end_on": "30/04/2026",
            "channels": ["online", "paper"],
            "owner_id": org.district.id,
        },
    )
    assert created.status_code == 302
    url = "/sipas/campaigns/HN-2026"
    post_form(client, f"{url}/units", {"unit_id": org.ward.id, "population": "6100"}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "Phường Bưởi" in page and "376" in page
    assert "Trực tuyến (đường dẫn, mã QR), Phiếu giấy" in page  # the channels, as the form named them
    assert post_form(client, f"{url}/state/open", {}, token_from=url).status_code == 302
    assert "đang mở" in client.get(url).get_data(as_text=True)


def test_a_bad_campaign_form_is_shown_again_with_translated_errors(client, org):
    login(client, "admin1")
    page = post_form(
        client,
        "/sipas/campaigns/new",
        {"code": "bad code!", "name": "", "questionnaire": "ward-short", "start_on": "31/02/2026",
         "end_on": "", "channels": [], "owner_id": org.district.id},
    )  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chỉ dùng chữ cái" in html and "Hãy nhập tên." in html and "Hãy chọn một kênh." in html


def test_the_campaign_list_names_each_state(client, campaign, org):
    make_sipas_campaign(org.district, {org.ward: 10}, code="TH-2025", state="published")
    db.session.commit()
    login(client, "leader1")
    html = client.get("/sipas/campaigns").get_data(as_text=True)
    assert "bản nháp" in html and "đã công bố" in html
