"""Demo data of the dossiers feature (`flask seed-demo`): the one-stop system's dossiers behind the kiosk
ratings of the demo period, and quarterly self-assessments and verifications.

Generic over the demo organisation: every one-stop centre with kiosk ratings gets, for each dossier code
its citizens typed at the kiosk, the dossier that code names, returned a few minutes before its first
rating (a citizen rates when collecting the result), and enough unrated dossiers that a third to a half
of the returned ones are rated. Procedures follow the fields the ratings name. Most dossiers are
returned on or before the due day; a dossier whose citizen was dissatisfied, above all about a late
result, is far more often late. The last weeks' dossiers are still in progress, some past their due day.
Units owning a centre self-assess the quarters that have ended ("Điểm tự chấm", a little generous) and
most are verified by the unit above ("Điểm thẩm định").

Written through the import's own bulk path (`services.write_import`), which scores the dossiers and keeps
the count cubes in step. The procedure codes are the demo's own, not national codes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from survey_app.analytics.dossier_scoring import quarter_name, quarter_start
from survey_app.analytics.periods import next_month
from survey_app.core import clock
from survey_app.dossiers.reports import figures
from survey_app.dossiers.services import write_import
from survey_app.dossiers.transfer import CleanRow
from survey_app.extensions import db
from survey_app.models import ProcedureField, Role, Unit, UnitClosure, UnitKind, User
from survey_app.models.dossiers import Dossier, DossierAssessment
from survey_app.models.kiosk import FlagState, KioskRating
from survey_app.org.services import dossier_code_prefix

# (code, name, legal time in working days) per procedure field; the codes are the demo's own.
PROCEDURES = {
    "ho-tich": [
        ("DM.HT.01", "Đăng ký khai sinh", 1),
        ("DM.HT.02", "Đăng ký kết hôn", 3),
        ("DM.HT.03", "Cấp bản sao trích lục hộ tịch", 1),
        ("DM.HT.04", "Cấp giấy xác nhận tình trạng hôn nhân", 3),
        ("DM.HT.05", "Đăng ký khai tử", 1),
    ],
    "chung-thuc": [
        ("DM.CT.01", "Chứng thực bản sao từ bản chính", 1),
        ("DM.CT.02", "Chứng thực chữ ký", 1),
        ("DM.CT.03", "Chứng thực hợp đồng, giao dịch", 2),
    ],
    "tu-phap": [("DM.TP.01", "Đăng ký giám hộ", 3), ("DM.TP.02", "Đăng ký nhận cha, mẹ, con", 3)],
    "dang-ky-kinh-doanh": [
        ("DM.KD.01", "Đăng ký thành lập hộ kinh doanh", 3),
        ("DM.KD.02", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3),
    ],
    "dat-dai": [
        ("DM.DD.01", "Đăng ký biến động quyền sử dụng đất, tài sản gắn liền với đất", 10),
        ("DM.DD.02", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", 20),
    ],
    "xay-dung": [
        ("DM.XD.01", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 15),
        ("DM.XD.02", "Cấp giấy phép sửa chữa, cải tạo công trình", 15),
    ],
    "tai-nguyen-moi-truong": [("DM.MT.01", "Xác nhận đăng ký kế hoạch bảo vệ môi trường", 10)],
    "ldtbxh": [("DM.LD.01", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", 7)],
    "bao-tro-xa-hoi": [("DM.BT.01", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", 10)],
    "nguoi-co-cong": [("DM.NCC.01", "Hỗ trợ mai táng phí đối với người có công", 5)],
    "cu-tru": [("DM.CTR.01", "Đăng ký thường trú", 7), ("DM.CTR.02", "Đăng ký tạm trú", 3)],
    "nuoi-con-nuoi": [("DM.NCN.01", "Đăng ký việc nuôi con nuôi trong nước", 20)],
    "giao-duc": [("DM.GD.01", "Chuyển trường đối với học sinh trung học cơ sở", 3)],
    "y-te": [("DM.YT.01", "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", 15)],
    "van-hoa": [("DM.VH.01", "Thông báo tổ chức lễ hội", 5)],
    "giao-thong": [("DM.GT.01", "Cấp phép thi công công trình trên đường bộ đang khai thác", 7)],
    "khieu-nai-to-cao": [("DM.KN.01", "Giải quyết khiếu nại lần đầu", 30)],
    "khac": [("DM.K.01", "Xác nhận thông tin theo đề nghị của công dân", 2)],
}
DEFAULT_FIELDS = ("chung-thuc", "ho-tich", "cu-tru")  # a centre whose ratings name no field
CHANNELS = (("in_person", 62), ("online", 33), ("post", 5))
OPEN_SHARE = 0.06  # dossiers still in progress today, of those the centre returned over the period
SOURCE_SYSTEMS = (("full", 5), ("partial", 3), ("none", 2))  # which source scores a centre's system gives
GENEROUS = (0.0, 0.25, 0.25, 0.5)  # a unit's self-score against the computed average
CHECKED = (-0.25, 0.0, 0.0, 0.25)  # the verifier's, never above the self-score
FIRST_UNRATED = 1000  # kiosk codes end in 0001–0998: unrated dossiers are numbered from here up


@dataclass
class _Rated:
    """A dossier code typed at a kiosk: where, when first, and what its citizens said."""

    unit_id: int
    field_id: int | None
    first: datetime
    dissatisfied: bool
    late_result: bool
    supplements: bool
    attitude: bool


def _workdays(day: date, n: int) -> date:
    """The working day (Monday to Friday) n working days after a day (before it when n < 0)."""
    step = 1 if n >= 0 else -1
    while n:
        day += timedelta(days=step)
        if day.weekday() < 5:
            n -= step
    return day


def _weekday(day: date) -> date:
    """The day, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _rated_codes() -> dict[str, _Rated]:
    """Every dossier code typed at a one-stop centre's kiosk, with what its ratings say."""
    rating = KioskRating
    rows = db.session.execute(
        select(
            rating.dossier_code,
            rating.unit_id,
            rating.field_id,
            rating.rated_at,
            rating.level,
            rating.reasons,
        )
        .join(Unit, Unit.id == rating.unit_id)
        .where(
            rating.dossier_code.is_not(None),
            Unit.kind == UnitKind.centre,
            rating.flag_state == FlagState.none,
        )
        .order_by(rating.rated_at, rating.id)
    )
    found: dict[str, _Rated] = {}
    for code, unit_id, field_id, rated_at, level, reasons in rows:
        reasons = set(reasons or [])
        known = found.get(code)
        if known is None:
            known = found[code] = _Rated(unit_id, field_id, rated_at, False, False, False, False)
        if level == "dissatisfied":
            known.dissatisfied = True
            known.late_result |= "late_result" in reasons
            known.supplements |= bool(reasons & {"extra_documents", "unclear_guidance"})
            known.attitude |= "attitude" in reasons
    return found


