"""Builders of the objects tests make again and again; each returns a flushed object.

One section per feature. A test that needs a campaign, a device, a conference or a dossier asks for it
here, so a change of what such an object needs is made in one place.
"""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models import Role, Unit, User

PASSWORD = "correct-horse-42"


# --- people ---------------------------------------------------------------------------------


def make_user(username: str, role: Role, unit: Unit, password: str = PASSWORD) -> User:
    """A user with a known password."""
    user = User(username=username, full_name=username.title(), role=role, unit=unit)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# --- kiosk ----------------------------------------------------------------------------------

# (kiosk builders go here)


# --- sipas ----------------------------------------------------------------------------------

# Imported here rather than at the top so that each feature's section stays its own block.
from collections.abc import Mapping  # noqa: E402
from datetime import date  # noqa: E402

from survey_app.models.sipas import SipasCampaign  # noqa: E402
from survey_app.sipas.campaigns import change_state, create_campaign, set_campaign_unit  # noqa: E402

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

# Imported here rather than at the top so that each feature's section stays its own block.
from datetime import UTC, date, datetime  # noqa: E402

import time_machine  # noqa: E402

from survey_app.dialogue.comments import CommentInput, add_comment, answer_in_writing  # noqa: E402
from survey_app.dialogue.conferences import ConferenceData, create_conference  # noqa: E402
from survey_app.models import UnitKind  # noqa: E402
from survey_app.models.dialogue import ConferenceState, DialogueComment, DialogueConference  # noqa: E402
from survey_app.org.services import create_unit  # noqa: E402

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

# (dashboard data sets go here)
