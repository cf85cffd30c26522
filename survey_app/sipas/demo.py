"""Demo data of SIPAS (`flask seed-demo`): the 2024 campaigns of the former districts over their wards
and communes (`seed_history`, before the reform), the 2026 campaigns of the new communes that succeeded
them and Hà Nội's campaign in progress over them (`seed`), all with today's questionnaire (sipas-2023),
so that a new commune's results compare 2024 with 2026; a few thousand answers through every channel.

Each ward has its own satisfaction level and each criterion its own difficulty, so the tables differ
the way real ones do; about 4% of answers are "don't know". Rows go in with bulk inserts.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from survey_app.analytics.sipas_index import DONT_KNOW, sample_size
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import Unit, UnitKind
from survey_app.models.sipas import BatchState, SipasBatch, SipasResponse
from survey_app.org.services import get_unit_by_code, is_open_on
from survey_app.sipas.campaigns import (
    change_state,
    create_campaign,
    get_campaign,
    questionnaire_of,
    set_campaign_unit,
)
from survey_app.sipas.transfer import insert_responses

REFORM = date(2025, 7, 1)
# (district, code slug, final state) of the 2024 campaigns; (commune, slug, state) of today's.
HISTORY_CAMPAIGNS = [
    ("003", "TAYHO", "published"),
    ("009", "THANHXUAN", "closed"),
    ("274", "HOAIDUC", "closed"),
    ("308", "DOSON", "closed"),
]
COMMUNE_CAMPAIGNS = [
    ("00103", "PTAYHO", "published"),
    ("00367", "PTHANHXUAN", "closed"),
    ("09832", "XHOAIDUC", "closed"),
    ("11455", "PDOSON", "closed"),
]
# Hà Nội's campaign over the new communes that succeed the demo wards.
CITY_CAMPAIGN_UNITS = ["00103", "00091", "00097", "00367", "00364", "00352", "09832", "09838"]
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


def _place(unit: Unit) -> str:
    """Where the paper forms of a unit were collected: its one-stop shop, or since 1/7/2025 its centre."""
    if unit.active_from is not None and unit.active_from >= REFORM:
        kind, _sep, place = unit.name.partition(" ")
        return f"Trung tâm Phục vụ hành chính công {kind.lower()} {place}"
    return f"Bộ phận Một cửa {unit.name}"


def _at(day: date, hour: int = 9) -> datetime:
    """A local hour of a day, to record a state change as of then."""
    return datetime.combine(day, time(hour), clock.local_zone())


def _campaign(rng, code, name, version, start, end, owner, wards, per_ward, state, until: date) -> str:
    """Create one campaign with its wards, targets, responses and closed paper batches."""
    with clock.recorded_at(_at(start - timedelta(days=14))):
        campaign = create_campaign(
            code=code, name=name, questionnaire=version, start_on=start, end_on=end, owner_unit=owner
        )
        questionnaire = questionnaire_of(campaign)
        rows = []
        for ward in wards:
            dossiers = rng.randint(900, 1700) if ward.active_from is None else rng.randint(2600, 4200)
            set_campaign_unit(campaign, ward, target=None, population=dossiers)
            count = int(sample_size(dossiers) * per_ward * rng.uniform(0.8, 1.05))
            rows += _responses(
                rng, campaign, questionnaire, ward, count, start, until, rng.uniform(0.72, 0.93)
            )
    rows.sort(key=lambda row: row[3])
    insert_responses(campaign, questionnaire, rows)
    for ward in wards:
        paper = sum(1 for row in rows if row[1] == ward.id and row[2] == "paper")
        if not paper:
            continue
        batch = SipasBatch(
            campaign=campaign,
            unit=ward,
            place=_place(ward),
            collected_on=until,
            forms_in_hand=paper,
            state=BatchState.closed,
            closed_at=min(clock.now(), _at(until, 17).astimezone(UTC)),
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
    with clock.recorded_at(_at(start, 7)):
        change_state(campaign, "open")
    if state in ("closed", "published"):
        with clock.recorded_at(_at(end + timedelta(days=1))):
            change_state(campaign, "close")
    if state == "published":
        with clock.recorded_at(_at(end + timedelta(days=20))):
            change_state(campaign, "publish")
    db.session.commit()
    return f"sipas campaign {code}: {len(rows)} responses over {len(wards)} units ({state})"


def _wards(parent_code: str) -> list[Unit]:
    """The wards and communes under a district."""
    parent = get_unit_by_code(parent_code)
    if parent is None:
        return []
    return list(
        db.session.scalars(
            select(Unit)
            .where(Unit.parent_id == parent.id, Unit.kind.in_([UnitKind.ward, UnitKind.commune]))
            .order_by(Unit.code)
        )
    )


def seed_history() -> Iterator[str]:
    """The 2024 campaigns of the four districts over their wards and communes (before the reform)."""
    rng = random.Random(2024)
    for district_code, slug, state in HISTORY_CAMPAIGNS:
        district = get_unit_by_code(district_code)
        code = f"SIPAS-2024-{slug}"
        if district is None or not district.is_active or get_campaign(code) is not None:
            continue
        yield _campaign(
            rng,
            code,
            f"Khảo sát SIPAS các phường, xã {district.name[0].lower()}{district.name[1:]} năm 2024",
            "sipas-2023",
            date(2024, 9, 3),
            date(2024, 10, 31),
            district,
            _wards(district_code),
            0.35,
            state,
            date(2024, 10, 31),
        )


def seed() -> Iterator[str]:
    """The new communes' 2026 campaigns, closed before the seed day, and Hà Nội's campaign in progress."""
    rng = random.Random(2026)
    today = clock.today()
    start, end = today - timedelta(days=100), today - timedelta(days=40)
    for commune_code, slug, state in COMMUNE_CAMPAIGNS:
        commune = get_unit_by_code(commune_code)
        code = f"SIPAS-{start.year}-{slug}"
        if commune is None or not is_open_on(commune, start) or get_campaign(code) is not None:
            continue
        yield _campaign(
            rng,
            code,
            f"Khảo sát SIPAS {commune.name} năm {start.year} (QĐ 1001/QĐ-BNV)",
            "sipas-2023",
            start,
            end,
            commune,
            [commune],
            0.8,
            state,
            end,
        )
    city = get_unit_by_code("01")
    communes = [
        u for u in (get_unit_by_code(c) for c in CITY_CAMPAIGN_UNITS) if u is not None and u.is_active
    ]
    if communes and get_campaign("SIPAS-2026-HN") is None:
        yield _campaign(
            rng,
            "SIPAS-2026-HN",
            "Khảo sát SIPAS phường, xã thành phố Hà Nội năm 2026 (QĐ 1001/QĐ-BNV)",
            "sipas-2023",
            today - timedelta(days=45),
            today + timedelta(days=30),
            city,
            communes,
            0.25,
            "open",
            today,
        )
