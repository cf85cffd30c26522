"""Demo data of the kiosk feature (`flask seed-demo`): one-stop ratings before and since the reform.

History (`seed_history`, run on the pre-reform organisation): the districts' and wards' one-stop shops
from 1/1/2024 to 30/6/2025, their last day. Today (`seed`, after the reform): the new communes'
Trung tâm Phục vụ hành chính công from 1/7/2025 to the day the demo is seeded.

One kiosk per counter. Working days only (Monday to Friday, Saturday mornings at district centres),
busiest mid-morning and mid-afternoon; each shop and each civil servant has their own satisfaction
level; dissatisfied citizens give reasons and sometimes a comment, which lands in the follow-up list.
Rows are written with bulk inserts and the roll-ups recomputed once from them.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from survey_app.core import clock
from survey_app.extensions import db
from survey_app.kiosk.devices import register_device_with_token
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.kiosk.statements import bulk_insert
from survey_app.models import Counter, Staff, Unit, UnitKind
from survey_app.models.kiosk import FlagState, FollowUpState, KioskDevice, KioskFollowUp, KioskRating
from survey_app.org.procedure_fields import field_ids_on
from survey_app.org.services import dossier_code_prefix, is_open_on

HISTORY_FROM = date(2024, 1, 1)  # the pre-reform shops' ratings start here
REFORM = date(2025, 7, 1)  # the old shops close; today's centres open
TEST_DAYS = 21  # three weeks before the reform and before today when testing: a quick suite
# Share of visits per hour of a working day (08:00–11:30, 13:30–17:00), peaks mid-morning and mid-afternoon.
HOUR_WEIGHTS = {8: 10, 9: 17, 10: 16, 11: 7, 13: 5, 14: 14, 15: 15, 16: 10}
# Typical reasons (domain.md §2), most frequent first.
REASON_WEIGHTS = {
    "long_wait": 34,
    "unclear_guidance": 24,
    "attitude": 14,
    "late_result": 12,
    "facilities": 8,
    "extra_documents": 5,
    "other": 3,
}
COMMENTS = {
    "long_wait": [
        "Chờ gần 2 tiếng mới đến lượt, đề nghị bố trí thêm cán bộ vào buổi sáng.",
        "Máy lấy số thứ tự bị hỏng nên mọi người chen lấn.",
    ],
    "unclear_guidance": [
        "Phải đi lại 3 lần vì mỗi lần được hướng dẫn bổ sung một loại giấy tờ khác nhau.",
        "Cán bộ hướng dẫn không rõ ràng, không có danh mục hồ sơ in sẵn.",
    ],
    "attitude": [
        "Cán bộ trả lời cộc lốc, không nhìn người dân.",
        "Cán bộ vừa làm vừa nói chuyện điện thoại riêng.",
    ],
    "late_result": ["Hẹn trả kết quả thứ Hai nhưng đến thứ Năm mới có.", "Trễ hẹn mà không có thư xin lỗi."],
    "facilities": ["Phòng chờ nóng, thiếu ghế ngồi.", "Không có chỗ để xe cho người dân."],
    "extra_documents": ["Bị yêu cầu nộp thêm bản sao sổ hộ khẩu dù đã có dữ liệu dân cư."],
    "other": ["Cổng dịch vụ công không đăng nhập được nên phải lên trực tiếp."],
}
ACTION_NOTES = [
    "Đã nhắc nhở cán bộ và trao đổi, xin lỗi công dân qua điện thoại.",
    "Đã bổ sung bảng niêm yết danh mục hồ sơ tại quầy.",
    "Đã bố trí thêm một cán bộ tiếp nhận vào buổi sáng thứ Hai.",
    "Đã báo cáo lãnh đạo, kiểm điểm cán bộ liên quan.",
]
FIELDS_BY_COUNTER = {
    "hộ tịch": ["ho-tich", "chung-thuc", "tu-phap"],
    "tư pháp": ["tu-phap", "chung-thuc", "ho-tich"],
    "kinh doanh": ["dang-ky-kinh-doanh"],
    "đất đai": ["dat-dai", "tai-nguyen-moi-truong"],
    "địa chính": ["dat-dai", "xay-dung"],
    "xây dựng": ["xay-dung", "dat-dai"],
    "lao động": ["ldtbxh", "bao-tro-xa-hoi", "nguoi-co-cong"],
    "xã hội": ["ldtbxh", "bao-tro-xa-hoi", "nguoi-co-cong"],
}


def _fields_for(counter: Counter, field_ids: dict[str, int]) -> list[int]:
    """The procedure fields a counter handles, judged from its name."""
    name = counter.name.lower()
    for keyword, codes in FIELDS_BY_COUNTER.items():
        if keyword in name:
            return [field_ids[c] for c in codes if c in field_ids]
    return [field_ids[c] for c in ("chung-thuc", "ho-tich", "cu-tru", "khac") if c in field_ids]


def _kiosks(counters: list[Counter]) -> dict[int, KioskDevice]:
    """One paired kiosk per counter (their tokens are not kept: the demo has no tablets)."""
    devices = {}
    for counter in counters:
        device, _token = register_device_with_token(
            counter.unit, counter=counter, name=f"Kiosk {counter.name}"[:120]
        )
        device.app_version, device.queue_length = "kiosk-1.0", 0
        devices[counter.id] = device
    db.session.flush()
    return devices


def _working_moments(rng: random.Random, day: date, n: int, saturday: bool, zone: ZoneInfo) -> list[datetime]:
    """n local press times on a day, following the hourly pattern (mornings only on Saturdays)."""
    hours = [h for h in HOUR_WEIGHTS if not saturday or h < 12]
    weights = [HOUR_WEIGHTS[h] for h in hours]
    moments = []
    for hour in rng.choices(hours, weights, k=n):
        if hour == 13:
            minute = rng.randrange(30, 60)  # the afternoon opens at 13:30
        elif hour == 11:
            minute = rng.randrange(0, 30)  # and the morning closes at 11:30
        else:
            minute = rng.randrange(0, 60)
        moments.append(datetime.combine(day, time(hour, minute, rng.randrange(60)), zone))
    return sorted(moments)


def demo_period(first: date, last: date) -> tuple[date, date]:
    """The days to fill between first and last: all of them, or the last three weeks when testing."""
    if current_app.testing:
        return max(first, last - timedelta(days=TEST_DAYS)), last
    return first, last


def _centre_counters(*, open_on: date) -> list[Counter]:
    """The active counters of the one-stop centres open on a day."""
    counters = db.session.scalars(
        select(Counter)
        .join(Unit, Unit.id == Counter.unit_id)
        .where(Counter.active.is_(True), Unit.kind == UnitKind.centre)
        .order_by(Counter.unit_id, Counter.code)
    )
    return [c for c in counters if is_open_on(c.unit, open_on)]


def _has_ratings(first: date, last: date) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(KioskRating)
            .where(KioskRating.local_day >= first, KioskRating.local_day <= last)
        )
    )


def seed_history() -> Iterator[str]:
    """Ratings at the pre-reform one-stop shops, from 1/1/2024 up to 30/6/2025 (their closing)."""
    first, last = demo_period(HISTORY_FROM, REFORM - timedelta(days=1))
    if _has_ratings(HISTORY_FROM, REFORM - timedelta(days=1)):
        yield "kiosk ratings before 1/7/2025: already there"
        return
    counters = _centre_counters(open_on=last)
    if not counters:
        yield "kiosk ratings before 1/7/2025: no one-stop shop counters open then"
        return
    rng = random.Random(20240101)
    # Lighter days than today's centres: a year and a half of history keeps the first seed quick.
    yield from _seed_ratings(rng, counters, first, last, district_per_day=6, ward_per_day=2, label="before")


def seed() -> Iterator[str]:
    """Ratings at today's centres since 1/7/2025, up to the day the demo is seeded."""
    today = clock.today()
    first, last = demo_period(REFORM, today)
    if _has_ratings(REFORM, today):
        yield "kiosk ratings: already there"
        return
    counters = _centre_counters(open_on=last)
    if not counters:
        yield "kiosk ratings: no one-stop shop counters in the demo organisation"
        return
    rng = random.Random(20260701)
    # Today's ward centres took over the districts' one-stop work: busier, open on Saturday mornings.
    yield from _seed_ratings(rng, counters, first, last, district_per_day=6, ward_per_day=6, label="since")


