"""Builders of the objects tests make again and again; each returns a flushed object.

One section per feature. A test that needs a campaign, a device, a conference or a dossier asks for it
here, so a change of what such an object needs is made in one place.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import time_machine

from survey_app.dialogue.comments import CommentInput, add_comment, answer_in_writing
from survey_app.dialogue.conferences import ConferenceData, create_conference
from survey_app.extensions import db
from survey_app.kiosk.devices import register_device_with_token
from survey_app.kiosk.ingest import ingest
from survey_app.kiosk.items import ItemResult
from survey_app.models import Counter, ProcedureField, Role, Staff, Unit, UnitKind, User
from survey_app.models import dialogue as dialogue_models
from survey_app.models import kiosk as kiosk_models
from survey_app.models import sipas as sipas_models
from survey_app.models.dialogue import ConferenceState, DialogueComment, DialogueConference
from survey_app.models.kiosk import KioskDevice
from survey_app.models.sipas import SipasCampaign
from survey_app.org.services import create_unit
from survey_app.sipas.campaigns import change_state, create_campaign, set_campaign_unit

PASSWORD = "correct-horse-42"


# --- people ---------------------------------------------------------------------------------


def make_user(username: str, role: Role, unit: Unit, password: str = PASSWORD) -> User:
    """A user with a known password."""
    user = User(username=username, full_name=username.title(), role=role, unit=unit)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# --- org ------------------------------------------------------------------------------------

# 1/7/2025, the two-tier reform: the test org's Phường Bưởi (00109, with its one-stop centre) merges into
# Phường Tây Hồ (00103), opened from the official list under Thành phố Hà Nội.
REFORM_DAY = date(2025, 7, 1)
BUOI_MERGES = "old_code,new_code,effective_date\n00109,00103,2025-07-01\n"


def close_by_reorganisation(text: str = BUOI_MERGES) -> None:
    """Apply a reorganisation file as `units reorganise` does (the closed units keep their history)."""
    from survey_app.org.reorganisation import reorganise_csv

    result = reorganise_csv(text)
    assert result.ok, result.errors
    db.session.commit()


# --- kiosk ----------------------------------------------------------------------------------

# The section's own imports, here so that the sections of the four features merge without conflict.


def make_kiosk_device(
    unit: Unit, *, counter: Counter | None = None, name: str = "Kiosk"
) -> tuple[KioskDevice, str]:
    """A paired kiosk at a unit (bound to a counter when given) and its device token."""
    device, token = register_device_with_token(unit, counter=counter, name=name)
    db.session.flush()
    return device, token


def kiosk_rating(level: str = "very_satisfied", *, at: datetime | None = None, **extra) -> dict:
    """One rating item as a kiosk sends it, pressed a minute ago unless `at` is given.

    A dissatisfied rating gets the reason "long_wait" unless `reasons` is given.
    """
    item = {
        "id": str(uuid.uuid4()),
        "level": level,
        "rated_at": (at or datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
    }
    if level == "dissatisfied" and "reasons" not in extra:
        extra["reasons"] = ["long_wait"]
    item.update(extra)
    return item


def kiosk_press_times(n: int, *, start: datetime | None = None, gap_seconds: int = 60) -> list[datetime]:
    """n press times `gap_seconds` apart, ending an hour ago (so never too close nor in the future)."""
    start = start or datetime.now(UTC) - timedelta(hours=1) - timedelta(seconds=gap_seconds * n)
    return [start + timedelta(seconds=gap_seconds * i) for i in range(n)]


def store_kiosk_ratings(device: KioskDevice, items: list[dict]) -> list[ItemResult]:
    """Ratings stored as the API stores them (ingest commits)."""
    return ingest(device, items)


# --- sipas ----------------------------------------------------------------------------------


SIPAS_STATE_PATHS = {
    "draft": (),
    "open": ("open",),
    "closed": ("open", "close"),
    "published": ("open", "close", "publish"),
}


def make_sipas_campaign(
    owner: Unit | None,
    units: Mapping[Unit, int] | None = None,
    *,
    code: str = "TH-2026",
    name: str = "Khảo sát SIPAS Tây Hồ 2026",
    questionnaire: str = "ward-short",
    start_on: date = date(2026, 3, 1),
    end_on: date = date(2026, 4, 30),
    state: str = "draft",
) -> SipasCampaign:
    """A SIPAS campaign run by `owner` with its units ({unit: sample target}), moved on to `state`.

    Made through the SIPAS services, as the pages make one (audit entries included).
    """
    campaign = create_campaign(
        code=code, name=name, questionnaire=questionnaire, start_on=start_on, end_on=end_on, owner_unit=owner
    )
    for unit, target in (units or {}).items():
        set_campaign_unit(campaign, unit, target=target)
    for action in SIPAS_STATE_PATHS[state]:
        change_state(campaign, action)
    db.session.flush()
    return campaign


# --- dialogue -------------------------------------------------------------------------------


# 01/6/2018 08:00 in Hà Nội (UTC+7), a Friday: Tây Hồ's first dialogue conference.
CONFERENCE_HELD_AT = datetime(2018, 6, 1, 1, 0, tzinfo=UTC)


def add_departments(org) -> None:
    """Two departments of the test district (org.dept_tp, org.dept_qldt) and an official of each
    (org.users["dept"] "tuphap1", org.users["dept2"] "qldt1")."""
    org.dept_tp = create_unit(
        code="003-TP", name="Phòng Tư pháp quận Tây Hồ", kind=UnitKind.department, parent=org.district
    )
    org.dept_qldt = create_unit(
        code="003-QLDT",
        name="Phòng Quản lý đô thị quận Tây Hồ",
        kind=UnitKind.department,
        parent=org.district,
    )
    org.users["dept"] = make_user("tuphap1", Role.official, org.dept_tp)
    org.users["dept2"] = make_user("qldt1", Role.official, org.dept_qldt)


def make_conference(org, host: Unit | None = None, **overrides) -> DialogueConference:
    """A planned conference of the test district (or of `host`), planned by its official."""
    values = {
        "title": "Hội nghị đối thoại về thủ tục hành chính lần thứ nhất năm 2018",
        "held_at": CONFERENCE_HELD_AT,
        "chair": "Nguyễn Đình Khuyến – Phó Chủ tịch UBND quận",
        "co_organiser": "Ủy ban MTTQ quận",
        "venue": "Hội trường UBND quận Tây Hồ",
        **overrides,
    }
    return create_conference(ConferenceData(**values), host or org.district, org.users["official"])


def comment_input(**overrides) -> CommentInput:
    """A valid comment as typed at the conference (a question about procedures, response decided later)."""
    values = {
        "content": "Thủ tục cấp giấy phép xây dựng còn phải đi lại nhiều lần.",
        "category": "procedure_questions",
        **overrides,
    }
    return CommentInput(**values)


def make_comment(conference: DialogueConference, actor: User | None = None, **overrides) -> DialogueComment:
    """A comment logged at a conference: comment_input(**overrides) recorded by `actor`."""
    return add_comment(conference, comment_input(**overrides), actor)


def build_dialogue_year(org) -> None:
    """Year 2018 of the test district, built by hand (test_dialogue_queries.py works out its figures).

    District, 01/6 (held): 2 comments answered on the spot, 4 assigned (due 15/6 unless said: Tư pháp's
    answered 16:59 UTC on the due date = 23:59 local, on time; Quản lý đô thị's answered 17:01 UTC = 00:01
    local on 16/6, late; Quản lý đô thị's left open; Tư pháp's due 29/6 left open), 1 not decided. The
    ward, 10/9 (in session): 1 answered on the spot. Not counted: a planned conference, the sibling
    district's, and one at 00:30 local on 01/01/2019 (while 23:30 on 31/12/2018 is counted).
    """
    add_departments(org)
    tp, qldt = org.dept_tp.id, org.dept_qldt.id
    june = make_conference(org)
    spot = {"outcome": "on_spot", "answered_by": "Trưởng phòng", "answer": "Đã trả lời."}
    make_comment(june, category="attitude", **spot)
    make_comment(june, category="online_services", **spot)
    on_time = make_comment(june, outcome="written", department_id=tp)
    late = make_comment(june, outcome="written", department_id=qldt)
    make_comment(june, outcome="written", department_id=qldt)
    make_comment(june, outcome="written", department_id=tp, due_on=date(2018, 6, 29))
    make_comment(june, category="other")
    for comment, answered_at in (
        (on_time, datetime(2018, 6, 15, 16, 59, tzinfo=UTC)),
        (late, datetime(2018, 6, 15, 17, 1, tzinfo=UTC)),
    ):
        with time_machine.travel(answered_at, tick=False):
            answer_in_writing(comment, "Đã trả lời bằng văn bản.", None)
    june.state = ConferenceState.closed
    ward = make_conference(
        org, host=org.ward, title="Đối thoại phường Bưởi", held_at=datetime(2018, 9, 10, 1, 0, tzinfo=UTC)
    )
    make_comment(ward, category="facilities", **spot)
    ward.state = ConferenceState.in_session
    planned = make_conference(org, held_at=datetime(2018, 7, 1, 1, 0, tzinfo=UTC))
    make_comment(planned)
    sibling = make_conference(org, host=org.sibling, title="Quận Thanh Xuân")
    sibling.state = ConferenceState.closed
    for held_at in (datetime(2018, 12, 31, 16, 30, tzinfo=UTC), datetime(2018, 12, 31, 17, 30, tzinfo=UTC)):
        make_conference(org, held_at=held_at).state = ConferenceState.closed


# --- dashboards -----------------------------------------------------------------------------

# Data sets with hand-worked figures, written straight into the roll-ups and count cubes of the data
# contract (as the kiosk and SIPAS modules keep them). Imports sit in this section so that the four
# feature sections could be written apart; they belong at the top of the file once the branches merge.


def _bump_cube(model, n: int, **key) -> None:
    """Add n to one roll-up or count-cube row (created when missing)."""
    row = db.session.get(model, key)
    if row is None:
        db.session.add(model(n=n, **key))
    else:
        row.n += n
    db.session.flush()


def rollup_ratings(
    unit: Unit,
    day: date,
    level: str,
    n: int,
    *,
    counter=None,
    staff=None,
    field=None,
    hour: int = 9,
    reasons: tuple[str, ...] = (),
) -> None:
    """n counted kiosk ratings of one level, in step in the six roll-ups as the kiosk module keeps them."""
    month = day.replace(day=1)
    fine = {
        "unit_id": unit.id,
        "counter_id": counter.id if counter else 0,
        "staff_id": staff.id if staff else 0,
        "field_id": field.id if field else 0,
        "level": level,
    }
    _bump_cube(kiosk_models.KioskRollup, n, day=day, **fine)
    _bump_cube(kiosk_models.KioskRollupMonth, n, month=month, **fine)
    _bump_cube(kiosk_models.KioskUnitDay, n, day=day, unit_id=unit.id, level=level)
    _bump_cube(kiosk_models.KioskUnitMonth, n, month=month, unit_id=unit.id, level=level)
    _bump_cube(
        kiosk_models.KioskHeat, n, month=month, unit_id=unit.id, weekday=day.weekday(), hour=hour, level=level
    )
    for reason in reasons:
        _bump_cube(kiosk_models.KioskReasonMonth, n, month=month, unit_id=unit.id, reason=reason)


def cube_sipas_answers(
    campaign,
    unit: Unit,
    responses: dict[str, int],
    answers: dict[str, dict[int, int]],
    channel: str | None = None,
) -> None:
    """A unit's SIPAS responses per channel and answer counts (of `channel`, else the first) in the cube."""
    for each, n in responses.items():
        _bump_cube(sipas_models.SipasUnitN, n, campaign_id=campaign.id, unit_id=unit.id, channel=each)
    answered_on = channel or next(iter(responses))
    for code, per_value in answers.items():
        for value, n in per_value.items():
            _bump_cube(
                sipas_models.SipasCount,
                n,
                campaign_id=campaign.id,
                unit_id=unit.id,
                channel=answered_on,
                question_code=code,
                value=value,
            )


