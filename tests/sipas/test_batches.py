"""Paper batches: typed by keyboard, closed when the count matches, corrected with a log."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models.audit import AuditEntry
from survey_app.models.sipas import BatchState, SipasResponse
from survey_app.sipas.batches import close_batch, enter_paper_form, open_batch, read_typed_answers
from survey_app.sipas.campaigns import SipasError, questionnaire_of
from tests.conftest import login, post_form
from tests.sipas.helpers import CRITERIA, report_of


def test_paper_batch_typed_closed_and_corrected_with_a_log(client, open_campaign, org):
    campaign = open_campaign
    login(client, "official1")
    url = f"/sipas/campaigns/{campaign.code}/batches"
    opened = post_form(
        client, url, {"unit_id": org.ward.id, "place": "Một cửa phường Bưởi", "collected_on": "09/03/2026",
                      "forms_in_hand": "2"},
    )  # fmt: skip
    batch_url = opened.headers["Location"]
    keys = dict.fromkeys(CRITERIA, "4")
    refused = post_form(client, batch_url, {**keys, "S03": "7"})
    assert (
        refused.status_code == 200
        and "Gõ 1, 2, 3, 4, 5, 9 hoặc 99 nếu “không biết”, hoặc để trống nếu bỏ trống."
        in refused.get_data(as_text=True)
    )
    assert post_form(client, batch_url, keys).status_code == 302
    early = post_form(client, batch_url + "/close", {}, token_from=batch_url)
    assert "Đã nhập 1 trên 2 phiếu" in client.get(early.headers["Location"]).get_data(as_text=True)
    assert post_form(client, batch_url, {**keys, "S01": "1", "S02": ""}).status_code == 302
    page = client.get(batch_url).get_data(as_text=True)
    assert "Đã nhập đủ 2 phiếu" in page
    assert post_form(client, batch_url + "/close", {}, token_from=batch_url).status_code == 302
    assert "đã đóng" in client.get(url).get_data(as_text=True)  # the batch list names its state
    report = report_of(campaign, org.ward)
    assert report["channels"] == {"paper": 2}
    assert report["criteria"]["S01"]["index"] == 50.0  # 4 and 1
    assert report["criteria"]["S02"]["n"] == 1

    first = db.session.scalars(select(SipasResponse).order_by(SipasResponse.id)).first()
    edit = f"/sipas/responses/{first.id}/edit"
    assert post_form(client, edit, {**keys, "S01": "2"}).status_code == 302
    db.session.expire_all()
    assert report_of(campaign, org.ward)["criteria"]["S01"]["index"] == 0.0  # 2 and 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sipas.response.edit"))
    assert entry.actor_id == org.users["official"].id
    assert entry.before["answers"]["S01"] == 4 and entry.after["answers"]["S01"] == 2


def test_typed_keys_are_read_one_per_question(campaign):
    questionnaire = questionnaire_of(campaign)
    answers, problems = read_typed_answers(questionnaire, {"S01": "5", "S02": "-", "S03": "0", "S04v2": "x"})
    assert answers == {"S01": 5}
    assert list(problems) == ["S04v2"]


def test_a_batch_closes_only_when_every_form_is_typed_and_the_closing_is_logged(open_campaign, org, caplog):
    batch = open_batch(
        open_campaign, org.ward, place="Một cửa", collected_on=date(2026, 3, 9), forms_in_hand=1, user_id=None
    )
    with pytest.raises(SipasError, match="0 trên 1"):
        close_batch(batch)
    enter_paper_form(batch, {"S01": 4}, "", None)
    with pytest.raises(SipasError, match="Đã nhập đủ"):
        enter_paper_form(batch, {"S01": 4}, "", None)
    caplog.set_level(logging.INFO, logger="survey_app.sipas")
    close_batch(batch)
    assert batch.state == BatchState.closed
    assert f"paper batch {batch.id} of campaign TH-2026 closed: 1 forms" in caplog.messages
    with pytest.raises(SipasError, match="đã đóng"):
        enter_paper_form(batch, {"S01": 4}, "", None)


def test_a_batch_date_outside_the_period_is_refused(open_campaign, org):
    with pytest.raises(SipasError, match="01/03/2026 – 30/04/2026"):
        open_batch(
            open_campaign,
            org.ward,
            place="Một cửa",
            collected_on=date(2026, 5, 2),
            forms_in_hand=1,
            user_id=None,
        )
