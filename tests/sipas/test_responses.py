"""Responses and the count cube kept exactly in step: recording, corrections, exclusions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models.audit import AuditEntry
from survey_app.models.sipas import Channel
from survey_app.sipas.batches import enter_paper_form, open_batch
from survey_app.sipas.campaigns import SipasError, questionnaire_of
from survey_app.sipas.count_cube import recount_cube
from survey_app.sipas.responses import clean_answers, record_response, set_excluded, update_response
from survey_app.sipas.transfer import import_csv
from tests.conftest import login, post_form
from tests.sipas.helpers import CSV_TEXT, cube, report_of, unit_n


def test_the_cube_follows_edits_and_exclusions_exactly(campaign, org):
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    response = record_response(
        campaign,
        org.ward,
        channel=Channel.paper,
        answers={"S01": 5, "S02": 3},
        submitted_at=datetime(2026, 3, 9, 3, tzinfo=UTC),
    )
    db.session.commit()
    assert cube(campaign)[(org.ward.id, "S01", 5)] == 2  # r1 and this one
    assert cube(campaign)[(org.ward.id, "S03", 0)] == 1  # left blank: counted as "no answer"

    update_response(response, {"S01": 1, "S02": 3})
    set_excluded(response, True, "duplicate form")
    db.session.commit()
    after = cube(campaign)
    recount_cube(campaign)
    db.session.commit()
    assert cube(campaign) == after  # incremental == recount from the answers
    assert unit_n(campaign) == {
        (org.ward.id, "online"): 1,
        (org.ward.id, "paper"): 1,
        (org.ward2.id, "phone"): 1,
        (org.ward2.id, "paper"): 1,
    }
    assert (org.ward.id, "S01", 1) not in after  # the excluded form counts nowhere


def test_answers_are_checked_against_the_questionnaire(campaign):
    questionnaire = questionnaire_of(campaign)
    assert clean_answers(questionnaire, {"S01": "4", "S02": 0, "S03": "", "D1": 2}) == {"S01": 4, "D1": 2}
    with pytest.raises(SipasError, match="S01: 6"):
        clean_answers(questionnaire, {"S01": 6})
    with pytest.raises(SipasError, match="X99"):
        clean_answers(questionnaire, {"X99": 1})


def test_a_spoiled_paper_form_is_left_out_and_counted_again(client, open_campaign, org):
    campaign = open_campaign
    batch = open_batch(
        campaign, org.ward, place="Một cửa", collected_on=date(2026, 3, 9), forms_in_hand=2, user_id=None
    )
    first = enter_paper_form(batch, {"S01": 5}, "", None)
    enter_paper_form(batch, {"S01": 1}, "", None)
    db.session.commit()
    login(client, "official1")
    batch_url = f"/sipas/batches/{batch.id}"
    post_form(client, f"/sipas/responses/{first.id}/exclude", {"reason": "phiếu trùng"}, token_from=batch_url)
    db.session.expire_all()
    report = report_of(campaign, org.ward)
    assert report["n"] == 1 and report["criteria"]["S01"]["index"] == 0.0  # only the "1" is left
    assert "đã loại: phiếu trùng" in client.get(batch_url).get_data(as_text=True)
    post_form(client, f"/sipas/responses/{first.id}/exclude", {}, token_from=batch_url)
    db.session.expire_all()
    assert report_of(campaign, org.ward)["criteria"]["S01"]["index"] == 50.0
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"sipas.response.exclude", "sipas.response.include"} <= actions
