"""Paper batches of SIPAS: an official opens a bundle of forms, types them one by one and closes it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, select

from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import BatchState, Channel, SipasBatch, SipasCampaign, SipasResponse
from survey_app.org.services import subtree_ids_query
from survey_app.sipas.campaigns import (
    SipasError,
    ensure_accepts_entry,
    ensure_not_published,
    ensure_unit_collects,
    period_refusal,
)
from survey_app.sipas.questionnaire import DONT_KNOW, Questionnaire
from survey_app.sipas.responses import record_response

logger = logging.getLogger(__name__)

NO_ANSWER_KEYS = ("", "0", "-")  # what a typist leaves or types for a blank
DONT_KNOW_KEY = "9"  # one key for "don't know" where 9 is not an option (99 is accepted everywhere)


def open_batch(
    campaign: SipasCampaign, unit: Unit, *, place: str, collected_on: date, forms_in_hand: int, user_id: int
) -> SipasBatch:
    """An official starts typing a bundle of paper forms."""
    ensure_not_published(campaign)
    if Channel.paper not in campaign.channel_list:
        raise SipasError(_("This campaign does not collect paper forms."))
    if not campaign.start_on <= collected_on <= campaign.end_on:
        raise period_refusal(campaign)
    ensure_unit_collects(unit, collected_on)
    if forms_in_hand < 1:
        raise SipasError(_("The number of forms must be at least 1."))
    if not place.strip():
        raise SipasError(_("The place is required."))
    batch = SipasBatch(
        campaign=campaign,
        unit=unit,
        place=place.strip(),
        collected_on=collected_on,
        forms_in_hand=forms_in_hand,
        created_by_id=user_id,
    )
    db.session.add(batch)
    db.session.flush()
    record("sipas.batch.open", batch, summary=f"{campaign.code} {unit.code} {place}")
    return batch


def batch_count(batch: SipasBatch) -> int:
    """Forms typed into a batch so far."""
    return (
        db.session.scalar(select(func.count(SipasResponse.id)).where(SipasResponse.batch_id == batch.id)) or 0
    )


def read_typed_answers(
    questionnaire: Questionnaire, typed: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Typed answers (empty, 0 or - = blank; 99, or the one key 9 where 9 is no option, = "don't know")
    and the problem of each wrong key."""
    answers: dict[str, int] = {}
    problems: dict[str, str] = {}
    for code in questionnaire.all_codes:
        raw = typed.get(code, "").strip()
        if raw in NO_ANSWER_KEYS:
            continue
        if raw == DONT_KNOW_KEY and int(raw) not in questionnaire.allowed_values(code):
            raw = str(DONT_KNOW)
        if not raw.isdigit() or int(raw) not in questionnaire.allowed_values(code):
            allowed = ", ".join(str(v) for v in questionnaire.allowed_values(code) if v != DONT_KNOW)
            problems[code] = _(
                'Type %(allowed)s, 9 or 99 for "don\'t know", or leave it empty for a blank.', allowed=allowed
            )
            continue
        answers[code] = int(raw)
    return answers, problems


def enter_paper_form(batch: SipasBatch, answers: dict[str, int], comment: str, user_id: int) -> SipasResponse:
    """Type one paper form into an open batch."""
    if batch.state != BatchState.open:
        raise SipasError(_("This batch is closed."))
    if batch_count(batch) >= batch.forms_in_hand:
        raise SipasError(_("All the forms of this batch have been typed; close it or correct a form."))
    campaign = batch.campaign
    # Noon local time of the collection day: the day is what the form records.
    moment = datetime.combine(batch.collected_on, time(12), clock.local_zone()).astimezone(UTC)
    ensure_accepts_entry(campaign, moment)
    ensure_unit_collects(batch.unit, batch.collected_on)
    return record_response(
        campaign,
        batch.unit,
        channel=Channel.paper,
        answers=answers,
        submitted_at=moment,
        comment=comment,
        batch=batch,
        entered_by_id=user_id,
    )


def close_batch(batch: SipasBatch) -> None:
    """Close a batch once the number typed matches the forms in hand."""
    if batch.state != BatchState.open:
        raise SipasError(_("This batch is closed."))
    typed = batch_count(batch)
    if typed != batch.forms_in_hand:
        raise SipasError(
            _(
                "%(typed)d of %(expected)d forms are typed; the batch closes when they match.",
                typed=typed,
                expected=batch.forms_in_hand,
            )
        )
    before = snapshot(batch)
    batch.state, batch.closed_at = BatchState.closed, clock.now()
    record("sipas.batch.close", batch, before=before, summary=f"{typed} forms")
    logger.info("paper batch %d of campaign %s closed: %d forms", batch.id, batch.campaign.code, typed)


def batches_of(campaign: SipasCampaign, root_id: int | None) -> list[SipasBatch]:
    """Paper batches of a campaign within a subtree, newest first."""
    query = (
        select(SipasBatch)
        .where(SipasBatch.campaign_id == campaign.id)
        .order_by(SipasBatch.created_at.desc(), SipasBatch.id.desc())
    )
    if root_id is not None:
        query = query.where(SipasBatch.unit_id.in_(subtree_ids_query(root_id)))
    return list(db.session.scalars(query))


def batch_responses(batch: SipasBatch) -> list[SipasResponse]:
    """The forms typed into a batch, in typing order."""
    return list(
        db.session.scalars(
            select(SipasResponse).where(SipasResponse.batch_id == batch.id).order_by(SipasResponse.id)
        )
    )