def _seed_ratings(
    rng: random.Random,
    counters: list[Counter],
    first: date,
    last: date,
    *,
    district_per_day: int,
    ward_per_day: int,
    label: str,
) -> Iterator[str]:
    """Ratings at the counters' kiosks on the working days first..last, follow-ups and roll-ups."""
    days = (last - first).days
    # The fields of the period's first day: the ministries' mergers of 1/3/2025 superseded some codes.
    field_ids = field_ids_on(first)
    staff_by_counter: dict[int, list[Staff]] = {}
    counter_ids = {c.id for c in counters}
    for person in db.session.scalars(select(Staff).where(Staff.counter_id.in_(counter_ids))):
        staff_by_counter.setdefault(person.counter_id, []).append(person)
    with clock.recorded_at(datetime.combine(first, time(7), clock.local_zone())):
        devices = _kiosks(counters)

    # Each shop has its own level of service; some staff do better or worse than their shop.
    shop_quality = {c.unit_id: rng.uniform(0.86, 0.985) for c in counters}
    staff_shift = {
        p.id: rng.choice([0.0, 0.0, 0.0, 0.02, -0.04, -0.10]) for ps in staff_by_counter.values() for p in ps
    }
    now = clock.now()
    zone = clock.local_zone()
    rows: list[dict] = []
    for counter in counters:
        district = counter.unit.parent is not None and counter.unit.parent.kind == UnitKind.district
        busy = district or (counter.unit.active_from is not None and counter.unit.active_from >= REFORM)
        per_day = district_per_day if district else ward_per_day
        prefix = dossier_code_prefix(counter.unit)
        staff = staff_by_counter.get(counter.id, [])
        fields = _fields_for(counter, field_ids)
        device = devices[counter.id]
        last_pressed: datetime | None = None
        for offset in range(days, -1, -1):
            day = last - timedelta(days=offset)
            saturday = day.weekday() == 5
            if day.weekday() == 6 or (saturday and not busy):
                continue
            volume = max(0, round(rng.gauss(per_day * (0.5 if saturday else 1.0), per_day * 0.3)))
            if day.weekday() == 0:
                volume = round(volume * 1.3)  # Mondays are busiest
            # service slowly improves over the period
            trend = 0.03 * (days - offset) / max(days, 1)
            for moment in _working_moments(rng, day, volume, saturday, zone):
                rated_at = moment.astimezone(UTC)
                if rated_at > now:
                    continue
                person = rng.choice(staff) if staff and rng.random() < 0.7 else None
                quality = min(
                    0.995, shop_quality[counter.unit_id] + trend + (staff_shift[person.id] if person else 0)
                )
                draw = rng.random()
                if draw < quality:
                    level = "very_satisfied" if rng.random() < 0.62 else "satisfied"
                else:
                    level = "dissatisfied"
                reasons: list[str] = []
                comment = None
                if level == "dissatisfied":
                    reasons = sorted(
                        set(
                            rng.choices(
                                list(REASON_WEIGHTS), list(REASON_WEIGHTS.values()), k=rng.choice([1, 1, 2])
                            )
                        )
                    )
                    if rng.random() < 0.35:
                        comment = rng.choice(COMMENTS[reasons[0]])
                too_close = last_pressed is not None and (rated_at - last_pressed) < timedelta(seconds=5)
                last_pressed = rated_at
                rows.append(
                    {
                        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "device_id": device.id,
                        "unit_id": counter.unit_id,
                        "counter_id": counter.id,
                        "staff_id": person.id if person else None,
                        "claimed_staff_id": None,
                        "field_id": rng.choice(fields) if fields and rng.random() < 0.6 else None,
                        "level": level,
                        "reasons": reasons,
                        "comment": comment,
                        # The one-stop code of a dossier: the receiving body, the day, a running number.
                        "dossier_code": (
                            f"{prefix}-{moment:%y%m%d}-{rng.randrange(1, 999):04d}"
                            if rng.random() < 0.2
                            else None
                        ),
                        "rated_at": rated_at,
                        "received_at": rated_at + timedelta(seconds=rng.randrange(1, 20)),
                        "local_day": moment.date(),
                        "local_hour": moment.hour,
                        "flag": "too_close" if too_close else None,
                        "flag_state": (FlagState.flagged if too_close else FlagState.none).value,
                        "flag_reviewed_by_id": None,
                        "flag_reviewed_at": None,
                    }
                )
        # A closed shop's kiosk last reported on its last day; today's kiosks a few minutes ago.
        last_seen = min(now, datetime.combine(last, time(17), zone).astimezone(UTC))
        device.last_seen_at = last_seen - timedelta(minutes=rng.randrange(1, 30))
    bulk_insert(KioskRating.__table__, rows)
    yield (
        f"kiosk devices: {len(devices)}; kiosk ratings {label} 1/7/2025: {len(rows)} "
        f"from {first:%d/%m/%Y} to {last:%d/%m/%Y}"
    )

    # Complaints with a comment: the older ones handled, the recent ones still open.
    complaints = db.session.execute(
        select(KioskRating.id, KioskRating.unit_id, KioskRating.rated_at).where(
            KioskRating.level == "dissatisfied",
            KioskRating.comment.is_not(None),
            KioskRating.local_day >= first,
            KioskRating.local_day <= last,
        )
    ).all()
    follow_ups = []
    for rating_id, unit_id, rated_at in complaints:
        age = now - rated_at
        state = FollowUpState.done if age > timedelta(days=14) else FollowUpState.open
        if timedelta(days=3) < age <= timedelta(days=14):
            state = FollowUpState.acknowledged
        handled = rated_at + timedelta(days=rng.randrange(1, 4))
        follow_ups.append(
            {
                "rating_id": rating_id,
                "unit_id": unit_id,
                "state": state.value,
                "action_note": rng.choice(ACTION_NOTES) if state == FollowUpState.done else None,
                "acknowledged_at": handled if state != FollowUpState.open else None,
                "done_at": handled + timedelta(days=2) if state == FollowUpState.done else None,
            }
        )
    if follow_ups:
        bulk_insert(KioskFollowUp.__table__, follow_ups)
    report = rebuild_rollups()
    yield f"kiosk follow-ups: {len(follow_ups)}; roll-up rows: {report.rows['kiosk_rollup']}"