WARD_SHORT_CRITERIA = ("S01", "S02", "S03", "S04v2", "S05", "S06", "S07", "S08", "S09")


def ward_short_answers(counts: dict[int, int], **overrides: dict[int, int]) -> dict[str, dict[int, int]]:
    """Every criterion of the ward-short questionnaire answered alike, except the ones given."""
    return {code: dict(overrides.get(code, counts)) for code in WARD_SHORT_CRITERIA}


def dashboard_kiosk_data(org):
    """January 2026: Phường Bưởi (via its centre) 40 very satisfied, 10 satisfied, 10 dissatisfied;
    Phường Thụy Khuê 5 + 5 (too few); December 2025: Phường Bưởi 30 satisfied, 10 dissatisfied."""
    counter = Counter(unit=org.centre, code="Q1", name="Quầy 1")
    staff = Staff(unit=org.centre, counter=counter, full_name="Nguyễn Thị Hoa")
    field = ProcedureField(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status")
    db.session.add_all([counter, staff, field])
    db.session.flush()
    jan = date(2026, 1, 12)  # a Monday
    rollup_ratings(org.centre, jan, "very_satisfied", 40, counter=counter, staff=staff, field=field, hour=9)
    rollup_ratings(org.centre, jan, "satisfied", 10, counter=counter, field=field, hour=10)
    rollup_ratings(
        org.centre, jan, "dissatisfied", 10, counter=counter, staff=staff, hour=10, reasons=("long_wait",)
    )
    rollup_ratings(org.ward2, date(2026, 1, 20), "very_satisfied", 5)
    rollup_ratings(org.ward2, date(2026, 1, 20), "dissatisfied", 5, reasons=("attitude", "long_wait"))
    rollup_ratings(org.ward, date(2025, 12, 3), "satisfied", 30)
    rollup_ratings(org.ward, date(2025, 12, 3), "dissatisfied", 10, reasons=("attitude",))
    db.session.commit()
    org.staff_member = staff
    return org


def dashboard_sipas_data(org):
    """Campaign 2025 (ward-short): Phường Bưởi 40 responses (30 paper, 10 online), S01 36/40 = 90, the
    other criteria 32/40 = 80; Phường Thụy Khuê 10 responses, all "5". Campaign 2024: Bưởi 30, 24/30 = 80."""
    old = sipas_models.SipasCampaign(
        code="C2024",
        name="Khảo sát 2024",
        questionnaire="ward-short",
        start_on=date(2024, 10, 1),
        end_on=date(2024, 11, 30),
        state=sipas_models.CampaignState.published,
    )
    new = sipas_models.SipasCampaign(
        code="C2025",
        name="Khảo sát 2025",
        questionnaire="ward-short",
        start_on=date(2025, 10, 1),
        end_on=date(2025, 11, 30),
        state=sipas_models.CampaignState.closed,
    )
    db.session.add_all([old, new])
    db.session.flush()
    db.session.add_all(
        [
            sipas_models.SipasCampaignUnit(campaign_id=new.id, unit_id=org.ward.id, target=50),
            sipas_models.SipasCampaignUnit(campaign_id=new.id, unit_id=org.ward2.id, target=40),
            sipas_models.SipasCampaignUnit(campaign_id=old.id, unit_id=org.ward.id, target=30),
        ]
    )
    # Bưởi's 40 answers add up to {5: 20, 4: 12, 3: 6, 2: 2} (S01: {5: 30, 4: 6, 3: 4}); paper forms were
    # kinder than online ones
    paper, online = {5: 18, 4: 9, 3: 3}, {5: 2, 4: 3, 3: 3, 2: 2}
    cube_sipas_answers(new, org.ward, {"paper": 30}, ward_short_answers(paper, S01={5: 27, 4: 3}))
    cube_sipas_answers(new, org.ward, {"online": 10}, ward_short_answers(online, S01={5: 3, 4: 3, 3: 4}))
    cube_sipas_answers(new, org.ward2, {"online": 10}, ward_short_answers({5: 10}))
    cube_sipas_answers(old, org.ward, {"paper": 30}, ward_short_answers({5: 15, 4: 9, 3: 6}))
    db.session.commit()
    return org


def _dashboard_conference(unit, title, held_at, state=dialogue_models.ConferenceState.closed):
    conference = dialogue_models.DialogueConference(
        host_unit_id=unit.id, title=title, held_at=held_at, state=state
    )
    db.session.add(conference)
    db.session.flush()
    return conference


def _dashboard_comment(conference, number, category, **extra):
    db.session.add(
        dialogue_models.DialogueComment(
            conference_id=conference.id, number=number, category=category, content="…", **extra
        )
    )


def dashboard_dialogue_data(org):
    """2025: the district held one conference (March), Phường Bưởi two (May, September), Thụy Khuê none
    (one only planned). 12 comments: 8 answered on the spot; 4 in writing (due 10/04 or 20/04/2025):
    one answered on time, one late, two still open (overdue)."""
    status = dialogue_models.CommentStatus
    state = dialogue_models.ConferenceState
    justice = create_unit(code="003-TP", name="Phòng Tư pháp", kind=UnitKind.department, parent=org.district)
    district = _dashboard_conference(org.district, "Đối thoại quý I", datetime(2025, 3, 10, 1, tzinfo=UTC))
    ward = _dashboard_conference(
        org.ward, "Đối thoại phường", datetime(2025, 5, 5, 1, tzinfo=UTC), state.published
    )
    _dashboard_conference(org.ward, "Đối thoại tháng 9", datetime(2025, 9, 1, 1, tzinfo=UTC))
    _dashboard_conference(org.ward2, "Dự kiến", datetime(2025, 12, 1, 1, tzinfo=UTC), state.planned)
    on_spot = {"answered_on_spot": True, "status": status.answered_on_spot}
    for number, category in enumerate(["attitude"] * 3 + ["online_services"] * 3, start=1):
        _dashboard_comment(district, number, category, **on_spot)
    due = date(2025, 4, 10)
    in_writing = {"department_id": justice.id, "due_on": due}
    on_time, late = datetime(2025, 4, 8, 3, tzinfo=UTC), datetime(2025, 4, 15, 3, tzinfo=UTC)
    _dashboard_comment(district, 7, "delays", **in_writing, status=status.answered, answered_at=on_time)
    _dashboard_comment(district, 8, "delays", **in_writing, status=status.published, answered_at=late)
    _dashboard_comment(district, 9, "delays", **in_writing, status=status.assigned)
    _dashboard_comment(district, 10, "delays", due_on=date(2025, 4, 20), status=status.in_progress)
    _dashboard_comment(ward, 1, "attitude", **on_spot)
    _dashboard_comment(ward, 2, "attitude", **on_spot)
    db.session.commit()
    return org
