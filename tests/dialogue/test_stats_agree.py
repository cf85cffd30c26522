"""The API's stats and the dialogue dashboard count overdue answers with one function
(analytics.dialogue_queries.tally_comments): a written answer the host owes past its deadline is overdue
whether or not a department is recorded for it; a forwarded comment late at its competent body is counted
apart (forwarded_overdue), in no department's figures."""

import csv
import io
from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from survey_app.dialogue.comments import forward, start_work
from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, DialogueConference
from tests.conftest import login
from tests.dialogue.helpers import bearer
from tests.factories import build_dialogue_year, make_comment

TODAY = datetime(2018, 6, 18, 2, 0, tzinfo=UTC)  # Mon 18/6/2018 09:00 in Hà Nội


def _year_with_an_unowned_and_a_forwarded_late_answer(org) -> None:
    """build_dialogue_year (8 comments: 3 on the spot; 4 written, 2 answered, 1 on time, 3 due, 1 overdue)
    plus, at the district's 01/6 conference: one the host still owes past 15/6 with no department recorded
    (as a comment forwarded before the forwarding day was kept, then marked in progress, is stored), and
    one forwarded on 01/6 whose competent body has not answered by its deadline, 15/6 (10 working days)."""
    build_dialogue_year(org)
    june = db.session.scalars(
        select(DialogueConference)
        .where(DialogueConference.host_unit_id == org.district.id)
        .order_by(DialogueConference.held_at)
    ).first()
    unowned = make_comment(june, outcome="written", department_id=org.dept_tp.id)
    start_work(unowned, None)
    unowned.department_id = None
    unowned.forwarded_to = "Sở Xây dựng Hà Nội"  # forwarded_on left empty, as before it was kept
    forwarded = make_comment(june, outcome="written", department_id=org.dept_qldt.id)
    with time_machine.travel(datetime(2018, 6, 1, 3, 0, tzinfo=UTC), tick=False):
        forward(forwarded, "Sở Tư pháp Hà Nội", None)
    db.session.commit()
    assert (unowned.status, unowned.due_on.isoformat()) == (CommentStatus.in_progress, "2018-06-15")
    assert forwarded.due_on.isoformat() == "2018-06-15"


def test_the_api_and_the_dashboard_count_the_same_overdue_answers(app, client, org):
    _year_with_an_unowned_and_a_forwarded_late_answer(org)
    headers = bearer(org.users["leader"])
    with time_machine.travel(TODAY, tick=False):
        stats = client.get(
            "/api/v1/stats/dialogue?unit=003&from=2018-01-01&to=2018-12-31", headers=headers
        ).json
        login(client, org.users["leader"].username)
        period = "unit=003&start=01/01/2018&end=31/12/2018"
        page = client.get(f"/dashboards/dialogue?{period}").get_data(as_text=True)
        departments = (
            client.get(f"/dashboards/dialogue/export/departments.csv?{period}").get_data().decode("utf-8-sig")
        )
    # 10 comments, 3 on the spot; written: 4 + the unowned one; due: 3 + the unowned one (past 15/6);
    # on time: 1 of 4 due; overdue: Quản lý đô thị's open one + the unowned one; forwarded late: 1.
    assert (stats["comments"], stats["answered_on_spot"], stats["written"]) == (10, 3, 5)
    assert (stats["written_due"], stats["answered_in_writing_on_time"], stats["on_time_share"]) == (
        4,
        1,
        25.0,
    )
    assert stats["overdue"] == 2
    assert (stats["forwarded"], stats["forwarded_awaiting_answer"], stats["forwarded_overdue"]) == (1, 1, 1)
    unowned = stats["by_department"][-1]
    assert (unowned["unit"], unowned["name"]) == (None, None)
    assert (unowned["assigned"], unowned["due"], unowned["overdue"]) == (1, 1, 1)
    # the dashboard says the same
    assert 'data-testid="comments">10<' in page
    assert 'data-testid="overdue">2<' in page
    assert 'data-testid="on-time">25,0%' in page
    assert 'data-testid="forwarded-overdue">và 1 ý kiến đã chuyển, quá hạn tại cơ quan có thẩm quyền' in page
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(departments))}
    assert rows["Chưa giao"] == [
        "1",
        "0",
        "1",
        "0",
        "0.0",
        "1",
    ]  # assigned, answered, due, on time, share, late
    api_rows = {(d["name"] or "Chưa giao"): d for d in stats["by_department"]}
    for name, row in rows.items():
        if name in api_rows:
            d = api_rows[name]
            assert [int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[5])] == [
                d["assigned"],
                d["answered"],
                d["due"],
                d["answered_on_time"],
                d["overdue"],
            ]
    assert {"Phòng Tư pháp quận Tây Hồ", "Phòng Quản lý đô thị quận Tây Hồ", "Chưa giao"} <= set(rows)