class _Maker:
    """Builds the dossiers of one centre as the import's checked rows."""

    def __init__(
        self, rng: random.Random, unit: Unit, field_ids: dict[str, int], fields: list[str], used: set[str]
    ) -> None:
        self.used, self.serial = used, FIRST_UNRATED
        self.rng, self.unit, self.field_ids, self.fields = rng, unit, field_ids, fields
        self.prefix = dossier_code_prefix(unit)
        self.field_codes = {v: k for k, v in field_ids.items()}
        self.zone = clock.local_zone()
        self.sources = rng.choices([s for s, _w in SOURCE_SYSTEMS], [w for _s, w in SOURCE_SYSTEMS])[0]
        self.late = rng.uniform(0.03, 0.12)  # this centre's share of late dossiers among the unrated

    def new_code(self, day: date) -> str:
        """A code for an unrated dossier, in the kiosk codes' shape and clear of every code in use."""
        while True:
            self.serial += 1
            code = f"{self.prefix}-{day:%y%m%d}-{self.serial:04d}"
            if code not in self.used:
                self.used.add(code)
                return code

    def _procedure(self, field_id: int | None) -> tuple[str, str, int, int]:
        """(code, name, legal working days, field id) for a dossier of a field (the centre's own if None)."""
        field_code = self.field_codes.get(field_id) if field_id else None
        if field_code not in PROCEDURES:
            field_code = self.rng.choice(self.fields)
        code, name, days = self.rng.choice(PROCEDURES[field_code])
        return code, name, days, self.field_ids[field_code]

    def _moment(self, day: date, earliest: int = 8, latest: int = 16) -> datetime:
        """A local working-hours moment of a day."""
        return datetime.combine(
            day, time(self.rng.randint(earliest, latest), self.rng.randrange(60)), self.zone
        )

    def _scores(self, channel: str, unhappy: bool) -> tuple[int | None, ...]:
        """i2, i5, i6, i8, i9 as the centre's source system gives them (None: not given)."""
        rng = self.rng
        if self.sources == "none":
            return (None, None, None, None, None)
        i5 = rng.choices([2, 1, 0], [80, 15, 5] if unhappy else [93, 6, 1])[0]
        i6 = rng.choices([2, 1], [95, 5])[0]
        if self.sources == "partial":
            return (None, i5, i6, None, None)
        i8 = rng.choices([2, 1, 0], [70, 25, 5])[0] if rng.random() < 0.3 else None
        i9 = 2 if channel == "online" else rng.choices([1, 0], [90, 10])[0]
        return (None, i5, i6, i8, i9)

    def returned(
        self, code: str, returned_at: datetime, field_id: int | None, *, late: bool, rated: _Rated | None
    ) -> CleanRow:
        """A returned dossier whose return and due day agree with `late`."""
        rng = self.rng
        procedure, name, legal, field = self._procedure(field_id)
        local = returned_at.astimezone(self.zone)
        returned_day = local.date()
        if late:
            due_day = _workdays(returned_day, -rng.choices([1, 2, 3, 5], [50, 25, 15, 10])[0])
        elif rng.random() < 0.3:
            due_day = returned_day
        else:
            due_day = _workdays(returned_day, rng.randint(1, max(1, min(3, legal))))
        received_day = min(_workdays(due_day, -legal), returned_day)
        received_at = self._moment(received_day)
        if received_at >= local:  # received and returned the same day: received earlier that day
            received_at = local - timedelta(minutes=rng.randint(30, 150))
            received_day = received_at.date()
        due_at = datetime.combine(due_day, time(17), self.zone)
        unhappy = bool(rated and rated.dissatisfied)
        channel = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0]
        supplements = rng.choices([0, 1, 2], [40, 45, 15] if rated and rated.supplements else [86, 11, 3])[0]
        complaint = "none"
        if rated and rated.attitude:
            complaint = rng.choices(["none", "verified", "unfounded"], [70, 18, 12])[0]
        elif rng.random() < 0.004:
            complaint = "unfounded"
        return CleanRow(
            code=code,
            unit_id=self.unit.id,
            procedure_code=procedure,
            procedure_name=name,
            field_id=field,
            channel=channel,
            received_at=received_at,
            due_at=due_at,
            returned_at=local,
            received_day=received_day,
            due_day=due_day,
            returned_day=returned_day,
            supplement_requests=supplements,
            agencies_contacted=rng.choices([0, 1, 2], [90, 8, 2])[0],
            complaint=complaint,
            sources=self._scores(channel, unhappy),
        )

    def in_progress(self, code: str, today: date, *, overdue: bool) -> CleanRow:
        """A dossier not yet returned: due from today on, or (overdue) already past its due day."""
        rng = self.rng
        procedure, name, legal, field = self._procedure(None)
        if overdue:
            due_day = _workdays(today, -rng.randint(1, 6))
            received_day = _workdays(due_day, -legal)
        else:
            received_day = _workdays(today, -rng.randint(0, legal))
            if received_day > today or (received_day == today and clock.local_now().hour < 9):
                received_day = _workdays(today, -1)
            due_day = max(_workdays(received_day, legal), today)
        received_at = min(self._moment(received_day), clock.local_now() - timedelta(minutes=5))
        channel = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0]
        return CleanRow(
            code=code,
            unit_id=self.unit.id,
            procedure_code=procedure,
            procedure_name=name,
            field_id=field,
            channel=channel,
            received_at=received_at,
            due_at=datetime.combine(due_day, time(17), self.zone),
            returned_at=None,
            received_day=received_at.date(),
            due_day=due_day,
            returned_day=None,
            supplement_requests=rng.choices([0, 1], [88, 12])[0],
            agencies_contacted=0,
            complaint="none",
            sources=(None,) * 5,
        )


