"""Demo data: Tây Hồ's 2018 conference as in the article, and a year of conferences across the demo units."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import func, select

from survey_app.analytics.dialogue_queries import dialogue_stats
from survey_app.core.clock import local_date
from survey_app.demo.seed import seed_organisation
from survey_app.dialogue import demo
from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, ConferenceState, DialogueComment, DialogueConference
from survey_app.org.services import get_unit_by_code


def test_demo_conferences(app):
    list(seed_organisation())
    with time_machine.travel(datetime(2026, 11, 20, 3, 0, tzinfo=UTC), tick=False):  # 10:00 in Hà Nội
        lines = list(demo.seed_tay_ho_2018()) + list(demo.seed_year())
        db.session.commit()
        assert list(demo.seed_tay_ho_2018()) == [] and list(demo.seed_year()) == []
    assert len(lines) == 2
    tay_ho = get_unit_by_code("003")
    first = db.session.scalar(select(DialogueConference).order_by(DialogueConference.held_at))
    assert first.host_unit_id == tay_ho.id and first.title.endswith("lần thứ nhất năm 2018")
    assert local_date(first.held_at) == date(2018, 6, 1) and first.state == ConferenceState.published
    assert first.expected_participants == 30
    invited = [i.unit for i in first.invitees]
    assert (
        sum(u.kind.value == "department" for u in invited) == 12
        and sum(u.kind.value == "ward" for u in invited) == 8
    )
    assert len(first.comments) == 11
    assert all(c.status == CommentStatus.answered_on_spot for c in first.comments)
    assert all(c.answered_by.startswith(("Trưởng phòng", "Chánh Văn phòng")) for c in first.comments)
    assert {c.category for c in first.comments} == {
        "praise",
        "attitude",
        "online_services",
        "procedure_questions",
    }
    # The year: 2 conferences per district, 1 per ward or commune, and one still to come in Tây Hồ.
    total = db.session.scalar(select(func.count()).select_from(DialogueConference))
    assert total == 1 + 4 * 2 + 6 + 1
    upcoming = db.session.scalars(
        select(DialogueConference).where(DialogueConference.state == ConferenceState.planned)
    ).all()
    assert len(upcoming) == 1 and local_date(upcoming[0].held_at) > date(2026, 11, 20)
    stats = dialogue_stats(
        db.session,
        get_unit_by_code("01"),
        date(2025, 11, 21),
        date(2026, 11, 20),
        today=date(2026, 11, 20),
        zone=ZoneInfo("Asia/Ho_Chi_Minh"),
    )
    assert stats["conferences"] == 3 * 2 + 5  # Hà Nội: Đồ Sơn and Ngọc Xuyên are in Hải Phòng
    assert stats["comments"] > 80 and 40 < stats["on_spot_share"] < 80
    assert stats["overdue"] > 0 and 60 < stats["on_time_share"] < 100
    statuses = set(db.session.scalars(select(DialogueComment.status).distinct()))
    assert {CommentStatus.published, CommentStatus.answered_on_spot, CommentStatus.assigned} <= statuses
