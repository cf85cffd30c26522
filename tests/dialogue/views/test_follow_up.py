"""Follow-up pages: a department's inbox and comment page, overdue comments marked."""

from datetime import UTC, date, datetime

import time_machine

from survey_app.dialogue.comments import add_comment, forward
from survey_app.extensions import db
from survey_app.models import Role
from tests.conftest import post_form
from tests.dialogue.helpers import comment_count, live_form, signed_in
from tests.factories import add_departments, comment_input, make_conference, make_user


def test_department_sees_only_its_assigned_comments(app, org):
    add_departments(org)
    conference = make_conference(org)
    mine = add_comment(
        conference,
        comment_input(content="Ý kiến cho Tư pháp", outcome="written", department_id=org.dept_tp.id),
        None,
    )
    other = add_comment(
        conference,
        comment_input(content="Ý kiến cho Quản lý đô thị", outcome="written", department_id=org.dept_qldt.id),
        None,
    )
    sibling_official = make_user("khuongdinh1", Role.official, org.sibling_ward)
    db.session.commit()
    dept = signed_in(app, "tuphap1")
    inbox = dept.get("/dialogue/inbox").get_data(as_text=True)
    assert "Ý kiến cho Tư pháp" in inbox and "Ý kiến cho Quản lý đô thị" not in inbox
    assert dept.get(f"/dialogue/comments/{mine.id}").status_code == 200
    assert dept.get(f"/dialogue/comments/{other.id}").status_code == 404
    assert dept.get(f"/dialogue/{conference.id}").status_code == 404
    assert dept.get(f"/dialogue/{conference.id}/minutes.docx").status_code == 404
    assert dept.get(f"/dialogue/{conference.id}/minutes.pdf").status_code == 404
    sibling = signed_in(app, sibling_official.username)
    page = sibling.get("/dialogue/inbox").get_data(as_text=True)
    assert "Ý kiến cho" not in page
    assert "lần thứ nhất năm 2018" not in sibling.get("/dialogue/").get_data(as_text=True)
    for url in (
        f"/dialogue/comments/{mine.id}",
        f"/dialogue/{conference.id}",
        f"/dialogue/{conference.id}/live",
    ):
        assert sibling.get(url).status_code == 404
    response = post_form(sibling, f"/dialogue/{conference.id}/comments", live_form(), token_from="/dialogue/")
    assert response.status_code == 404 and comment_count() == 2


def test_overdue_comments_stand_out(app, org):
    add_departments(org)
    conference = make_conference(org)
    add_comment(
        conference, comment_input(content="Quá hạn", outcome="written", department_id=org.dept_tp.id), None
    )
    add_comment(
        conference,
        comment_input(
            content="Còn hạn", outcome="written", department_id=org.dept_tp.id, due_on=date(2018, 6, 29)
        ),
        None,
    )
    db.session.commit()
    # Signed in on each day: a session cookie from the real today would look as if from the future.
    with time_machine.travel(datetime(2018, 6, 15, 9, 0, tzinfo=UTC), tick=False):  # 16:00, last day
        inbox = signed_in(app, "tuphap1").get("/dialogue/inbox").get_data(as_text=True)
        assert "Quá hạn</span>" not in inbox
    with time_machine.travel(datetime(2018, 6, 18, 2, 0, tzinfo=UTC), tick=False):  # Monday 09:00
        page = signed_in(app, "tuphap1").get("/dialogue/inbox").get_data(as_text=True)
    rows = page.split("<tr")
    late = next(r for r in rows if "Quá hạn</a>" in r)
    on_time = next(r for r in rows if "Còn hạn</a>" in r)
    assert 'class="overdue"' in late and "overdue-badge" in late
    assert 'class="overdue"' not in on_time and "29/06/2018" in on_time


def test_the_competent_bodys_answer_to_a_forwarded_comment_is_recorded_with_who_answered(app, org):
    """Forwarded, the comment leaves the department's overdue list; its answer arrives later and the
    minutes name who gave it."""
    add_departments(org)
    conference = make_conference(org)
    comment = add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_tp.id), None
    )  # due 15/6/2018
    with time_machine.travel(datetime(2018, 6, 14, 2, 0, tzinfo=UTC), tick=False):
        forward(comment, "Sở Xây dựng Hà Nội", None)
    db.session.commit()
    url = f"/dialogue/comments/{comment.id}"
    with time_machine.travel(datetime(2018, 6, 20, 2, 0, tzinfo=UTC), tick=False):
        official = signed_in(app, org.users["official"].username)
        page = official.get(url).get_data(as_text=True)
        assert 'id="forwarded-hint"' in page and "28/06/2018" in page
        assert "overdue-badge" not in page
        response = post_form(
            official,
            url,
            {
                "kind": "answer",
                "a-answer": "Sở Xây dựng sẽ rút ngắn thời gian cấp phép xây dựng.",
                "a-answered_by": "Ông Trần Văn Cường – Phó Giám đốc Sở Xây dựng",
            },
        )
        assert response.status_code == 302
        minutes = official.get(f"/dialogue/{conference.id}/conclusion").get_data(as_text=True)
    db.session.refresh(comment)
    assert comment.answered_by == "Ông Trần Văn Cường – Phó Giám đốc Sở Xây dựng"
    assert "Ông Trần Văn Cường – Phó Giám đốc Sở Xây dựng" in minutes


def test_a_competent_body_late_with_its_answer_is_highlighted_in_the_ledger_and_the_inbox(app, org):
    """Forwarded on Thu 14/6/2018 to the city's construction department, which has until Thu 28/6 (10
    working days from its receipt): on 28/6 nothing stands out, on Fri 29/6 the row is highlighted as
    late at the competent body — not as the justice office's own overdue answer."""
    add_departments(org)
    conference = make_conference(org)
    comment = add_comment(
        conference,
        comment_input(content="Cấp phép xây dựng", outcome="written", department_id=org.dept_tp.id),
        None,
    )
    with time_machine.travel(datetime(2018, 6, 14, 2, 0, tzinfo=UTC), tick=False):
        forward(comment, "Sở Xây dựng Hà Nội", None)
    db.session.commit()
    assert comment.due_on == date(2018, 6, 28)

    def rows(day: datetime) -> tuple[str, str]:
        with time_machine.travel(day, tick=False):
            inbox = signed_in(app, "tuphap1").get("/dialogue/inbox?all=1").get_data(as_text=True)
            ledger = signed_in(app, org.users["official"].username).get(f"/dialogue/{conference.id}")
        inbox_row = next(r for r in inbox.split("<tr") if "Cấp phép xây dựng</a>" in r)
        ledger_row = next(r for r in ledger.get_data(as_text=True).split("<tr") if 'id="comment-1"' in r)
        return inbox_row, ledger_row

    for row in rows(datetime(2018, 6, 28, 9, 0, tzinfo=UTC)):
        assert 'class="overdue"' not in row and "overdue-badge" not in row
    for row in rows(datetime(2018, 6, 29, 2, 0, tzinfo=UTC)):
        assert 'class="overdue"' in row
        assert '<span class="badge bad overdue-badge">Quá hạn tại cơ quan có thẩm quyền</span>' in row
