"""Dialogue figures of a unit's subtree: survey_app/analytics/dialogue_queries.py."""

from datetime import date
from zoneinfo import ZoneInfo

from survey_app.analytics.dialogue_queries import dialogue_stats
from survey_app.extensions import db
from tests.factories import build_dialogue_year

HA_NOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_dialogue_stats_of_a_district_year(app, org):
    build_dialogue_year(org)
    db.session.commit()
    stats = dialogue_stats(
        db.session, org.district, date(2018, 1, 1), date(2018, 12, 31), today=date(2018, 6, 18), zone=HA_NOI
    )
    assert stats["conferences"] == 3  # 01/6, the ward's 10/9 and 31/12 23:30
    assert stats["comments"] == 8
    assert stats["by_category"] == {
        "attitude": 1,
        "facilities": 1,
        "online_services": 1,
        "other": 1,
        "procedure_questions": 4,
    }
    assert stats["answered_on_spot"] == 3 and stats["on_spot_share"] == 37.5  # 3 / 8
    # Written: 4 assigned; 2 answered (1 on time); due = 2 answered + 1 open past its date → 1/3.
    assert (stats["written"], stats["answered_in_writing"], stats["answered_in_writing_on_time"]) == (4, 2, 1)
    assert stats["written_due"] == 3 and stats["on_time_share"] == 33.3
    assert stats["overdue"] == 1
    assert stats["by_department"] == [
        {
            "unit": "003-QLDT",
            "name": "Phòng Quản lý đô thị quận Tây Hồ",
            "assigned": 2,
            "answered": 1,
            "answered_on_time": 0,
            "due": 2,
            "overdue": 1,
            "on_time_share": 0.0,
        },
        {
            "unit": "003-TP",
            "name": "Phòng Tư pháp quận Tây Hồ",
            "assigned": 2,
            "answered": 1,
            "answered_on_time": 1,
            "due": 1,
            "overdue": 0,
            "on_time_share": 100.0,
        },
    ]
    ward = dialogue_stats(
        db.session, org.ward, date(2018, 1, 1), date(2018, 12, 31), today=date(2018, 6, 18), zone=HA_NOI
    )
    assert (ward["conferences"], ward["comments"], ward["on_spot_share"], ward["on_time_share"]) == (
        1,
        1,
        100.0,
        None,
    )
