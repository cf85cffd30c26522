"""Demo data of SIPAS (`flask seed-demo`): a closed 2025 campaign (sipas-2017) in Tây Hồ and an open
campaign (sipas-2023) over the wards of Tây Hồ and Thanh Xuân, a few thousand answers through every channel.

Each ward has its own satisfaction level and each criterion its own difficulty, so the tables differ
the way real ones do; about 4% of answers are "don't know". Rows go in with bulk inserts.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from survey_app.analytics.sipas_index import DONT_KNOW, sample_size
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import Unit, UnitKind
from survey_app.models.sipas import BatchState, SipasBatch, SipasResponse
from survey_app.org.services import get_unit_by_code
from survey_app.sipas.campaigns import (
    change_state,
    create_campaign,
    get_campaign,
    questionnaire_of,
    set_campaign_unit,
)
from survey_app.sipas.transfer import insert_responses

CHANNEL_WEIGHTS = {"online": 38, "paper": 42, "interview": 12, "phone": 8}
COMMENTS = [
    "Đề nghị bố trí thêm ghế ngồi chờ vào buổi sáng.",
    "Cán bộ hướng dẫn tận tình, dễ hiểu.",
    "Nên niêm yết phí, lệ phí rõ hơn ở quầy.",
    "Trả kết quả đúng hẹn, rất hài lòng.",
    "Cổng dịch vụ công đôi khi không đăng nhập được.",
]


def _answer(rng: random.Random, mood: float) -> int:
    """One rating 1–5 (or DONT_KNOW, stored apart from a blank) around a satisfaction level in 0–1."""
    if rng.random() < 0.04:
        return DONT_KNOW
    roll = rng.random()
    if roll < mood * 0.45:
        return 5
    if roll < mood:
        return 4
    if roll < mood + (1 - mood) * 0.6:
        return 3
    return 2 if rng.random() < 0.75 else 1


def _responses(rng, campaign, questionnaire, unit: Unit, n: int, start: date, end: date, mood: float):
    """n realistic responses of a unit between two days."""
    difficulty = {c.code: rng.uniform(-0.08, 0.05) for c in questionnaire.criteria}
    span = (end - start).days
    zone = clock.local_zone()
    rows = []
    for _ in range(n):
        day = start + timedelta(days=rng.randint(0, span))
        moment = datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59), tzinfo=zone)
        answers = {}
        for criterion in questionnaire.criteria:
            value = _answer(rng, min(0.98, max(0.3, mood + difficulty[criterion.code])))
            if value:
                answers[criterion.code] = value
        for question in questionnaire.questions:
            if rng.random() < 0.85:
                values = question.values
                if question.kind == "expectation":
                    answers[question.code] = rng.choices(values, weights=range(1, len(values) + 1))[0]
                else:
                    answers[question.code] = rng.choice(values)
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        rows.append((uuid.uuid4().hex, unit.id, channel, moment.astimezone(UTC), answers))
    return rows


def _campaign(rng, code, name, version, start, end, owner, wards, per_ward, state, until: date) -> str:
    """Create one campaign with its wards, targets, responses and closed paper batches."""
    campaign = create_campaign(
        code=code, name=name, questionnaire=version, start_on=start, end_on=end, owner_unit=owner
    )
    questionnaire = questionnaire_of(campaign)
    rows = []
    for ward in wards:
        dossiers = rng.randint(900, 1700)
        set_campaign_unit(campaign, ward, target=None, population=dossiers)
        count = int(sample_size(dossiers) * per_ward * rng.uniform(0.8, 1.05))
        rows += _responses(rng, campaign, questionnaire, ward, count, start, until, rng.uniform(0.72, 0.93))
    rows.sort(key=lambda row: row[3])
    insert_responses(campaign, questionnaire, rows)
    for ward in wards:
        paper = sum(1 for row in rows if row[1] == ward.id and row[2] == "paper")
        if not paper:
            continue
        batch = SipasBatch(
            campaign=campaign,
            unit=ward,
            place=f"Bộ phận Một cửa {ward.name}",
            collected_on=until,
            forms_in_hand=paper,
            state=BatchState.closed,
            closed_at=clock.now(),
        )
        db.session.add(batch)
        db.session.flush()
        db.session.execute(
            update(SipasResponse)
            .where(
                SipasResponse.campaign_id == campaign.id,
                SipasResponse.unit_id == ward.id,
                SipasResponse.channel == "paper",
            )
            .values(batch_id=batch.id)
        )
    if rows:
        first = rows[0][0]
        db.session.execute(
            update(SipasResponse)
            .where(SipasResponse.external_id == first)
            .values(comment=rng.choice(COMMENTS))
        )
    change_state(campaign, "open")
    if state in ("closed", "published"):
        change_state(campaign, "close")
    if state == "published":
        change_state(campaign, "publish")
    db.session.commit()
    return f"sipas campaign {code}: {len(rows)} responses over {len(wards)} wards ({state})"


def _wards(parent_code: str) -> list[Unit]:
    """The wards under a district."""
    parent = get_unit_by_code(parent_code)
    if parent is None:
        return []
    return list(
        db.session.scalars(
            select(Unit).where(Unit.parent_id == parent.id, Unit.kind == UnitKind.ward).order_by(Unit.code)
        )
    )


def seed() -> Iterator[str]:
    """Add the SIPAS demo campaigns; running it again adds nothing."""
    rng = random.Random(2026)
    tay_ho, thanh_xuan = _wards("003"), _wards("009")
    if not tay_ho:
        return
    if get_campaign("SIPAS-2025-TAYHO") is None:
        yield _campaign(
            rng,
            "SIPAS-2025-TAYHO",
            "Khảo sát SIPAS các phường quận Tây Hồ năm 2025",
            "sipas-2017",
            date(2025, 9, 1),
            date(2025, 10, 31),
            get_unit_by_code("003"),
            tay_ho,
            0.7,
            "closed",
            date(2025, 10, 31),
        )
    if get_campaign("SIPAS-2026-HN") is None:
        today = clock.today()
        yield _campaign(
            rng,
            "SIPAS-2026-HN",
            "Khảo sát SIPAS phường năm 2026 (QĐ 1001/QĐ-BNV)",
            "sipas-2023",
            today - timedelta(days=45),
            today + timedelta(days=30),
            get_unit_by_code("01"),
            tay_ho + thanh_xuan,
            0.25,
            "open",
            today,
        )