def _centre_fields(field_ids: dict[str, int]) -> dict[int, list[str]]:
    """{centre id: the procedure fields its kiosk ratings name}."""
    by_id = {v: k for k, v in field_ids.items()}
    rows = db.session.execute(
        select(KioskRating.unit_id, KioskRating.field_id)
        .where(KioskRating.field_id.is_not(None))
        .group_by(KioskRating.unit_id, KioskRating.field_id)
    )
    out: dict[int, list[str]] = {}
    for unit_id, field_id in rows:
        code = by_id.get(field_id)
        if code in PROCEDURES:
            out.setdefault(unit_id, []).append(code)
    return {unit_id: sorted(codes) for unit_id, codes in out.items()}


def _dossiers(rng: random.Random) -> tuple[list[CleanRow], int, int]:
    """(rows, rated dossiers, centres) of every centre with kiosk ratings."""
    rated = _rated_codes()
    by_centre: dict[int, list[tuple[str, _Rated]]] = {}
    for code, found in rated.items():
        by_centre.setdefault(found.unit_id, []).append((code, found))
    first_day = db.session.scalar(select(func.min(KioskRating.local_day)))
    if not by_centre or first_day is None:
        return [], 0, 0
    field_ids = dict(db.session.execute(select(ProcedureField.code, ProcedureField.id)).all())
    fields_of = _centre_fields(field_ids)
    now, today = clock.now(), clock.today()
    every_day = (first_day + timedelta(days=i) for i in range((today - first_day).days + 1))
    working_days = [d for d in every_day if d.weekday() < 5]
    used = set(rated)
    rows: list[CleanRow] = []
    for unit_id in sorted(by_centre):
        unit = db.session.get(Unit, unit_id)
        known = [f for f in fields_of.get(unit_id, []) if f in field_ids] or [
            f for f in DEFAULT_FIELDS if f in field_ids
        ]
        if not known:
            continue
        maker = _Maker(rng, unit, field_ids, known, used)
        codes = by_centre[unit_id]
        for code, found in codes:
            if found.late_result:
                late = rng.random() < 0.8
            elif found.dissatisfied:
                late = rng.random() < 0.35
            else:
                late = rng.random() < 0.05
            returned_at = found.first - timedelta(minutes=rng.randint(2, 40))
            rows.append(maker.returned(code, returned_at, found.field_id, late=late, rated=found))
        share = rng.uniform(0.3, 0.55)  # of the returned dossiers, those rated at the kiosk
        unrated = round(len(codes) * (1 - share) / share)
        for _ in range(unrated):
            day = rng.choice(working_days)
            returned_at = maker._moment(day)
            if returned_at >= now:
                returned_at = now - timedelta(minutes=rng.randint(5, 240))
            late = rng.random() < maker.late
            rows.append(maker.returned(maker.new_code(day), returned_at, None, late=late, rated=None))
        for index in range(max(1, round((len(codes) + unrated) * OPEN_SHARE))):
            overdue = index % 6 == 5 or (index == 0 and rng.random() < 0.5)
            rows.append(maker.in_progress(maker.new_code(today), today, overdue=overdue))
    return rows, len(rated), len(by_centre)


