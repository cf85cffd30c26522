"""Responses of SIPAS: answers checked against the questionnaire, recorded, corrected or left out.

Each change moves the count cube with it in the same transaction (`survey_app.sipas.count_cube`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import gettext as _

from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import Channel, SipasAnswer, SipasBatch, SipasCampaign, SipasResponse
from survey_app.sipas.campaigns import SipasError, ensure_not_published, questionnaire_of
from survey_app.sipas.count_cube import apply_to_cube, increments_of
from survey_app.sipas.questionnaire import Questionnaire

MAX_COMMENT = 4000


def clean_answers(questionnaire: Questionnaire, raw: dict[str, object]) -> dict[str, int]:
    """Answers checked against the questionnaire: known codes, allowed values (99 = "don't know", kept);
    0 or empty = a blank, not stored."""
    answers: dict[str, int] = {}
    for code, value in raw.items():
        item = questionnaire.item(code)
        if item is None:
            raise SipasError(_("Unknown question %(code)s.", code=code))
        if value in (None, "", 0, "0"):
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = -1
        if number not in questionnaire.allowed_values(code):
            raise SipasError(_("%(code)s: %(value)s is not an allowed answer.", code=code, value=value))
        answers[code] = number
    return answers


def record_response(
    campaign: SipasCampaign,
    unit: Unit,
    *,
    channel: Channel,
    answers: dict[str, int],
    submitted_at: datetime,
    comment: str = "",
    batch: SipasBatch | None = None,
    entered_by_id: int | None = None,
    external_id: str | None = None,
) -> SipasResponse:
    """Store one response and count it in the cube, in the same transaction."""
    questionnaire = questionnaire_of(campaign)
    answers = clean_answers(questionnaire, answers)
    response = SipasResponse(
        campaign_id=campaign.id,
        unit_id=unit.id,
        external_id=external_id or uuid.uuid4().hex,
        channel=channel,
        submitted_at=submitted_at,
        batch_id=batch.id if batch else None,
        comment=comment.strip()[:MAX_COMMENT],
        entered_by_id=entered_by_id,
    )
    response.answers = [SipasAnswer(question_code=c, value=v) for c, v in answers.items()]
    db.session.add(response)
    db.session.flush()
    apply_to_cube(campaign.id, *increments_of(unit.id, channel.value, answers, questionnaire.all_codes))
    return response


def answers_of(response: SipasResponse) -> dict[str, int]:
    """A response's answers as {code: value}."""
    return {a.question_code: a.value for a in response.answers}


def update_response(response: SipasResponse, answers: dict[str, int], comment: str | None = None) -> None:
    """Correct a typed form: the cube moves with it and the change is logged with who and when."""
    campaign = db.session.get(SipasCampaign, response.campaign_id)
    ensure_not_published(campaign)
    questionnaire = questionnaire_of(campaign)
    new = clean_answers(questionnaire, answers)
    old = answers_of(response)
    if not response.excluded:
        codes, unit_id, channel = questionnaire.all_codes, response.unit_id, response.channel.value
        apply_to_cube(campaign.id, *increments_of(unit_id, channel, old, codes), sign=-1)
        apply_to_cube(campaign.id, *increments_of(unit_id, channel, new, codes))
    response.answers = [SipasAnswer(question_code=c, value=v) for c, v in new.items()]
    if comment is not None:
        response.comment = comment.strip()[:MAX_COMMENT]
    response.updated_at = clock.now()
    record(
        "sipas.response.edit",
        response,
        before={"answers": old},
        after={"answers": new},
        summary=f"{campaign.code} #{response.id}",
    )


def set_excluded(response: SipasResponse, excluded: bool, reason: str = "") -> None:
    """Leave a response out of every figure (or take it back in); logged."""
    if response.excluded == excluded:
        return
    campaign = db.session.get(SipasCampaign, response.campaign_id)
    ensure_not_published(campaign)
    codes = questionnaire_of(campaign).all_codes
    increments = increments_of(response.unit_id, response.channel.value, answers_of(response), codes)
    apply_to_cube(campaign.id, *increments, sign=-1 if excluded else 1)
    before = snapshot(response)
    response.excluded, response.exclude_reason = excluded, reason.strip()[:200]
    record("sipas.response.exclude" if excluded else "sipas.response.include", response, before=before)