def _quarters(first_day: date, today: date) -> list[tuple[date, date]]:
    """(first day, last day) of every quarter of the demo period that has ended."""
    out, cursor = [], quarter_start(first_day)
    while True:
        following = next_month(next_month(next_month(cursor)))
        if following > today:
            return out
        out.append((cursor, following - timedelta(days=1)))
        cursor = following


def _quarter_score(rng: random.Random, average: float | None, bias: tuple[float, ...]) -> float:
    """A score a person records for an indicator: the computed average moved a little, to a quarter point."""
    base = average if average is not None else rng.choice([1.5, 1.75, 2.0])
    return min(2.0, max(0.0, round((base + rng.choice(bias)) * 4) / 4))


def _assessments(rng: random.Random) -> int:
    """Self-assessments (and most verifications) of the quarters that have ended, by each unit owning a
    centre with dossiers; returns how many units' quarters were assessed."""
    first_day = db.session.scalar(select(func.min(Dossier.returned_day)))
    if first_day is None:
        return 0
    now = clock.now()
    centres = select(Dossier.unit_id).distinct().scalar_subquery()
    parents = set(db.session.scalars(select(Unit.parent_id).where(Unit.id.in_(centres))))
    owners = list(db.session.scalars(select(Unit).where(Unit.id.in_(parents - {None})).order_by(Unit.code)))
    admins = {u.unit_id: u.id for u in db.session.scalars(select(User).where(User.role == Role.unit_admin))}
    officials = {u.unit_id: u.id for u in db.session.scalars(select(User).where(User.role == Role.official))}
    ancestors: dict[int, list[int]] = {}
    for ancestor, descendant in db.session.execute(
        select(UnitClosure.ancestor_id, UnitClosure.descendant_id).where(UnitClosure.depth > 0)
    ):
        ancestors.setdefault(descendant, []).append(ancestor)
    rows, assessed = [], 0
    for start, end in _quarters(first_day, clock.today()):
        found = figures(owners, start, end)
        for unit in owners:
            score = found[unit.id].score
            if not score.n_scored or rng.random() < 0.25:  # a quarter without dossiers, or not assessed
                continue
            self_at = datetime.combine(end + timedelta(days=rng.randint(3, 8)), time(9), clock.local_zone())
            verified_at = self_at + timedelta(days=rng.randint(5, 12))
            verify = verified_at <= now and rng.random() < 0.8
            verifier = next((officials[a] for a in ancestors.get(unit.id, []) if a in officials), None)
            if self_at > now:
                continue
            assessed += 1
            for indicator in range(1, 10):
                average = score.averages.get(indicator)
                mine = _quarter_score(rng, average, GENEROUS)
                rows.append(
                    {
                        "unit_id": unit.id,
                        "quarter": start,
                        "indicator": indicator,
                        "self_score": mine,
                        "self_by_id": admins.get(unit.id),
                        "self_at": self_at,
                        "verified_score": (
                            min(mine, _quarter_score(rng, average, CHECKED)) if verify else None
                        ),
                        "verified_by_id": verifier if verify else None,
                        "verified_at": verified_at if verify else None,
                        "note": "",
                    }
                )
    if rows:
        db.session.execute(DossierAssessment.__table__.insert(), rows)
    return assessed


def seed() -> Iterator[str]:
    """Add the feature's demo data; running it again adds nothing."""
    if db.session.scalar(select(func.count()).select_from(Dossier)):
        yield "dossiers: already there"
        return
    rng = random.Random(20260718)
    rows, rated, centres = _dossiers(rng)
    if not rows:
        yield "dossiers: no kiosk ratings at one-stop centres to build them from"
        return
    result = write_import(rows)
    if not result.ok:
        raise RuntimeError("demo dossiers refused: " + "; ".join(result.errors))
    returned = sum(1 for row in rows if row.returned_day is not None)
    yield (
        f"dossiers: {len(rows)} at {centres} one-stop centres ({returned} returned, {rated} of them rated at "
        f"the kiosk, {len(rows) - returned} in progress)"
    )
    assessed = _assessments(rng)
    yield f"dossier self-assessments: {assessed} unit quarters ({', '.join(_names(clock.today()))} ended)"


def _names(today: date) -> list[str]:
    """Names of the quarters of the demo period that have ended (for the seed's report)."""
    first_day = db.session.scalar(select(func.min(Dossier.returned_day)))
    return [quarter_name(start) for start, _end in _quarters(first_day, today)] if first_day else []
